import type { ComponentType } from 'react';

/**
 * One page of the app. Each area (computers, labs, commands, …) lists its
 * pages in its own file here, and every page but the fleet is loaded lazily
 * (`React.lazy`), so the first load ships only the fleet dashboard.
 */
export interface PageRoute {
  /** wouter pattern, from `paths.ts`'s `patterns`. */
  pattern: string;
  /** Receives the pattern's parameters (e.g. `{ id }`). */
  // biome-ignore lint/suspicious/noExplicitAny: each page declares its own params
  component: ComponentType<{ params: any }>;
}
