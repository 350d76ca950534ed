import classes from './StatusDot.module.css';

export interface StatusDotProps {
  /** Any CSS colour, typically a Mantine variable such as `var(--mantine-color-green-6)`. */
  color: string;
  /** Adds a soft pulsing ring, for "live" states. @default false */
  pulse?: boolean;
}

/** A small coloured dot; always decorative, so put the status word beside it. */
export function StatusDot({ color, pulse = false }: StatusDotProps) {
  return (
    <span
      aria-hidden="true"
      className={pulse ? `${classes.dot} ${classes.pulse}` : classes.dot}
      style={{ '--dot-color': color }}
    />
  );
}
