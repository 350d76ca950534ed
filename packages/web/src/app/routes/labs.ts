import { lazy } from 'react';
import { patterns } from '../paths.js';
import type { PageRoute } from './route.js';

/** The labs area's pages. */
export const labsRoutes: PageRoute[] = [
  {
    pattern: patterns.labs,
    component: lazy(() => import('../../pages/labs/LabsPage.js').then((m) => ({ default: m.LabsPage }))),
  },
  {
    pattern: patterns.lab,
    component: lazy(() => import('../../pages/labs/RoomPage.js').then((m) => ({ default: m.RoomPage }))),
  },
];
