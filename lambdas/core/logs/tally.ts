/**
 * Bounded "top values" counter (Space-Saving, Metwally et al. 2005): at most `capacity` entries, so memory stays
 * fixed whatever the number of distinct values. Counts are exact until the table overflows. After that a new
 * value takes the place of the least counted one and inherits its count (which keeps heavy hitters in the
 * table); that inherited part is kept apart (`errors`) so what is reported is only what was counted for the
 * value itself. A unique id then reads 1×, not the evicted value's 90×. Counts that stand for sampled lines
 * are estimates (`estimated`).
 */
export class TopValues<K extends string | number = string> {
  readonly values: K[] = [];
  readonly counts: number[] = [];
  /** The count each entry inherited when it replaced another: its true count is at least `counts - errors`. */
  readonly errors: number[] = [];
  /** Times each entry was counted since it entered, and whether one of those counts stood for a sample. */
  private readonly seen: number[] = [];
  private readonly sampled: boolean[] = [];
  /** The table had no room for every distinct value: counts are lower bounds, and more values were seen. */
  overflowed = false;
  /** Some counts stand for sampled lines (a weight per line seen): they are estimates, not exact. */
  estimated = false;
  /** Index of the value matched last. */
  private last = 0;
  private tick = 0;

  constructor(readonly capacity: number) {}

  /** Counts `value` `count` times; `estimated` when the count stands for lines that were not all looked at. */
  add(value: K, count = 1, estimated = false): void {
    // Once the table has overflowed the values are high-cardinality (ids, counters): look at one in four,
    // weighted by four, at a quarter of the cost; the counts are estimates from then on.
    if (this.overflowed && count === 1 && !estimated) {
      if ((++this.tick & 3) !== 0) return;
      this.tally(value, 4, 1, true);
      return;
    }
    this.tally(value, count, 1, estimated);
  }

  private tally(value: K, count: number, seen: number, estimated: boolean): void {
    if (estimated) this.estimated = true;
    const values = this.values;
    // Runs of the same value are common (a component, a host): try the last one first.
    let i = this.last < values.length && values[this.last] === value ? this.last : values.indexOf(value);
    if (i < 0 && values.length < this.capacity) {
      i = values.push(keep(value)) - 1;
      this.counts.push(0);
      this.errors.push(0);
      this.seen.push(0);
      this.sampled.push(false);
    } else if (i < 0) {
      this.overflowed = true;
      i = 0;
      for (let j = 1; j < values.length; j++)
        if ((this.counts[j] as number) < (this.counts[i] as number)) i = j;
      values[i] = keep(value);
      this.errors[i] = this.counts[i] as number;
      this.seen[i] = 0;
      this.sampled[i] = false;
    }
    this.counts[i] = (this.counts[i] as number) + count;
    this.seen[i] = (this.seen[i] as number) + seen;
    if (estimated) this.sampled[i] = true;
    this.last = i;
  }

  merge(other: TopValues<K>): void {
    for (let i = 0; i < other.values.length; i++)
      this.tally(other.values[i] as K, other.counted(i), other.seen[i] as number, other.sampled[i] === true);
    if (other.overflowed) this.overflowed = true;
    if (other.estimated) this.estimated = true;
  }

  /** Entries by what was counted for each (inherited counts left out), highest first. */
  top(limit = this.capacity): { value: K; count: number }[] {
    const out = this.values.map((value, i) => ({ value, count: this.counted(i) }));
    out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    return out.slice(0, limit);
  }

  /**
   * What was counted for entry `i` itself. A value met in a single sampled line stands for that line's weight
   * (one in 8 or 32 lines looked at), but an id that occurs once is met once: it counts 1, a floor, not 32.
   */
  private counted(i: number): number {
    if (this.sampled[i] === true && this.seen[i] === 1) return 1;
    return (this.counts[i] as number) - (this.errors[i] as number);
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
