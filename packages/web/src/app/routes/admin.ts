import { lazy } from 'react';
import { patterns } from '../paths.js';
import type { PageRoute } from './route.js';

/** The admin area's pages (and the signed-in user's own account). */
export const adminRoutes: PageRoute[] = [
  {
    pattern: patterns.users,
    component: lazy(() =>
      import('../../pages/admin/users/UsersPage.js').then((m) => ({ default: m.UsersPage })),
    ),
  },
  {
    pattern: patterns.apiTokens,
    component: lazy(() =>
      import('../../pages/admin/api-tokens/ApiTokensPage.js').then((m) => ({ default: m.ApiTokensPage })),
    ),
  },
  {
    pattern: patterns.relays,
    component: lazy(() =>
      import('../../pages/admin/relays/RelaysPage.js').then((m) => ({ default: m.RelaysPage })),
    ),
  },
  {
    pattern: patterns.audit,
    component: lazy(() =>
      import('../../pages/admin/audit/AuditPage.js').then((m) => ({ default: m.AuditPage })),
    ),
  },
  {
    pattern: patterns.account,
    component: lazy(() =>
      import('../../pages/account/AccountPage.js').then((m) => ({ default: m.AccountPage })),
    ),
  },
];
