import type { PageRoute } from './route.js';

/** The enrollment area's pages. */
export const enrollmentRoutes: PageRoute[] = [];
