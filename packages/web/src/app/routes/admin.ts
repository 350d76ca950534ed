import type { PageRoute } from './route.js';

/** The admin area's pages. */
export const adminRoutes: PageRoute[] = [];
