/**
 * The shape of a message: a 53-bit hash of its text with the parts that only ever make a *variable* token
 * abstracted away, so that messages of one shape get the same key from the tokenizer (tokenize.ts). The
 * miner uses it to skip tokenising most lines of a frequent shape.
 *
 * Kept as written: every character other than letters, digits and `_` (whitespace and punctuation decide
 * the token boundaries), runs without digits, and a run that is a whole segment, starts with a letter and
 * holds one run of at most two digits (`eth0`, `L3`, `eth_0`: the tokenizer keeps those as words).
 * Abstracted: any other run with digits becomes one code (digits alone, or mixed): it makes its token a
 * variable whatever it holds (`blk_123`, `7fa823a0`, `fe1a` inside a UUID, `10` in `10.0.0.1`).
 */

/** Character classes: 1 digit, 2 letter, 3 `_` (a word character), 0 anything else. */
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = 1;
for (let c = 65; c <= 90; c++) CLASS[c] = 2;
for (let c = 97; c <= 122; c++) CLASS[c] = 2;
CLASS[95] = 3;

/** Longest message hashed; longer ones are tokenised every time. */
export const SHAPE_MAX_CHARS = 512;

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

/** Hash of the shape of `s`, or -1 when `s` is too long to be worth it. */
export function shapeHash(s: string): number {
  const n = s.length;
  if (n > SHAPE_MAX_CHARS) return -1;
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
  return (h >>> 0) * 2097152 + ((sum >>> 0) & 0x1fffff);
}
