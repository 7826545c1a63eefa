/**
 * The binary container of a ticket model (`*.model.bin`, the committed default): the same model as the JSON
 * artifact, with the large byte payloads stored raw instead of as base64 strings.
 *
 * Why: a cold start of the JSON model spent its time on the 4 MB text itself (reading it, `JSON.parse`, base64
 * decoding, and a mark-compact collection of the megabytes of parsed strings left on the heap). Here the header
 * is a small JSON object, and every payload is a view into the file's buffer: nothing large is copied or parsed.
 *
 * Layout (integers little-endian uint32):
 *
 *   0   8 bytes   magic `AIOPS-TM`
 *   8   uint32    layout version (1)
 *   12  uint32    H, the header's length in bytes
 *   16  uint32    N, the number of sections
 *   20  N × (uint32 offset, uint32 length)
 *   …   H bytes   the header: the model JSON (UTF-8), every payload replaced by `#i`, a reference to section i
 *   …   sections  section i at the next multiple of 8 after section i − 1 (the first after the header); the
 *                 last ends at the end of the file
 *
 * The header is checked by the same zod schema as a JSON model and the sections by the same length and range
 * checks, so a defect gives the same `ValidationError` messages; the container adds its own (wrong magic,
 * truncation, sections that do not follow each other, a section referenced twice or never).
 */
import { ValidationError } from '../errors.ts';
import { b64, base64Bytes, decodeVarintDeltas, type PayloadBytes } from './codec.ts';
import type { TicketModelJson } from './model.ts';
import { compactWordClusters, type WordClustersJson } from './word-clusters.ts';

export const BINARY_MAGIC = 'AIOPS-TM';
export const BINARY_LAYOUT_VERSION = 1;
const FIXED = 20;
const ALIGN = 8;

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Whether `bytes` start with the binary magic (a JSON model starts with `{` or whitespace). */
export function isBinaryModel(bytes: Uint8Array): boolean {
  return (
    bytes.length >= BINARY_MAGIC.length &&
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(
      'latin1',
      0,
      BINARY_MAGIC.length,
    ) === BINARY_MAGIC
  );
}

/**
 * Calls `visit` with every payload of a model JSON (the fields the file stores as base64), returning what
 * `visit` returns in their place: the encoder and the tests use it on a model JSON object.
 */
export function mapPayloads(json: TicketModelJson, visit: (value: string) => string): TicketModelJson {
  type Weights = TicketModelJson['heads'][number]['weights'];
  const weights = (w: Weights): Weights => ({
    ...w,
    slots: visit(w.slots),
    data: visit(w.data),
    ...(w.shifts === undefined ? {} : { shifts: visit(w.shifts) }),
  });
  const optional = <K extends string>(key: K, value: string | undefined) =>
    (value === undefined ? {} : { [key]: visit(value) }) as Partial<Record<K, string>>;
  const clusters = (c: WordClustersJson): WordClustersJson => ({
    ...c,
    ...optional('hashes', c.hashes),
    ...optional('keys', c.keys),
    ...optional('counts', c.counts),
    clusters: c.clusters.map(visit),
  });
  return {
    ...json,
    vocabulary: {
      ...json.vocabulary,
      ...optional('buckets', json.vocabulary.buckets),
      ...optional('bitmap', json.vocabulary.bitmap),
    },
    idf: { ...json.idf, data: visit(json.idf.data) },
    heads: json.heads.map((head) => ({ ...head, weights: weights(head.weights) })),
    ...(json.labelHeads === undefined
      ? {}
      : {
          labelHeads: json.labelHeads.map((label) => ({
            ...label,
            heads: label.heads.map((head) => ({ ...head, weights: weights(head.weights) })),
          })),
        }),
    ...(json.wordClusters === undefined ? {} : { wordClusters: clusters(json.wordClusters) }),
  };
}

/**
 * The same model (same `version`, same numbers) with the forms a cold start reads fastest: the vocabulary as a
 * bitmap instead of varint deltas, the word-cluster hashes as raw keys with per-bucket counts (see
 * `compactWordClusters`). What the binary encoder stores; a JSON model may hold either form.
 */
export function compactModel(json: TicketModelJson): TicketModelJson {
  const { buckets, ...vocabulary } = json.vocabulary;
  const hashBits = json.features.hashBits;
  let compact = json;
  if (buckets !== undefined) {
    const slots = new Int32Array(vocabulary.size);
    const bytes = base64Bytes(buckets, 'vocabulary.buckets');
    if (decodeVarintDeltas(bytes, slots, 2 ** hashBits) !== bytes.length)
      throw new Error('internal: vocabulary.buckets do not decode');
    const bitmap = new Uint8Array(Math.max(4, 2 ** hashBits / 8));
    for (const bucket of slots) bitmap[bucket >>> 3] = (bitmap[bucket >>> 3] ?? 0) | (1 << (bucket & 7));
    compact = { ...compact, vocabulary: { ...vocabulary, bitmap: b64(bitmap) } };
  }
  if (json.wordClusters !== undefined)
    compact = { ...compact, wordClusters: compactWordClusters(json.wordClusters) };
  return compact;
}

/** The binary file of a model JSON: the same model (same `version`, same numbers), its payloads raw. */
export function encodeBinaryModel(json: TicketModelJson): Buffer {
  const sections: Buffer[] = [];
  const header = mapPayloads(compactModel(json), (value) => {
    sections.push(Buffer.from(value, 'base64'));
    return `#${sections.length - 1}`;
  });
  return writeBinaryModel(header, sections);
}

/** Lays out a header (whose payloads are `#i` references) and its sections: `encodeBinaryModel`'s last step. */
export function writeBinaryModel(header: unknown, sections: readonly Uint8Array[]): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const table = FIXED + 8 * sections.length;
  let at = align(table + headerBytes.length);
  const offsets = sections.map((section) => {
    const offset = at;
    at = align(offset + section.length);
    return offset;
  });
  const last = sections.length - 1;
  const size = last < 0 ? table + headerBytes.length : (offsets[last] ?? 0) + (sections[last]?.length ?? 0);
  const out = Buffer.alloc(size);
  out.write(BINARY_MAGIC, 0, 'latin1');
  out.writeUInt32LE(BINARY_LAYOUT_VERSION, 8);
  out.writeUInt32LE(headerBytes.length, 12);
  out.writeUInt32LE(sections.length, 16);
  sections.forEach((section, i) => {
    out.writeUInt32LE(offsets[i] ?? 0, FIXED + 8 * i);
    out.writeUInt32LE(section.length, FIXED + 8 * i + 4);
    out.set(section, offsets[i] ?? 0);
  });
  headerBytes.copy(out, table);
  return out;
}

/** The JSON model of a binary file (its payloads as base64), e.g. to re-encode it; not validated here. */
export function binaryModelJson(file: Uint8Array, name: string): TicketModelJson {
  const binary = readBinaryModel(file, name);
  return mapPayloads(binary.header as TicketModelJson, (ref) => b64(binary.bytes(ref, ref)));
}

export interface BinaryModel {
  /** The parsed header, for `decodeModel`. */
  header: unknown;
  /** Resolves a `#i` reference to a view of section i. */
  bytes: PayloadBytes;
  /** Throws unless every section was referenced (call after decoding). */
  finish(): void;
}

/** Splits a binary model file into its header and sections; `name` says which file in errors. */
export function readBinaryModel(file: Uint8Array, name: string): BinaryModel {
  const invalid = (message: string) => new ValidationError('model', `binary model ${name}: ${message}`);
  if (!isBinaryModel(file)) throw invalid(`wrong magic (not a ${BINARY_MAGIC} file)`);
  if (file.length < FIXED) throw invalid('is truncated (no header)');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const layout = view.getUint32(8, true);
  if (layout !== BINARY_LAYOUT_VERSION)
    throw invalid(`unsupported layout version ${layout} (expected ${BINARY_LAYOUT_VERSION})`);
  const headerLength = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  const table = FIXED + 8 * count;
  if (table + headerLength > file.length) throw invalid('is truncated (in the header)');
  const sections: Uint8Array[] = [];
  let end = table + headerLength;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(FIXED + 8 * i, true);
    const length = view.getUint32(FIXED + 8 * i + 4, true);
    const expected = align(end);
    if (offset !== expected)
      throw invalid(`section ${i} starts at ${offset}, expected ${expected} (section lengths do not match)`);
    if (offset + length > file.length)
      throw invalid(`is truncated (section ${i} ends at ${offset + length}, the file at ${file.length})`);
    sections.push(file.subarray(offset, offset + length));
    end = offset + length;
  }
  if (end !== file.length) throw invalid(`has ${file.length - end} bytes after its last section`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(file.buffer, file.byteOffset + table, headerLength).toString('utf8'));
  } catch {
    throw invalid('header is not valid JSON');
  }
  const used = new Uint8Array(count);
  return {
    header,
    bytes: (value, at) => {
      const index = /^#\d{1,9}$/.test(value) ? Number(value.slice(1)) : -1;
      const section = sections[index];
      if (section === undefined) throw new ValidationError('model', `${at}: not a section of ${name}`);
      if (used[index] === 1) throw new ValidationError('model', `${at}: section ${index} is used twice`);
      used[index] = 1;
      return section;
    },
    finish: () => {
      const unused = used.indexOf(0);
      if (unused >= 0) throw invalid(`section ${unused} is not used by the header`);
    },
  };
}
