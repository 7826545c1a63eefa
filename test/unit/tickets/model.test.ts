import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import {
  binaryModelJson,
  compactModel,
  encodeBinaryModel,
  mapPayloads,
  writeBinaryModel,
} from '../../../lambdas/core/tickets/binary.ts';
import {
  createTicketClassifier,
  decodeModel,
  loadModel,
  type TicketModelJson,
} from '../../../lambdas/core/tickets/index.ts';
import { canonicalLabel, trainTicketModel } from '../../../lambdas/core/tickets/train.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { fixtureModel, fixtureTickets, internalTickets, mixedModel, validationField } from './support.ts';

/** Model files written by these tests; removed when the file ends. */
const scratch = tempDir('tickets-model-');

describe('training', () => {
  it('is deterministic: the same data and seed give the same artifact', () => {
    const again = trainTicketModel(fixtureTickets(), { calibrationFolds: 3 });
    expect(JSON.stringify(again.json)).toBe(JSON.stringify(fixtureModel().json));
  });

  it('treats labels case-insensitively and takes the category set from the data', () => {
    const tickets = fixtureTickets().map((t, i) => ({
      ...t,
      label: i % 2 === 0 ? t.label.toUpperCase() : ` ${t.label} `,
    }));
    const { json } = trainTicketModel(tickets, { calibrationFolds: 0 });
    expect(json.categories).toEqual(['BUG', 'FEATURE', 'QUESTION']);
    expect(json.training.labelCounts).toEqual({ BUG: 15, FEATURE: 15, QUESTION: 15 });
  });

  it('replaces the category set when a team retrains on its own labels, keeping rules for missing ones', () => {
    const tickets = fixtureTickets().map((t) => ({
      ...t,
      label: t.label === 'bug' ? 'incident' : 'request',
    }));
    const { json } = trainTicketModel(tickets, { calibrationFolds: 0 });
    expect(json.categories).toEqual(['INCIDENT', 'REQUEST']);
    expect(json.ruleCategories).toEqual(['TASK', 'SECURITY']);
    const c = createTicketClassifier(json);
    expect(c.categories).toEqual(['INCIDENT', 'TASK', 'SECURITY', 'REQUEST']);
  });

  it('can train without rule categories', () => {
    expect(
      trainTicketModel(fixtureTickets(), { calibrationFolds: 0, ruleCategories: [] }).json.ruleCategories,
    ).toEqual([]);
  });

  it('refuses a single label or an empty one', () => {
    const one = fixtureTickets().map((t) => ({ ...t, label: 'bug' }));
    expect(validationField(() => trainTicketModel(one))).toBe('label');
    const blank = fixtureTickets().map((t, i) => ({ ...t, label: i === 3 ? ' ' : t.label }));
    expect(validationField(() => trainTicketModel(blank))).toBe('label');
  });

  it('learns the six categories, the priority and a team from labelled internal tickets', () => {
    const { json } = mixedModel();
    expect(json.categories).toEqual(['BUG', 'FEATURE', 'INCIDENT', 'QUESTION', 'SECURITY', 'TASK']);
    expect(json.ruleCategories).toEqual([]);
    expect(json.labelHeads?.map((h) => [h.name, h.classes, h.examples])).toEqual([
      ['priority', ['P1', 'P2', 'P3', 'P4'], 48],
      ['team', ['data', 'it', 'payments', 'platform', 'sre', 'web'], 48],
    ]);
  });

  it('refuses a label column with a single value, naming the column', () => {
    const tickets = internalTickets().map((t) => ({ ...t, labels: { team: 'sre' } }));
    expect(validationField(() => trainTicketModel(tickets, { calibrationFolds: 0 }))).toBe('team');
  });

  it('trains a label head only on the tickets that have a value for it', () => {
    const tickets = internalTickets().map((t, i) => ({
      ...t,
      labels: { queue: i % 3 === 0 ? undefined : i % 2 === 0 ? 'Ops' : 'dev ' },
    }));
    const head = trainTicketModel(tickets, { calibrationFolds: 0 }).json.labelHeads?.[0];
    expect(head?.name).toBe('queue');
    expect(head?.classes).toEqual(['dev', 'Ops']);
    expect(head?.examples).toBe(32);
  });

  it('canonicalises labels to upper case with underscores', () => {
    expect(canonicalLabel(' feature request ')).toBe('FEATURE_REQUEST');
  });

  it('fits a temperature per head and records the out-of-fold score', () => {
    const { json } = fixtureModel();
    expect(json.heads.map((h) => h.name)).toEqual(['all', 'title', 'body', 'structure', 'chars']);
    for (const head of json.heads) expect(head.temperature).toBeGreaterThan(0);
    expect(json.sharpen).toBeGreaterThan(0);
    expect(json.training.crossValidatedMacroF1).toBeGreaterThan(0);
  });
});

describe('model artifact', () => {
  it('round-trips through a file and predicts the same as the in-memory model', () => {
    const { json, model } = fixtureModel();
    const path = join(scratch, `tickets-${process.pid}.model.json`);
    writeFileSync(path, JSON.stringify(json));
    const fromFile = createTicketClassifier(path);
    const inMemory = createTicketClassifier(model);
    const ticket = { title: 'Feature: support dark mode', body: 'Would be nice to have.' };
    expect(fromFile.classify(ticket)).toEqual(inMemory.classify(ticket));
    expect(fromFile.version).toBe(json.version);
  });

  it.each([
    ['a non-object', 42],
    ['another format', { format: 'something-else' }],
    ['a newer format version', { ...fixtureModel().json, formatVersion: 99 }],
    ['mismatched array sizes', { ...fixtureModel().json, idf: { step: 16, data: 'AAAA' } }],
    ['no heads', { ...fixtureModel().json, heads: [] }],
    [
      'a non-finite temperature',
      { ...fixtureModel().json, heads: [{ ...fixtureModel().json.heads[0], temperature: 'hot' }] },
    ],
    [
      'a label head with one class',
      {
        ...fixtureModel().json,
        labelHeads: [
          { name: 'team', classes: ['a'], sharpen: 1, examples: 1, heads: fixtureModel().json.heads },
        ],
      },
    ],
    [
      'a label head named like the category',
      {
        ...mixedModel().json,
        labelHeads: [{ ...(mixedModel().json.labelHeads?.[0] ?? {}), name: 'category' }],
      },
    ],
    [
      'a wrong bias length',
      { ...fixtureModel().json, heads: [{ ...fixtureModel().json.heads[0], bias: [0] }] },
    ],
    [
      'truncated weights',
      {
        ...fixtureModel().json,
        heads: [{ ...fixtureModel().json.heads[0], weights: { scale: 1, slots: '', data: 'AAAAAAAA' } }],
      },
    ],
  ])('rejects %s with a ValidationError on model', (_name, value) => {
    expect(validationField(() => decodeModel(value))).toBe('model');
  });

  it('shifts project-less tickets towards the class mix of the project-less training tickets', () => {
    const { json, model } = mixedModel();
    const shift = json.projectlessShift ?? [];
    const of = (category: string) => shift[json.categories.indexOf(category)] ?? 0;
    expect(shift).toHaveLength(json.categories.length);
    // The NLBSE fixture (with projects) is all bugs, features and questions; incidents come only without one.
    expect(of('INCIDENT')).toBeGreaterThan(0);
    expect(of('BUG')).toBeLessThan(of('INCIDENT'));
    const ticket = { title: 'Checkout returns 502 for everyone since the deploy' };
    const incident = (json: TicketModelJson) => {
      const r = createTicketClassifier(decodeModel(json)).classify(ticket, { alternatives: 6 });
      const all = [
        { name: r.predictedCategory, confidence: r.confidence.category },
        ...r.alternatives.category,
      ];
      return all.find((a) => a.name === 'INCIDENT')?.confidence ?? 0;
    };
    expect(incident(json)).toBeGreaterThan(incident({ ...json, projectlessShift: undefined }));
    expect(createTicketClassifier(model).classify({ ...ticket, project: 'microsoft/vscode' })).toEqual(
      createTicketClassifier(decodeModel({ ...json, projectlessShift: undefined })).classify({
        ...ticket,
        project: 'microsoft/vscode',
      }),
    );
  });

  it('has no prior shift when told not to or when every ticket has a project', () => {
    const tickets = [...fixtureTickets(), ...internalTickets()];
    const off = trainTicketModel(tickets, { calibrationFolds: 0, projectlessShift: 0 }).json;
    expect(off.projectlessShift).toBeUndefined();
    expect(fixtureModel().json.projectlessShift).toBeUndefined();
    expect(() => decodeModel({ ...mixedModel().json, projectlessShift: [0.1] })).toThrow(
      /projectlessShift: expected 6 values/,
    );
  });

  it('says where in the file a model is wrong', () => {
    const broken = {
      ...fixtureModel().json,
      heads: [{ ...fixtureModel().json.heads[0], temperature: 'hot' }],
    };
    expect(() => decodeModel(broken)).toThrow(/heads\[0\]\.temperature/);
  });

  it('keeps decoding models whose weights are stored as int16', () => {
    const { json } = fixtureModel();
    const head = json.heads[0];
    if (head === undefined) throw new Error('no head');
    const K = json.categories.length;
    const int8 = Buffer.from(head.weights.data, 'base64');
    const shifts = Buffer.from(head.weights.shifts ?? '', 'base64');
    const int16 = new Int16Array(int8.length);
    for (let i = 0; i < int8.length; i++) int16[i] = int8.readInt8(i) * 2 ** (shifts[Math.floor(i / K)] ?? 0);
    const legacy = {
      ...json,
      heads: [
        {
          ...head,
          weights: {
            scale: head.weights.scale,
            slots: head.weights.slots,
            data: Buffer.from(int16.buffer).toString('base64'),
          },
        },
        ...json.heads.slice(1),
      ],
    };
    const ticket = { title: 'Crash on start', body: 'It segfaults.' };
    expect(createTicketClassifier(legacy).classify(ticket).confidence).toEqual(
      createTicketClassifier(json).classify(ticket).confidence,
    );
  });

  it('checks the weights of a head no feature group reads', () => {
    const { json } = fixtureModel();
    const head = json.heads[0];
    if (head === undefined) throw new Error('no head');
    const unread = {
      ...head,
      groupWeights: { title: 0, body: 0, lead: 0, structure: 0, titleChars: 0, bodyChars: 0 },
    };
    expect(() => decodeModel({ ...json, heads: [...json.heads, unread] })).not.toThrow();
    const shifts = Buffer.from(head.weights.shifts ?? '', 'base64');
    shifts[0] = 9;
    const badShift = { ...unread, weights: { ...head.weights, shifts: shifts.toString('base64') } };
    expect(() => decodeModel({ ...json, heads: [...json.heads, badShift] })).toThrow(
      /heads\[\d+\]\.weights\.shifts/,
    );
    expect(() =>
      decodeModel({ ...json, heads: [{ ...head, weights: badShift.weights }, ...json.heads.slice(1)] }),
    ).toThrow(/heads\[0\]\.weights\.shifts/);
  });

  it('reports a missing or non-JSON model file as a ValidationError', () => {
    expect(validationField(() => loadModel(join(scratch, 'no-such-model.json')))).toBe('model');
    const path = join(scratch, `broken-${process.pid}.model.json`);
    writeFileSync(path, '{ not json');
    expect(validationField(() => loadModel(path))).toBe('model');
  });
});

describe('binary model files', () => {
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(scratch, `${name}-${process.pid}.model.bin`);
    writeFileSync(path, bytes);
    return path;
  };
  /** The ValidationError message `loadModel` gives for these bytes (its field must be `model`). */
  const problem = (bytes: Uint8Array): string => {
    try {
      loadModel(file('bad', bytes));
    } catch (error: unknown) {
      if (error instanceof ValidationError && error.field === 'model') return error.message;
      throw error;
    }
    throw new Error('loaded');
  };
  const binary = () => encodeBinaryModel(mixedModel().json);

  it('hold the same model as the JSON artifact: same version, same answers', () => {
    const { json } = mixedModel();
    const fromFile = createTicketClassifier(loadModel(file('mixed', binary())));
    const fromJson = createTicketClassifier(json);
    expect(fromFile.version).toBe(json.version);
    expect(fromFile.model.wordClusters).toBeDefined();
    for (const ticket of internalTickets().slice(0, 20))
      expect(fromFile.classify(ticket)).toEqual(fromJson.classify(ticket));
  });

  it('is chosen by the magic whatever the name, and a .bin file must have it', () => {
    const path = join(scratch, `named-${process.pid}.json`);
    writeFileSync(path, binary());
    expect(loadModel(path).version).toBe(mixedModel().json.version);
    const wrong = binary();
    wrong[0] = 0x41 + 1;
    expect(problem(wrong)).toMatch(/wrong magic/);
    expect(problem(Buffer.from(JSON.stringify(mixedModel().json)))).toMatch(/wrong magic/);
  });

  it('reports truncation and sections whose lengths do not match', () => {
    const whole = binary();
    expect(problem(whole.subarray(0, 12))).toMatch(/truncated \(no header\)/);
    expect(problem(whole.subarray(0, 200))).toMatch(/truncated \(in the header\)/);
    expect(problem(whole.subarray(0, whole.length - 1))).toMatch(/truncated \(section \d+ ends at/);
    const longer = Buffer.from(whole);
    longer.writeUInt32LE(longer.readUInt32LE(24) + 8, 24);
    expect(problem(longer)).toMatch(/section 1 starts at \d+, expected \d+/);
    expect(problem(Buffer.concat([whole, Buffer.alloc(8)]))).toMatch(/8 bytes after its last section/);
    const version = Buffer.from(whole);
    version.writeUInt32LE(2, 8);
    expect(problem(version)).toMatch(/unsupported layout version 2/);
  });

  it('checks the header and the sections as a JSON model is checked, with the same messages', () => {
    const { json } = mixedModel();
    const head = json.heads[0];
    if (head === undefined) throw new Error('no head');
    const hot = { ...json, heads: [{ ...head, temperature: 'hot' }] } as unknown as TicketModelJson;
    expect(problem(encodeBinaryModel(hot))).toMatch(/heads\[0\]\.temperature/);
    const shortIdf = {
      ...json,
      idf: { ...json.idf, data: Buffer.from(json.idf.data, 'base64').subarray(1).toString('base64') },
    };
    expect(problem(encodeBinaryModel(shortIdf))).toBe('model: idf does not match the vocabulary');
    let n = 0;
    const cutSlots = mapPayloads(json, (value) => {
      n++;
      // The third payload is the first head's slots: cut it short.
      return n === 3 ? Buffer.from(value, 'base64').subarray(0, 100).toString('base64') : value;
    });
    expect(problem(encodeBinaryModel(cutSlots))).toMatch(/heads\[0\]\.weights\.slots is truncated/);
  });

  it('stores the vocabulary as a bitmap and the cluster hashes raw; the varint forms still load', () => {
    const { json } = mixedModel();
    const stored = binaryModelJson(binary(), 'mixed');
    expect(stored.vocabulary.bitmap).toBeDefined();
    expect(stored.vocabulary.buckets).toBeUndefined();
    expect(stored.wordClusters?.keys).toBeDefined();
    expect(stored.wordClusters?.counts).toBeDefined();
    expect(stored.wordClusters?.hashes).toBeUndefined();
    // Either form, in either container, is the same model.
    const fromVarints = createTicketClassifier(json);
    for (const model of [stored, compactModel(json)]) {
      const classifier = createTicketClassifier(decodeModel(model));
      expect(classifier.version).toBe(json.version);
      for (const ticket of internalTickets().slice(0, 20))
        expect(classifier.classify(ticket)).toEqual(fromVarints.classify(ticket));
    }
  });

  it('decodes to the same tables with the WebAssembly loops as with the JavaScript ones', () => {
    const stored = binaryModelJson(binary(), 'mixed');
    for (const model of [stored, mixedModel().json]) {
      const fast = decodeModel(model);
      const plain = decodeModel(model, undefined, { webAssembly: false });
      // The WebAssembly path was taken for the binary forms (nothing fell back for want of room): they live in
      // the tables' memory. (Compared as booleans: a failing comparison of two such buffers prints megabytes.)
      if (model === stored) {
        const memory = fast.tables[0]?.weights.buffer;
        expect(Reflect.get(fast.slots, 'table').buffer === memory).toBe(true);
        expect(Reflect.get(fast.wordClusters ?? {}, 'keys').buffer === memory).toBe(true);
      }
      expect(fast.tables.length).toBe(plain.tables.length);
      const bytes = (a: Int16Array | undefined) =>
        a === undefined ? Buffer.alloc(0) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (let t = 0; t < fast.tables.length; t++)
        expect(bytes(fast.tables[t]?.weights).equals(bytes(plain.tables[t]?.weights))).toBe(true);
      for (let bucket = 0; bucket < 2 ** fast.features.hashBits; bucket += 7)
        expect(fast.slots.slotOf(bucket)).toBe(plain.slots.slotOf(bucket));
      for (const word of ['crash', 'froze', 'install', 'zzzqx', 'the'])
        expect(fast.wordClusters?.find(word)).toBe(plain.wordClusters?.find(word));
    }
  });

  it('rejects a vocabulary bitmap or cluster table that does not match its counts', () => {
    const compact = compactModel(mixedModel().json);
    const bytes = (value: string | undefined) => Buffer.from(value ?? '', 'base64');
    const bitmap = bytes(compact.vocabulary.bitmap);
    const flipped = Buffer.from(bitmap);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const withBitmap = (b: Buffer) => ({
      ...compact,
      vocabulary: { ...compact.vocabulary, bitmap: b.toString('base64') },
    });
    expect(problem(encodeBinaryModel(withBitmap(flipped)))).toMatch(
      /^model: vocabulary\.bitmap has \d+ buckets set, vocabulary\.size is \d+$/,
    );
    expect(problem(encodeBinaryModel(withBitmap(bitmap.subarray(4))))).toMatch(
      /vocabulary\.bitmap must be \d+ bytes/,
    );
    const both = {
      ...compact,
      vocabulary: { ...compact.vocabulary, buckets: mixedModel().json.vocabulary.buckets },
    };
    // (The binary encoder would keep only the bitmap: this is a JSON model's defect.)
    expect(() => decodeModel(both)).toThrow('vocabulary: needs exactly one of buckets and bitmap');
    const clusters = compact.wordClusters;
    if (clusters === undefined) throw new Error('no clusters');
    const withClusters = (change: Partial<typeof clusters>) =>
      encodeBinaryModel({ ...compact, wordClusters: { ...clusters, ...change } });
    const counts = bytes(clusters.counts);
    counts[counts.findIndex((c) => c > 0)] = 0;
    expect(problem(withClusters({ counts: counts.toString('base64') }))).toBe(
      'model: word clusters: counts do not add up to words',
    );
    const keys = bytes(clusters.keys);
    const swapped = Buffer.concat([keys.subarray(4, 8), keys.subarray(0, 4), keys.subarray(8)]);
    expect(problem(withClusters({ keys: swapped.toString('base64') }))).toBe(
      'model: word clusters: keys must ascend',
    );
    // The right total, but one key counted in the next bucket.
    const shifted = bytes(clusters.counts);
    const full = shifted.findIndex((c) => c > 0);
    shifted[full] = (shifted[full] ?? 0) - 1;
    shifted[full + 1] = (shifted[full + 1] ?? 0) + 1;
    expect(problem(withClusters({ counts: shifted.toString('base64') }))).toBe(
      'model: word clusters: keys are not in their buckets',
    );
  });

  it('rejects a header whose payload is not one of its sections', () => {
    const whole = binary();
    const headerAt = 20 + 8 * whole.readUInt32LE(16);
    const text = whole.toString('latin1');
    // Sections 0 and 1 are the vocabulary and the IDF, 2 the first head's slots (read after its data).
    const twice = Buffer.from(whole);
    twice.write('"#1"', text.indexOf('"#2"', headerAt), 'latin1');
    expect(problem(twice)).toMatch(/heads\[0\]\.weights\.slots: section 1 is used twice/);
    const missing = Buffer.from(whole);
    missing.write('"#x"', text.indexOf('"#1"', headerAt), 'latin1');
    expect(problem(missing)).toMatch(/idf\.data: not a section of/);
    const sections: Uint8Array[] = [];
    const header = mapPayloads(mixedModel().json, (value) => {
      sections.push(Buffer.from(value, 'base64'));
      return `#${sections.length - 1}`;
    });
    expect(loadModel(file('rebuilt', writeBinaryModel(header, sections))).version).toBe(
      mixedModel().json.version,
    );
    const extra = writeBinaryModel(header, [...sections, Buffer.from('unused')]);
    expect(problem(extra)).toMatch(new RegExp(`section ${sections.length} is not used by the header`));
  });
});
