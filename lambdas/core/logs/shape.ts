/**
 * The shape of a message: a 53-bit hash of its text with the parts that only ever make a *variable* token
 * abstracted away, so that messages of one shape get the same key from the tokenizer (tokenize.ts). The
 * miner uses it to skip tokenising most lines of a frequent shape.
 *
 * Kept as written: every character other than letters, digits and `_` (whitespace and punctuation decide
 * the token boundaries), runs without digits, and a run that is a whole segment, starts with a letter and
 * holds one run of at most two digits (`eth0`, `L3`, `eth_0`: the tokenizer keeps those as words).
 * Abstracted: every other run with digits becomes one code (digits alone, or mixed): it makes its token a
 * variable whatever it holds (`blk_123`, `7fa823a0`, `fe1a` inside a UUID, `10` in `10.0.0.1`).
 */

/** Character classes: 1 digit, 2 letter, 3 `_` (a word character), 0 anything else. */
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = 1;
for (let c = 65; c <= 90; c++) CLASS[c] = 2;
for (let c = 97; c <= 122; c++) CLASS[c] = 2;
CLASS[95] = 3;

/**
 * Longest message hashed; longer ones are tokenised every time. Up to the tokenizer's longest word (1,024
 * characters, `MAX_WORD`), no word of such a message is cut into one opaque value, so the tokens depend only
 * on what the shape keeps (the token cap falls at the same token for every message of one shape).
 */
export const SHAPE_MAX_CHARS = 1024;

/** Characters that end a token segment in the tokenizer: whitespace and structural punctuation. */
const BOUNDARY = new Uint8Array(128);
for (const ch of ' \t\r\n\f=,;:()[]{}"\'<>|') BOUNDARY[ch.charCodeAt(0)] = 1;

/** Whether position `i` of `s` (a character next to a run) ends a segment; a run of dots does too. */
function boundaryAt(s: string, i: number, step: number): boolean {
  if (i < 0 || i >= s.length) return true;
  const c = s.charCodeAt(i);
  if (c < 128 && BOUNDARY[c] === 1) return true;
  return c === 46 && s.charCodeAt(i + step) === 46;
}

/** The two halves of the last shape computed by `shapeLanes`. */
export const SHAPE = new Int32Array(2);

/** Hash of the shape of `s` as one number (53 bits), or -1 when `s` is too long to be worth it. */
export function shapeHash(s: string): number {
  if (!shapeLanes(s)) return -1;
  return ((SHAPE[0] as number) >>> 0) * 2097152 + ((SHAPE[1] as number) & 0x1fffff);
}

/** Computes the shape of `s` into `SHAPE` (two 32-bit lanes); false when `s` is too long to be worth it. */
export function shapeLanes(s: string): boolean {
  const n = s.length;
  if (n > SHAPE_MAX_CHARS) return false;
  // Two lanes: FNV-1a, and the running sum of its states.
  let h = 0x811c9dc5;
  let sum = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || CLASS[c] === 0) {
      h = Math.imul(h ^ c, 16777619);
      sum = (sum + h) | 0;
      i++;
      continue;
    }
    // A run of letters, digits and `_`: hashed as written, then replaced by a code if it is a value.
    const h0 = h;
    const sum0 = sum;
    let j = i;
    let runs = 0;
    let run = 0;
    let maxRun = 0;
    let letters = false;
    for (; j < n; j++) {
      const d = s.charCodeAt(j);
      const k = d < 128 ? (CLASS[d] as number) : 0;
      if (k === 0) break;
      h = Math.imul(h ^ d, 16777619);
      sum = (sum + h) | 0;
      if (k === 1) {
        if (run++ === 0) runs++;
        if (run > maxRun) maxRun = run;
      } else {
        letters = true;
        run = 0;
      }
    }
    if (runs > 0) {
      // A run with digits is a value unless it is a whole segment that reads as a word (`eth0`, `L3`).
      const word =
        letters &&
        CLASS[c] === 2 &&
        runs === 1 &&
        maxRun <= 2 &&
        boundaryAt(s, i - 1, -1) &&
        boundaryAt(s, j, 1);
      if (!word) {
        h = Math.imul(h0 ^ (letters ? 0x110001 : 0x110002), 16777619);
        sum = (sum0 + h) | 0;
      }
    }
    i = j;
  }
  SHAPE[0] = h;
  SHAPE[1] = sum;
  return true;
}

/**
 * Shapes seen, with the cluster they lead to and how many lines had them: an open-addressing table over
 * the two 32-bit lanes (a `Map` keyed by 53-bit numbers hashes doubles, which is slower). It forgets
 * everything when full: it is only a shortcut.
 */
export class ShapeTable {
  private mask: number;
  private lo: Int32Array;
  private hi: Int32Array;
  /** Cluster id + 1 (0: empty slot). */
  private ids: Int32Array;
  private seen: Int32Array;
  /** The caller's tag when the shape was added (the miner's key-cache generation). */
  private tags: Int32Array;
  private used = 0;

  constructor(
    initial = 1024,
    private readonly max = 1 << 18,
  ) {
    this.mask = initial - 1;
    this.lo = new Int32Array(initial);
    this.hi = new Int32Array(initial);
    this.ids = new Int32Array(initial);
    this.seen = new Int32Array(initial);
    this.tags = new Int32Array(initial);
  }

  /** Slot of the shape in `SHAPE`, or -1 when it is not in the table. */
  find(): number {
    const lo = SHAPE[0] as number;
    const hi = SHAPE[1] as number;
    for (let i = (lo ^ (hi >>> 7)) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.ids[i] === 0) return -1;
      if (this.lo[i] === lo && this.hi[i] === hi) return i;
    }
  }

  /** Adds the shape in `SHAPE` for cluster `id` (seen once), with a tag for the caller. */
  add(id: number, tag = 0): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.grow();
    const lo = SHAPE[0] as number;
    const hi = SHAPE[1] as number;
    let i = (lo ^ (hi >>> 7)) & this.mask;
    while (this.ids[i] !== 0) i = (i + 1) & this.mask;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.ids[i] = id + 1;
    this.seen[i] = 1;
    this.tags[i] = tag;
    this.used++;
  }

  /** Cluster id of a slot. */
  id(slot: number): number {
    return (this.ids[slot] as number) - 1;
  }

  /** The tag a slot was added with. */
  tag(slot: number): number {
    return this.tags[slot] as number;
  }

  /** Counts one more line for a slot and returns the lines seen. */
  touch(slot: number): number {
    return ++(this.seen[slot] as number) as number;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    if (size > this.max) {
      // Full: start afresh (shapes come back as they are seen again).
      this.ids.fill(0);
      this.used = 0;
      return;
    }
    const { lo, hi, ids, seen, tags } = this;
    this.mask = size - 1;
    this.lo = new Int32Array(size);
    this.hi = new Int32Array(size);
    this.ids = new Int32Array(size);
    this.seen = new Int32Array(size);
    this.tags = new Int32Array(size);
    this.used = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === 0) continue;
      let j = ((lo[i] as number) ^ ((hi[i] as number) >>> 7)) & this.mask;
      while (this.ids[j] !== 0) j = (j + 1) & this.mask;
      this.lo[j] = lo[i] as number;
      this.hi[j] = hi[i] as number;
      this.ids[j] = ids[i] as number;
      this.seen[j] = seen[i] as number;
      this.tags[j] = tags[i] as number;
      this.used++;
    }
  }
}
