/**
 * Every page's URL, in one place: links are built from these, and the router
 * (App.tsx) matches the same patterns.
 */
export const paths = {
  fleet: '/',
  computer: (id: string) => `/computers/${encodeURIComponent(id)}`,
  labs: '/labs',
  lab: (id: string) => `/labs/${encodeURIComponent(id)}`,
  commands: '/commands',
  command: (id: string) => `/commands/${encodeURIComponent(id)}`,
  scripts: '/scripts',
  enrollment: '/enrollment',
  users: '/admin/users',
  apiTokens: '/admin/api-tokens',
  relays: '/admin/relays',
  audit: '/admin/audit',
  account: '/account',
} as const;

/** Route patterns for the router (wouter syntax). */
export const patterns = {
  fleet: '/',
  computer: '/computers/:id',
  labs: '/labs',
  lab: '/labs/:id',
  commands: '/commands',
  command: '/commands/:id',
  scripts: '/scripts',
  enrollment: '/enrollment',
  users: '/admin/users',
  apiTokens: '/admin/api-tokens',
  relays: '/admin/relays',
  audit: '/admin/audit',
  account: '/account',
} as const;
