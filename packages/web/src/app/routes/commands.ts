import { lazy } from 'react';
import { patterns } from '../paths.js';
import type { PageRoute } from './route.js';

/** The commands area's pages: the job history, one job, the script library. */
export const commandsRoutes: PageRoute[] = [
  {
    pattern: patterns.commands,
    component: lazy(() =>
      import('../../pages/commands/CommandsPage.js').then((m) => ({ default: m.CommandsPage })),
    ),
  },
  {
    pattern: patterns.command,
    component: lazy(() => import('../../pages/commands/JobPage.js').then((m) => ({ default: m.JobPage }))),
  },
  {
    pattern: patterns.scripts,
    component: lazy(() =>
      import('../../pages/scripts/ScriptsPage.js').then((m) => ({ default: m.ScriptsPage })),
    ),
  },
];
