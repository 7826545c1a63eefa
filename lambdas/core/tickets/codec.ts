/** Compact encodings shared by the model artifact and the word-cluster lexicon. */

/** Payload text (base64 in a JSON model, `#i` in a binary header) → its bytes; `at` names it in errors. */
export type PayloadBytes = (value: string, at: string) => Uint8Array;

export const base64Bytes: PayloadBytes = (value) => Buffer.from(value, 'base64');

export const b64 = (bytes: ArrayBufferView): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Ascending non-negative integers as LEB128 varints of their successive differences. */
export function varintDeltas(values: Iterable<number>): Uint8Array {
  const out: number[] = [];
  let previous = 0;
  for (const value of values) {
    let delta = value - previous;
    previous = value;
    while (delta >= 0x80) {
      out.push((delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 128);
    }
    out.push(delta);
  }
  return Uint8Array.from(out);
}

/**
 * Inverse of `varintDeltas`: fills `out` with exactly `out.length` strictly ascending values below `max`.
 * Returns how many bytes it read, -1 when the bytes end early or -2 for a value out of range or repeated; the
 * caller compares with `bytes.length` (trailing bytes). It never throws inside the loop, and every caller of the
 * model load shares this one function, so it is optimised once per process (the cold start runs it ~10 times).
 */
export function decodeVarintDeltas(bytes: Uint8Array, out: Int32Array, max: number): number {
  const end = bytes.length;
  const count = out.length;
  let pos = 0;
  let value = 0;
  for (let i = 0; i < count; i++) {
    let delta = 0;
    let factor = 1;
    let byte = 0x80;
    while (byte >= 0x80) {
      if (pos >= end) return -1;
      byte = bytes[pos++] as number;
      delta += (byte & 0x7f) * factor;
      factor *= 128;
    }
    value += delta;
    if (value >= max || (i > 0 && delta === 0)) return -2;
    out[i] = value;
  }
  return pos;
}

/** What a negative `decodeVarintDeltas` result, or a short read, means. */
export function varintProblem(read: number): string {
  return read === -1 ? 'is truncated' : read === -2 ? 'out of range' : 'has trailing bytes';
}

/** `decodeVarintDeltas` that reports a problem through `fail`. */
export function readVarintDeltas<T extends Int32Array>(
  bytes: Uint8Array,
  out: T,
  max: number,
  fail: (problem: string) => Error,
): T {
  const read = decodeVarintDeltas(bytes, out, max);
  if (read !== bytes.length) throw fail(varintProblem(read));
  return out;
}
