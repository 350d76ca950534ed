import { Tooltip } from '@mantine/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';

/** Delay before a tooltip shows on hover, as for Mantine's own. */
const OPEN_DELAY_MS = 250;

interface Tip {
  target: HTMLElement;
  label: string;
}

/**
 * One tooltip for every descendant carrying a `data-tooltip` attribute,
 * opened on hover or keyboard focus. A table of a thousand rows then costs
 * one floating element instead of thousands of tooltip instances.
 */
export function DelegatedTooltip({ children }: { children: ReactNode }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<Tip | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    /** The element under the pointer or focus, whether its tooltip is showing yet or not. */
    let current: HTMLElement | null = null;
    let pending: ReturnType<typeof setTimeout> | undefined;

    const show = (target: EventTarget | null, delay: number) => {
      const element = target instanceof Element ? target.closest<HTMLElement>('[data-tooltip]') : null;
      if (element === current) return;
      current = element;
      clearTimeout(pending);
      if (!element || !container.contains(element)) {
        setTip(null);
        return;
      }
      pending = setTimeout(() => setTip({ target: element, label: element.dataset.tooltip ?? '' }), delay);
    };
    const hide = () => {
      current = null;
      clearTimeout(pending);
      setTip(null);
    };
    const onPointerOver = (e: PointerEvent) => show(e.target, OPEN_DELAY_MS);
    const onFocusIn = (e: FocusEvent) => show(e.target, 0);

    container.addEventListener('pointerover', onPointerOver);
    container.addEventListener('pointerleave', hide);
    container.addEventListener('focusin', onFocusIn);
    container.addEventListener('focusout', hide);
    return () => {
      clearTimeout(pending);
      container.removeEventListener('pointerover', onPointerOver);
      container.removeEventListener('pointerleave', hide);
      container.removeEventListener('focusin', onFocusIn);
      container.removeEventListener('focusout', hide);
    };
  }, []);

  return (
    <div ref={containerRef}>
      {children}
      {tip && tip.label !== '' && (
        <Tooltip target={tip.target} label={tip.label} opened withinPortal hideDetached />
      )}
    </div>
  );
}
