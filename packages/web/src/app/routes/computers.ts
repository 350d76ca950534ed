import type { PageRoute } from './route.js';

/** The computers area's pages. */
export const computersRoutes: PageRoute[] = [];
