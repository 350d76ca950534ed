import { lazy } from 'react';
import { patterns } from '../paths.js';
import type { PageRoute } from './route.js';

/** The enrollment area's pages. */
export const enrollmentRoutes: PageRoute[] = [
  {
    pattern: patterns.enrollment,
    component: lazy(() =>
      import('../../pages/enrollment/EnrollmentPage.js').then((m) => ({ default: m.EnrollmentPage })),
    ),
  },
];
