import { lazy } from 'react';
import { patterns } from '../paths.js';
import type { PageRoute } from './route.js';

/** The computers area's pages. */
export const computersRoutes: PageRoute[] = [
  {
    pattern: patterns.computer,
    component: lazy(() =>
      import('../../pages/computer/ComputerPage.js').then((m) => ({ default: m.ComputerPage })),
    ),
  },
];
