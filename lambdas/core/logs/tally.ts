/**
 * Bounded "top values" counter (Space-Saving): at most `capacity` entries, so memory stays fixed whatever the
 * number of distinct values; counts of the heavy hitters are exact until the table overflows, then estimates
 * (over-estimated by at most the smallest count in the table, and sampled, see `add`).
 */
export class TopValues<K extends string | number = string> {
  readonly values: K[] = [];
  readonly counts: number[] = [];
  /** Distinct values seen, counted while the table had room; `overflowed` says there were more. */
  overflowed = false;
  private tick = 0;
  /** Index of the value matched last. */
  private last = 0;

  constructor(readonly capacity: number) {}

  add(value: K, count = 1): void {
    // Once the table has overflowed the values are high-cardinality (ids, counters): look at one in
    // four, weighted by four, which keeps the estimate unbiased at a quarter of the cost.
    if (this.overflowed && count === 1) {
      if ((++this.tick & 3) !== 0) return;
      count = 4;
    }
    const values = this.values;
    // Runs of the same value are common (a component, a host): try the last one first.
    const last = this.last;
    if (last < values.length && values[last] === value) {
      this.counts[last] = (this.counts[last] as number) + count;
      return;
    }
    for (let i = 0; i < values.length; i++) {
      if (values[i] === value) {
        this.counts[i] = (this.counts[i] as number) + count;
        this.last = i;
        return;
      }
    }
    if (values.length < this.capacity) {
      values.push(keep(value));
      this.counts.push(count);
      return;
    }
    this.overflowed = true;
    let min = 0;
    for (let i = 1; i < values.length; i++)
      if ((this.counts[i] as number) < (this.counts[min] as number)) min = i;
    values[min] = keep(value);
    this.counts[min] = (this.counts[min] as number) + count;
  }

  merge(other: TopValues<K>): void {
    for (let i = 0; i < other.values.length; i++) this.add(other.values[i] as K, other.counts[i] as number);
    if (other.overflowed) this.overflowed = true;
  }

  /** Entries sorted by count, highest first. */
  top(limit = this.capacity): { value: K; count: number }[] {
    const out = this.values.map((value, i) => ({ value, count: this.counts[i] as number }));
    out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    return out.slice(0, limit);
  }

  get size(): number {
    return this.values.length;
  }
}

const keep = <K extends string | number>(value: K): K =>
  (typeof value === 'string' ? detach(value) : value) as K;

/**
 * A copy of `s` that does not keep its parent string alive. V8 represents slices as views into the original
 * line; storing one would pin a whole (possibly 1 MB) line in memory.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
