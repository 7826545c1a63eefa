/** Reading the labelled internal tickets (data/tickets) and the leave-one-writer-out evaluation of triage. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createTicketClassifier,
  encodeBinaryModel,
  type LabelledTicket,
  loadModel,
  NEEDS_REVIEW,
  PRIORITIES,
  parseCreatedAt,
  readTicketCsv,
  type TicketTrainingOptions,
  trainTicketModel,
} from '../lambdas/core/tickets/index.ts';
import { score } from '../lambdas/core/tickets/metrics.ts';
import { P1_RULE_WORDS } from '../lambdas/core/tickets/rationale.ts';

export const CATEGORIES = ['BUG', 'FEATURE', 'QUESTION', 'INCIDENT', 'TASK', 'SECURITY'];

export async function readInternal(path: string): Promise<LabelledTicket[]> {
  const rows: LabelledTicket[] = [];
  for await (const r of readTicketCsv(path, {
    label: {},
    optionalLabelColumns: ['priority'],
    detectCreatedColumn: true,
  })) {
    rows.push({
      title: r.title,
      body: r.body,
      label: (r.label ?? '').toUpperCase(),
      createdAt: parseCreatedAt(r.created),
      labels: { priority: r.labels?.priority?.toUpperCase() },
    });
  }
  return rows;
}

/** An NLBSE'24 issue: a labelled ticket with its repository. */
export interface NlbseRow extends LabelledTicket {
  project: string;
}

/** The NLBSE'24 issues CSV (`repo` is the project; labels lower-cased as the competition spells them). */
export async function readNlbse(path: string): Promise<NlbseRow[]> {
  const rows: NlbseRow[] = [];
  for await (const r of readTicketCsv(path, {
    label: {},
    projectColumn: 'repo',
    detectCreatedColumn: true,
  })) {
    rows.push({
      title: r.title,
      body: r.body,
      label: (r.label ?? '').toLowerCase(),
      project: r.project ?? '',
      createdAt: parseCreatedAt(r.created),
    });
  }
  return rows;
}

/**
 * One writer group of data/tickets: what a model may train on when the group is part of the training data
 * (`train`), and what it is tested on when the group is held out (`test`: every ticket the group wrote,
 * including the splits that are never trained on).
 */
export interface WriterGroup {
  name: string;
  train: LabelledTicket[];
  test: LabelledTicket[];
}

/**
 * The writer groups of data/tickets: the original author (sessions s1–s12 and c1–c2: train.csv for training;
 * train, validation and challenge when held out) and the independent writers w1–w13 and w16–w19 (one file each).
 */
export async function readWriterGroups(dir: string): Promise<WriterGroup[]> {
  const original = await readInternal(resolve(dir, 'train.csv'));
  const unseen = [
    ...(await readInternal(resolve(dir, 'validation.csv'))),
    ...(await readInternal(resolve(dir, 'challenge.csv'))),
  ];
  const groups: WriterGroup[] = [
    { name: 'original author (s*, c*)', train: original, test: [...original, ...unseen] },
  ];
  for (const writer of WRITERS) {
    const tickets = await readInternal(resolve(dir, `${writer}.csv`));
    groups.push({ name: writer, train: tickets, test: tickets });
  }
  return groups;
}

/** The independent writers' files in data/tickets (each `<name>.csv`), all trained on by the shipped model. */
export const WRITERS = [
  'w1',
  'w2',
  'w3',
  'w4',
  'w5',
  'w6',
  'w7',
  'w8',
  'w9',
  'w10',
  'w11',
  'w12',
  'w13',
  'w16',
  'w17',
  'w18',
  'w19',
] as const;

export interface Prediction {
  category: string;
  decided: string;
  priority: string;
  confidence: number;
  /** The decided priority's distribution: P(P1), and whether a P1 rule fired (for studying the P1 decision). */
  p1Probability: number;
  p1Rule: boolean;
  /** Every category's probability. */
  probabilities: Record<string, number>;
  /** What a person would read: the reasons to check a wrong answer against. */
  rationale: string;
}

export interface WriterScore {
  name: string;
  tickets: number;
  accuracy: number;
  recall: Map<string, number>;
  priorityAccuracy: number;
  p1Recall: number;
  p1Precision: number;
  /** Share of tickets answered NEEDS_REVIEW at the default threshold, and accuracy on the others. */
  reviewRate: number;
  answeredAccuracy: number;
}

export function scoreWriter(name: string, tickets: LabelledTicket[], predicted: Prediction[]): WriterScore {
  const card = score(
    CATEGORIES,
    tickets.map((t) => t.label),
    predicted.map((p) => p.category),
  );
  const pCard = score(
    PRIORITIES as unknown as string[],
    tickets.map((t) => t.labels?.priority ?? ''),
    predicted.map((p) => p.priority),
  );
  const p1 = pCard.perClass[0];
  const answered = predicted.flatMap((p, i) => (p.decided === NEEDS_REVIEW ? [] : [i]));
  return {
    name,
    tickets: tickets.length,
    accuracy: card.accuracy,
    recall: new Map(card.perClass.map((c) => [c.label, c.recall])),
    priorityAccuracy: pCard.accuracy,
    p1Recall: p1?.recall ?? 0,
    p1Precision: p1?.precision ?? 0,
    reviewRate: 1 - answered.length / Math.max(tickets.length, 1),
    answeredAccuracy:
      answered.filter((i) => predicted[i]?.category === tickets[i]?.label).length /
      Math.max(answered.length, 1),
  };
}

export interface LeaveOneWriterOut {
  scores: WriterScore[];
  /** Per held-out group, its test tickets' predictions (same order as `WriterGroup.test`). */
  predictions: Prediction[][];
}

/**
 * Leave-one-writer-out: for each writer group, a model trained on every other group (plus `extra`, the
 * NLBSE'24 tickets) classifies every ticket the held-out group wrote.
 */
export function leaveOneWriterOut(
  groups: readonly WriterGroup[],
  extra: readonly LabelledTicket[],
  options: Partial<TicketTrainingOptions> = {},
  progress: (message: string) => void = () => {},
  /** Where trained models are kept, keyed by their training data and options: a rules-only change re-runs in seconds. */
  cacheDir?: string,
): LeaveOneWriterOut {
  const scores: WriterScore[] = [];
  const predictions: Prediction[][] = [];
  for (const held of groups) {
    const training = [...extra, ...groups.filter((g) => g !== held).flatMap((g) => g.train)];
    const classifier = createTicketClassifier(trainedModel(training, options, held.name, progress, cacheDir));
    const predicted = held.test.map((t) => {
      const r = classifier.classify(t, { alternatives: CATEGORIES.length });
      return {
        category: r.predictedCategory,
        decided: r.category,
        priority: r.priority,
        confidence: r.confidence.category,
        p1Probability:
          r.priority === 'P1'
            ? r.confidence.priority
            : (r.alternatives.priority.find((a) => a.name === 'P1')?.confidence ?? 0),
        p1Rule: Object.values(P1_RULE_WORDS).some((words) => r.rationale.includes(`Priority P1: ${words}`)),
        probabilities: Object.fromEntries([
          [r.predictedCategory, r.confidence.category],
          ...r.alternatives.category.map((a) => [a.name, a.confidence]),
        ]),
        rationale: r.rationale,
      };
    });
    predictions.push(predicted);
    scores.push(scoreWriter(held.name, held.test, predicted));
  }
  return { scores, predictions };
}

function trainedModel(
  training: readonly LabelledTicket[],
  options: Partial<TicketTrainingOptions>,
  heldName: string,
  progress: (message: string) => void,
  cacheDir: string | undefined,
) {
  const key = createHash('sha256').update(JSON.stringify({ training, options })).digest('hex').slice(0, 16);
  const file = cacheDir === undefined ? undefined : resolve(cacheDir, `${key}.model.bin`);
  if (file !== undefined && existsSync(file)) {
    progress(`leave-one-writer-out: without ${heldName}, the cached model ${file}`);
    return loadModel(file);
  }
  progress(`leave-one-writer-out: training without ${heldName}`);
  const { json, model } = trainTicketModel(training, options);
  if (file !== undefined && cacheDir !== undefined) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, encodeBinaryModel(json));
  }
  return model;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

/** The mean over writer groups (each group counts once, whatever its size). */
export function meanScore(scores: readonly WriterScore[]): WriterScore {
  return {
    name: 'mean of writers',
    tickets: scores.reduce((s, w) => s + w.tickets, 0),
    accuracy: mean(scores.map((s) => s.accuracy)),
    recall: new Map(CATEGORIES.map((c) => [c, mean(scores.map((s) => s.recall.get(c) ?? 0))])),
    priorityAccuracy: mean(scores.map((s) => s.priorityAccuracy)),
    p1Recall: mean(scores.map((s) => s.p1Recall)),
    p1Precision: mean(scores.map((s) => s.p1Precision)),
    reviewRate: mean(scores.map((s) => s.reviewRate)),
    answeredAccuracy: mean(scores.map((s) => s.answeredAccuracy)),
  };
}

/** Rows of the leave-one-writer-out table: one per held-out group, then the mean. */
export function writerRows(scores: readonly WriterScore[]): (string | number)[][] {
  return [...scores, meanScore(scores)].map((s) => [
    s.name,
    String(s.tickets),
    s.accuracy,
    ...CATEGORIES.map((c) => s.recall.get(c) ?? 0),
    s.priorityAccuracy,
    s.p1Recall,
    s.p1Precision,
    s.reviewRate,
    s.answeredAccuracy,
  ]);
}

export const WRITER_HEADERS = [
  'held-out writer',
  'tickets',
  'category accuracy',
  ...CATEGORIES.map((c) => `recall ${c}`),
  'priority accuracy',
  'P1 recall',
  'P1 precision',
  'NEEDS_REVIEW rate',
  'accuracy when answered',
];

/** Confidence bins of the reliability table: is a 0.99 right 99 % of the time? */
export const RELIABILITY_BINS = [0, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0001] as const;

export interface ReliabilityRow {
  bin: string;
  tickets: number;
  meanConfidence: number;
  accuracy: number;
}

/**
 * Best-guess category confidence against how often the guess is right, per confidence bin, and the expected
 * calibration error (the ticket-weighted mean gap between the two).
 */
export function reliability(rows: readonly { confidence: number; correct: boolean }[]): {
  rows: ReliabilityRow[];
  ece: number;
} {
  const out: ReliabilityRow[] = [];
  let gap = 0;
  for (let b = 0; b + 1 < RELIABILITY_BINS.length; b++) {
    const low = RELIABILITY_BINS[b] ?? 0;
    const high = RELIABILITY_BINS[b + 1] ?? 1;
    const inBin = rows.filter((r) => r.confidence >= low && r.confidence < high);
    if (inBin.length === 0) continue;
    const meanConfidence = inBin.reduce((sum, r) => sum + r.confidence, 0) / inBin.length;
    const accuracy = inBin.filter((r) => r.correct).length / inBin.length;
    gap += inBin.length * Math.abs(meanConfidence - accuracy);
    out.push({
      bin: `${low.toFixed(2)}–${Math.min(high, 1).toFixed(2)}`,
      tickets: inBin.length,
      meanConfidence,
      accuracy,
    });
  }
  return { rows: out, ece: rows.length === 0 ? 0 : gap / rows.length };
}
