import 'react';

declare module 'react' {
  /** Lets `style` set CSS custom properties (`--bar-color`, …) without casts. */
  interface CSSProperties {
    [property: `--${string}`]: string | number | undefined;
  }
}
