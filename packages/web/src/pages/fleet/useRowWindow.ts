import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { type RowWindow, rowWindow } from './row-window.js';

/** Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps. */
const OVERSCAN = 12;
/** First guess of the row height until a real row has been measured. */
const ESTIMATED_ROW_HEIGHT = 50;

export interface RowWindowState extends RowWindow {
  rowHeight: number;
}

export interface RowWindowOptions {
  /** Row pitch in px when it is fixed by CSS; otherwise measured between two rendered rows. */
  rowHeight?: number;
  /** The rendered rows, for measuring. @default 'tr[data-computer-id]' */
  rowSelector?: string;
}

/**
 * Windowed rendering for a page-scrolled list (a table body, the rows of a
 * tile grid): returns which rows to render and the row height for the
 * spacers. With `enabled` false every row is rendered.
 */
export function useRowWindow(
  bodyRef: RefObject<HTMLElement | null>,
  count: number,
  enabled: boolean,
  options: RowWindowOptions = {},
): RowWindowState {
  const { rowHeight: fixedHeight, rowSelector = 'tr[data-computer-id]' } = options;
  const [measuredHeight, setRowHeight] = useState(ESTIMATED_ROW_HEIGHT);
  const rowHeight = fixedHeight ?? measuredHeight;
  const [range, setRange] = useState<RowWindow>({ start: 0, end: Math.min(count, 40) });
  const frame = useRef(0);

  useEffect(() => {
    if (!enabled) return undefined;
    const update = () => {
      frame.current = 0;
      const body = bodyRef.current;
      if (!body) return;
      const next = rowWindow({
        count,
        rowHeight,
        bodyTop: body.getBoundingClientRect().top,
        viewportHeight: window.innerHeight,
        overscan: OVERSCAN,
      });
      setRange((current) => (current.start === next.start && current.end === next.end ? current : next));
    };
    const schedule = () => {
      if (frame.current === 0) frame.current = requestAnimationFrame(update);
    };
    update();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule, { passive: true });
    return () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
    };
  }, [bodyRef, count, rowHeight, enabled]);

  // Rows are all alike: measure the pitch between two rendered ones (borders included).
  useLayoutEffect(() => {
    if (!enabled || fixedHeight !== undefined) return;
    const rows = bodyRef.current?.querySelectorAll(rowSelector);
    const first = rows?.[0];
    const second = rows?.[1];
    if (!first || !second) return;
    const pitch = second.getBoundingClientRect().top - first.getBoundingClientRect().top;
    if (pitch > 0 && Math.abs(pitch - rowHeight) > 0.5) setRowHeight(pitch);
  });

  if (!enabled) return { start: 0, end: count, rowHeight };
  return { start: Math.min(range.start, count), end: Math.min(range.end, count), rowHeight };
}
