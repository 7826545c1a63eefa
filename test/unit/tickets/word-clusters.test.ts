import { describe, expect, it } from 'vitest';
import {
  createTicketClassifier,
  DEFAULT_WORD_CLUSTERS_PATH,
  decodeModel,
  readWordClusters,
  trainTicketModel,
  WordClusters,
} from '../../../lambdas/core/tickets/index.ts';
import { compactWordClusters, encodeWordClusters } from '../../../lambdas/core/tickets/word-clusters.ts';
import { validationField } from './support.ts';

const SOURCE = 'test lexicon';

/** Three clusters: failure words, wish words, asking words. */
const LEXICON = encodeWordClusters(
  [
    ['crash', [0]],
    ['crashes', [0]],
    ['freezes', [0]],
    ['hangs', [0]],
    ['add', [1]],
    ['support', [1]],
    ['allow', [1]],
    ['wish', [1]],
    ['how', [2]],
    ['why', [2]],
    ['what', [2]],
  ],
  [3],
  SOURCE,
);

describe('word clusters', () => {
  it('finds the cluster of every listed word and none for other words', () => {
    const clusters = WordClusters.decode(LEXICON);
    expect(clusters.levels).toBe(1);
    expect(clusters.cluster(clusters.find('freezes'), 0)).toBe(0);
    expect(clusters.cluster(clusters.find('allow'), 0)).toBe(1);
    expect(clusters.cluster(clusters.find('why'), 0)).toBe(2);
    expect(clusters.find('banana')).toBe(-1);
  });

  it('keeps several granularities per word', () => {
    const two = WordClusters.decode(
      encodeWordClusters(
        [
          ['crash', [0, 5]],
          ['hangs', [0, 6]],
        ],
        [2, 8],
        SOURCE,
      ),
    );
    expect([two.cluster(two.find('hangs'), 0), two.cluster(two.find('hangs'), 1)]).toEqual([0, 6]);
  });

  it('rejects a malformed lexicon with a ValidationError naming the field', () => {
    expect(validationField(() => WordClusters.decode({ ...LEXICON, format: 'other' }))).toBe('wordClusters');
    expect(validationField(() => WordClusters.decode({ ...LEXICON, granularities: [2] }))).toBe(
      'wordClusters',
    );
    expect(validationField(() => WordClusters.decode({ ...LEXICON, words: LEXICON.words + 1 }))).toBe(
      'wordClusters',
    );
    expect(validationField(() => WordClusters.decode({ ...LEXICON, clusters: ['AAAA'] }))).toBe(
      'wordClusters',
    );
    expect(validationField(() => WordClusters.decode(null, 'model'))).toBe('model');
    expect(validationField(() => readWordClusters('/nonexistent/clusters.json', 'word-clusters'))).toBe(
      'word-clusters',
    );
  });

  it('finds the same rows from raw keys with bucket counts as from varint hashes', () => {
    const lexicon = readWordClusters(DEFAULT_WORD_CLUSTERS_PATH);
    const compact = compactWordClusters(lexicon);
    expect(compact.hashes).toBeUndefined();
    const varints = WordClusters.decode(lexicon);
    const raw = WordClusters.decode(compact);
    const words = ['crash', 'froze', 'install', 'the', 'kubernetes', 'zzzqx', 'élan', '', 'a'];
    for (let i = 0; i < 2000; i++) words.push(`w${i}`, i.toString(36));
    for (const word of words) expect(raw.find(word)).toBe(varints.find(word));
    expect(validationField(() => WordClusters.decode({ ...compact, hashes: lexicon.hashes }))).toBe(
      'wordClusters',
    );
  });

  it('ships a committed lexicon of 100,000 words', () => {
    const lexicon = readWordClusters(DEFAULT_WORD_CLUSTERS_PATH);
    const clusters = WordClusters.decode(lexicon);
    expect(lexicon.words).toBeGreaterThan(99_000);
    expect(lexicon.source).toContain('GloVe');
    for (const word of ['crash', 'feature', 'install', 'documentation', 'slow']) {
      expect(clusters.find(word)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('cluster features', () => {
  // Training words and test words differ; only the lexicon says "freezes" is like "crash".
  const tickets = [
    ...['app', 'editor', 'server', 'build', 'viewer', 'plugin', 'parser', 'window'].flatMap((thing) => [
      { title: `${thing} crash on start`, body: `The ${thing} crash happens every time.`, label: 'bug' },
      { title: `${thing} crashes`, body: `After an update the ${thing} crashes.`, label: 'bug' },
      { title: `add ${thing} export`, body: `Please add export to the ${thing}.`, label: 'feature' },
      {
        title: `support ${thing} themes`,
        body: `It should support themes in the ${thing}.`,
        label: 'feature',
      },
    ]),
  ];
  const probe = { title: 'viewer freezes', body: 'The viewer freezes every time.' };

  it('lets a word never seen in training count like the words of its cluster', () => {
    const withClusters = createTicketClassifier(
      trainTicketModel(tickets, { calibrationFolds: 0, ruleCategories: [], wordClusters: LEXICON }).json,
    );
    const without = createTicketClassifier(
      trainTicketModel(tickets, { calibrationFolds: 0, ruleCategories: [], wordClusters: 'none' }).json,
    );
    const clustered = withClusters.classify(probe, { reviewThreshold: 0 });
    expect(clustered.category).toBe('BUG');
    expect(clustered.rationale).toContain('"freezes"');
    expect(clustered.confidence.category).toBeGreaterThan(
      without.classify(probe, { reviewThreshold: 0 }).confidence.category,
    );
  });

  it('embeds the lexicon in the model, so a loaded model needs no other file', () => {
    const { json } = trainTicketModel(tickets, {
      calibrationFolds: 0,
      ruleCategories: [],
      wordClusters: LEXICON,
    });
    expect(json.wordClusters?.source).toBe(SOURCE);
    const model = decodeModel(JSON.parse(JSON.stringify(json)));
    expect(model.wordClusters?.find('hangs')).toBeGreaterThanOrEqual(0);
    expect(
      decodeModel(trainTicketModel(tickets, { calibrationFolds: 0, wordClusters: 'none' }).json).wordClusters,
    ).toBeUndefined();
  });

  it('rejects a model whose embedded lexicon is malformed', () => {
    const { json } = trainTicketModel(tickets, { calibrationFolds: 0, wordClusters: LEXICON });
    expect(validationField(() => decodeModel({ ...json, wordClusters: { ...LEXICON, words: -1 } }))).toBe(
      'model',
    );
  });
});
