import type { ReactNode } from 'react';

interface Props {
  label: string;
  children: ReactNode;
  /**
   * The table opens panels under its rows (a template's values or lines): the region is then a size container,
   * so that a `row-panel` can be as wide as the region's visible box rather than the whole table (styles.css).
   */
  rowPanels?: boolean;
}

/**
 * A wide table that scrolls sideways on narrow screens. Keyboard users must be able to scroll it too, so the
 * region is focusable and named (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children, rowPanels = false }: Props) {
  const className = rowPanels ? 'table-scroll with-row-panels' : 'table-scroll';
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className={className} tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
