import type { PageRoute } from './route.js';

/** The labs area's pages. */
export const labsRoutes: PageRoute[] = [];
