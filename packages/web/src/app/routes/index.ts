import { adminRoutes } from './admin.js';
import { commandsRoutes } from './commands.js';
import { computersRoutes } from './computers.js';
import { enrollmentRoutes } from './enrollment.js';
import { labsRoutes } from './labs.js';
import type { PageRoute } from './route.js';

/** Every lazily loaded page; the fleet dashboard (the first page) is routed in App.tsx. */
export const pageRoutes: PageRoute[] = [
  ...computersRoutes,
  ...labsRoutes,
  ...commandsRoutes,
  ...enrollmentRoutes,
  ...adminRoutes,
];
