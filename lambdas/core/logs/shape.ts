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

/** Character classes for every UTF-16 code unit: 1 digit, 2 letter, 3 `_` (a word character), 0 anything else. */
const CLASS = new Uint8Array(65536);
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

/**
 * The message being hashed, as UTF-16 code units. A message is usually a slice of its line, and reading a
 * slice character by character costs several loads each time; one native copy into this array, then plain
 * array reads, costs about a third less over the whole hash.
 */
const CODES = new Uint16Array(SHAPE_MAX_CHARS);
/**
 * A Node buffer over `CODES`, when `utf16le` writes fill it as the array reads it (a little-endian machine,
 * as `utf16le` puts the low byte first); otherwise the codes are copied one by one.
 */
const CODES_BUFFER =
  typeof Buffer !== 'undefined' && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
    ? Buffer.from(CODES.buffer, CODES.byteOffset, CODES.byteLength)
    : undefined;

/** Whether position `i` of the `n` codes (a character next to a run) ends a segment; a run of dots does too. */
function boundaryAt(codes: Uint16Array, n: number, i: number, step: number): boolean {
  if (i < 0 || i >= n) return true;
  const c = codes[i] as number;
  if (c < 128 && BOUNDARY[c] === 1) return true;
  const k = i + step;
  return c === 46 && k >= 0 && k < n && codes[k] === 46;
}

/** The two halves of the last shape computed by `shapeLanes`. */
export const SHAPE = new Int32Array(2);

/** Hash of the shape of `s` as one number (53 bits), or -1 when `s` is too long to be worth it. */
export function shapeHash(s: string): number {
  if (!shapeLanes(s)) return -1;
  return ((SHAPE[0] as number) >>> 0) * 2097152 + ((SHAPE[1] as number) & 0x1fffff);
}

/** The code units of `s` (at most `SHAPE_MAX_CHARS`): the shared array, filled. */
function codesOf(s: string): Uint16Array {
  if (CODES_BUFFER !== undefined) {
    CODES_BUFFER.write(s, 0, 'utf16le');
    return CODES;
  }
  for (let i = 0; i < s.length; i++) CODES[i] = s.charCodeAt(i);
  return CODES;
}

/** Computes the shape of `s` into `SHAPE` (two 32-bit lanes); false when `s` is too long to be worth it. */
export function shapeLanes(s: string): boolean {
  const n = s.length;
  if (n > SHAPE_MAX_CHARS) return false;
  const codes = codesOf(s);
  // Two lanes: FNV-1a, and the running sum of its states.
  let h = 0x811c9dc5;
  let sum = 0;
  let i = 0;
  while (i < n) {
    const c = codes[i] as number;
    const cc = CLASS[c] as number;
    if (cc === 0) {
      h = Math.imul(h ^ c, 16777619);
      sum = (sum + h) | 0;
      i++;
      continue;
    }
    if (cc === 1) {
      // A run that starts with a digit is a value whatever follows (a word starts with a letter): it becomes
      // its code without being hashed, which is most of the characters of ids, counters and addresses.
      let letters = false;
      let j = i + 1;
      for (; j < n; j++) {
        const k = CLASS[codes[j] as number] as number;
        if (k === 0) break;
        if (k !== 1) letters = true;
      }
      h = Math.imul(h ^ (letters ? 0x110001 : 0x110002), 16777619);
      sum = (sum + h) | 0;
      i = j;
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
      const d = codes[j] as number;
      const k = CLASS[d] as number;
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
        cc === 2 &&
        runs === 1 &&
        maxRun <= 2 &&
        boundaryAt(codes, n, i - 1, -1) &&
        boundaryAt(codes, n, j, 1);
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
 * the two 32-bit lanes (a `Map` keyed by 53-bit numbers hashes doubles, which is slower). A slot's lanes, id
 * and count sit next to each other in one array, so that a lookup reads one cache line: with tens of
 * thousands of shapes the table outgrows the cache. It forgets everything when full: it is only a shortcut.
 */
export class ShapeTable {
  private mask: number;
  /** Per slot, four numbers: the two lanes, cluster id + 1 (0: empty slot), lines seen. */
  private slots: Int32Array;
  /** The caller's tag when the shape was added (the miner's key-cache generation), per slot. */
  private tags: Int32Array;
  private used = 0;

  constructor(
    initial = 1024,
    private readonly max = 1 << 18,
  ) {
    this.mask = initial - 1;
    this.slots = new Int32Array(initial * 4);
    this.tags = new Int32Array(initial);
  }

  /** Slot of the shape in `SHAPE`, or -1 when it is not in the table. */
  find(): number {
    const lo = SHAPE[0] as number;
    const hi = SHAPE[1] as number;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = (lo ^ (hi >>> 7)) & mask; ; i = (i + 1) & mask) {
      const at = i << 2;
      if (slots[at + 2] === 0) return -1;
      if (slots[at] === lo && slots[at + 1] === hi) return i;
    }
  }

  /** Adds the shape in `SHAPE` for cluster `id` (seen once), with a tag for the caller. */
  add(id: number, tag = 0): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.grow();
    const lo = SHAPE[0] as number;
    const hi = SHAPE[1] as number;
    const i = this.free(lo, hi);
    const at = i << 2;
    this.slots[at] = lo;
    this.slots[at + 1] = hi;
    this.slots[at + 2] = id + 1;
    this.slots[at + 3] = 1;
    this.tags[i] = tag;
    this.used++;
  }

  /** Cluster id of a slot. */
  id(slot: number): number {
    return (this.slots[(slot << 2) + 2] as number) - 1;
  }

  /** The tag a slot was added with. */
  tag(slot: number): number {
    return this.tags[slot] as number;
  }

  /** Counts one more line for a slot and returns the lines seen. */
  touch(slot: number): number {
    return ++(this.slots[(slot << 2) + 3] as number) as number;
  }

  /** The first empty slot for lanes `lo`, `hi`. */
  private free(lo: number, hi: number): number {
    let i = (lo ^ (hi >>> 7)) & this.mask;
    while (this.slots[(i << 2) + 2] !== 0) i = (i + 1) & this.mask;
    return i;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    if (size > this.max) {
      // Full: start afresh (shapes come back as they are seen again).
      this.slots.fill(0);
      this.used = 0;
      return;
    }
    const { slots, tags } = this;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 4);
    this.tags = new Int32Array(size);
    for (let k = 0; k < tags.length; k++) {
      const at = k << 2;
      if (slots[at + 2] === 0) continue;
      const i = this.free(slots[at] as number, slots[at + 1] as number);
      this.slots.set(slots.subarray(at, at + 4), i << 2);
      this.tags[i] = tags[k] as number;
    }
  }
}
