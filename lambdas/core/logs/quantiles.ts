/**
 * Latency percentiles in bounded memory: the DDSketch algorithm (Masson, Rim and Lee, "DDSketch: a fast
 * and fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019). A value x > 0 goes to
 * bucket ⌈log_γ x⌉ with γ = (1 + α) / (1 − α), so any quantile is returned within relative error α
 * (1% here); ~1,400 buckets cover 1 µs to a day.
 *
 * Written here rather than taken from `@datadog/sketches-js`: that package loads `protobufjs` (for its wire
 * format, which we do not need) without declaring it, so it cannot be bundled into the Lambda functions.
 */
export class QuantileSketch {
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;
  max = 0;

  constructor(readonly relativeAccuracy = 0.01) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  /** Adds a value ≥ 0 (values below a nanosecond of a millisecond count as zero). */
  add(value: number): void {
    this.count++;
    if (value > this.max) this.max = value;
    if (value < 1e-6) {
      this.zeros++;
      return;
    }
    const key = Math.ceil(Math.log(value) / this.logGamma);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
  }

  /** Adds every value of `other` (same accuracy): the sketch of both sets of values. */
  merge(other: QuantileSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    if (other.max > this.max) this.max = other.max;
    for (const [key, n] of other.buckets) this.buckets.set(key, (this.buckets.get(key) ?? 0) + n);
  }

  /** The value at quantile q (0..1), within the relative accuracy; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(0, Math.min(this.count - 1, Math.floor(q * (this.count - 1))));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      seen += this.buckets.get(key) as number;
      // The bucket's midpoint (in relative terms) is within α of every value in it.
      if (seen > rank) return Math.min((2 * this.gamma ** key) / (1 + this.gamma), this.max);
    }
    return this.max;
  }
}
