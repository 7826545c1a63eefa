import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on narrow screens. Keyboard users must be able to scroll it too, so the
 * region is focusable and named (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
