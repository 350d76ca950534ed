import type { PageRoute } from './route.js';

/** The commands area's pages. */
export const commandsRoutes: PageRoute[] = [];
