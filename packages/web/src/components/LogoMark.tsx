import { useId } from 'react';

export interface LogoMarkProps {
  /** Edge length in pixels. @default 28 */
  size?: number;
}

/** The Lab Manager mark: a screen with a live pulse line. Decorative; pair it with the product name. */
export function LogoMark({ size = 28 }: LogoMarkProps) {
  const gradient = useId();
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={gradient} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="var(--mantine-color-indigo-5)" />
          <stop offset="1" stopColor="var(--mantine-color-cyan-6)" />
        </linearGradient>
      </defs>
      <rect x="1" y="1" width="30" height="30" rx="8" fill={`url(#${gradient})`} />
      <rect x="7" y="8" width="18" height="12.5" rx="2" fill="none" stroke="#fff" strokeWidth="1.8" />
      <path d="M13 24.5h6M16 20.5v4" stroke="#fff" strokeWidth="1.8" strokeLinecap="round" />
      <path
        d="M9.5 14.5h3l1.6-3.2 2.4 5.4 1.7-3.2h4.3"
        fill="none"
        stroke="#fff"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
