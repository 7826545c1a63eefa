/** Compact encodings shared by the model artifact and the word-cluster lexicon. */

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
 * Inverse of `varintDeltas`: fills `out` with exactly `out.length` strictly ascending values below `max`;
 * anything else (truncation, repeats, overflow, trailing bytes) is reported through `fail`.
 */
export function readVarintDeltas<T extends Int32Array | Uint32Array>(
  bytes: Uint8Array,
  out: T,
  max: number,
  fail: (problem: string) => Error,
): T {
  let value = 0;
  let pos = 0;
  for (let i = 0; i < out.length; i++) {
    let delta = 0;
    let factor = 1;
    for (;;) {
      const byte = bytes[pos++];
      if (byte === undefined) throw fail('is truncated');
      delta += (byte & 0x7f) * factor;
      factor *= 128;
      if (byte < 0x80) break;
    }
    value += delta;
    if (value >= max || (i > 0 && delta === 0)) throw fail('out of range');
    out[i] = value;
  }
  if (pos !== bytes.length) throw fail('has trailing bytes');
  return out;
}
