/**
 * Ticket triage benchmark: stratified k-fold cross-validation on the NLBSE'24 training split, scored the way
 * the competition scores (macro-F1 over bug/feature/question per project, then the mean of the five projects),
 * plus per-ticket latency and model load time.
 *
 *   npm run bench:triage
 *   npm run bench:triage -- --input <csv> --folds 5 --repeats 3 --seed 1
 *
 * Folds are stratified by project and label. Each fold trains the full shipped pipeline (including the
 * artifact's int16/uint8 quantisation) on the other folds and classifies the held-out one through the public
 * classifier with the category set restricted to bug/feature/question, as the competition asks.
 */
import { existsSync } from 'node:fs';
import {
  createTicketClassifier,
  DEFAULT_MODEL_PATH,
  type LabelledTicket,
  loadModel,
  NEEDS_REVIEW,
  readTicketCsv,
  type TicketClassifier,
  trainTicketModel,
} from '../lambdas/core/tickets/index.ts';
import { percentile, type Scorecard, score, stratifiedFolds } from '../lambdas/core/tickets/metrics.ts';
import { existingDataPath } from './shared-data.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const input = existingDataPath('bench-triage', 'issues/issues_train.csv', {
  option: '--input',
  value: flag('--input', ''),
});
const k = Number(flag('--folds', '5'));
const repeats = Number(flag('--repeats', '3'));
const seed = Number(flag('--seed', '1'));
const LABELS = ['bug', 'feature', 'question'];

interface Row extends LabelledTicket {
  project: string;
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(4) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join(
    '\n',
  );
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for await (const r of readTicketCsv(input, { require: ['label', 'project'], projectColumn: 'repo' })) {
    rows.push({
      title: r.title,
      body: r.body,
      label: (r.label ?? '').toLowerCase(),
      project: r.project ?? '',
    });
  }
  const projects = [...new Set(rows.map((r) => r.project))];
  process.stderr.write(
    `bench-triage: ${rows.length} tickets, ${projects.length} projects, ${k} folds × ${repeats}\n`,
  );

  // predictions[repeat][variant][i]
  const variants = ['with project', 'without project'] as const;
  const predictions: string[][][] = [];
  const abstained: boolean[] = [];
  const ruleWins: string[] = [];
  let lastFold: TicketClassifier | undefined;
  const trainSeconds: number[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    const folds = stratifiedFolds(
      rows.map((r) => `${r.project}|${r.label}`),
      k,
      seed + rep,
    );
    const preds: string[][] = variants.map(() => new Array<string>(rows.length).fill(''));
    for (let f = 0; f < k; f++) {
      process.stderr.write(`bench-triage: repeat ${rep + 1}/${repeats}, fold ${f + 1}/${k}\n`);
      const started = performance.now();
      const { model } = trainTicketModel(rows.filter((_, i) => folds[i] !== f));
      trainSeconds.push((performance.now() - started) / 1000);
      const classifier = createTicketClassifier(model);
      lastFold = classifier;
      const restrict = classifier.resolveCategories(LABELS, 'labels');
      rows.forEach((r, i) => {
        if (folds[i] !== f) return;
        const withProject = classifier.classify(r, { categories: restrict, reviewThreshold: 0 });
        const without = classifier.classify(
          { title: r.title, body: r.body },
          { categories: restrict, reviewThreshold: 0 },
        );
        (preds[0] ?? [])[i] = withProject.predictedCategory;
        (preds[1] ?? [])[i] = without.predictedCategory;
        if (rep === 0) {
          const open = classifier.classify(r);
          abstained[i] = open.category === NEEDS_REVIEW;
          ruleWins[i] = open.sources.category === 'rules' ? open.predictedCategory : '';
        }
      });
    }
    predictions.push(preds);
  }

  const scorecard = (rep: number, variant: number, project?: string): Scorecard => {
    const idx = rows.map((_, i) => i).filter((i) => project === undefined || rows[i]?.project === project);
    return score(
      LABELS,
      idx.map((i) => rows[i]?.label ?? ''),
      idx.map((i) => predictions[rep]?.[variant]?.[i] ?? ''),
    );
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  const reps = Array.from({ length: repeats }, (_, i) => i);

  // Competition-style table (first variant), averaged over repeats.
  const detail: (string | number)[][] = [];
  for (const project of [...projects, undefined]) {
    const cards = reps.map((rep) => scorecard(rep, 0, project));
    LABELS.forEach((label, li) => {
      const pick = (f: (c: Scorecard) => number) => mean(cards.map(f));
      detail.push([
        project ?? 'overall (pooled)',
        label,
        pick((c) => c.perClass[li]?.precision ?? 0),
        pick((c) => c.perClass[li]?.recall ?? 0),
        pick((c) => c.perClass[li]?.f1 ?? 0),
      ]);
    });
    detail.push([project ?? 'overall (pooled)', 'macro', '', '', mean(cards.map((c) => c.macroF1))]);
  }
  process.stdout.write(
    `\nCross-validation, ${k}-fold stratified by project+label, mean of ${repeats} repeat(s), project given\n\n`,
  );
  process.stdout.write(`${table(['project', 'label', 'precision', 'recall', 'F1'], detail)}\n`);

  const summary = variants.map((name, v) => {
    const perProject = projects.map((p) => mean(reps.map((rep) => scorecard(rep, v, p).macroF1)));
    const avgs = reps.map((rep) => mean(projects.map((p) => scorecard(rep, v, p).macroF1)));
    const spread = avgs.length > 1 ? `${Math.min(...avgs).toFixed(4)}–${Math.max(...avgs).toFixed(4)}` : '';
    return [name, ...perProject, mean(avgs), spread];
  });
  process.stdout.write("\nMacro-F1 per project and averaged over the five projects (NLBSE'24 scoring)\n\n");
  process.stdout.write(
    `${table(['variant', ...projects.map((p) => p.split('/')[1] ?? p), 'mean of projects', 'range over repeats'], summary)}\n`,
  );
  process.stdout.write('Reference (held-out test split): fastText 0.718, RoBERTa 0.792, SetFit 0.824\n');

  const kept = rows.map((_, i) => i).filter((i) => !abstained[i]);
  const keptCorrect = kept.filter((i) => predictions[0]?.[0]?.[i] === rows[i]?.label).length;
  const rulesFired = ruleWins.filter((w) => w !== '');
  process.stdout.write(
    '\nDefault category set (BUG, FEATURE, QUESTION + rule-based INCIDENT, TASK), default threshold\n\n',
  );
  process.stdout.write(
    `${table(
      ['measure', 'value'],
      [
        ['NEEDS_REVIEW rate', rows.length ? (rows.length - kept.length) / rows.length : 0],
        ['accuracy on the rest (bug/feature/question)', kept.length ? keptCorrect / kept.length : 0],
        ['INCIDENT chosen (data has none)', rulesFired.filter((w) => w === 'INCIDENT').length / rows.length],
        ['TASK chosen (data has none)', rulesFired.filter((w) => w === 'TASK').length / rows.length],
      ],
    )}\n`,
  );

  // Latency and load time on the committed model (falls back to the last fold model if none is committed).
  let classifier = lastFold;
  const loads: number[] = [];
  let loaded = 'last fold model (no committed default model)';
  if (existsSync(DEFAULT_MODEL_PATH)) {
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const model = loadModel(DEFAULT_MODEL_PATH);
      loads.push(performance.now() - started);
      classifier = createTicketClassifier(model);
    }
    loaded = 'committed default model';
  }
  if (classifier === undefined) return;
  const c = classifier;
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const r of rows) {
      const started = performance.now();
      c.classify(r);
      const elapsed = performance.now() - started;
      if (round > 0) times.push(elapsed);
    }
  }
  times.sort((a, b) => a - b);
  const sortedLoads = [...loads].sort((a, b) => a - b);
  process.stdout.write(
    `\nLatency per ticket, classify() end to end (${loaded}, ${times.length} calls after warm-up)\n\n`,
  );
  process.stdout.write(
    `${table(
      ['measure', 'ms'],
      [
        ['mean', mean(times)],
        ['p50', percentile(times, 50)],
        ['p99', percentile(times, 99)],
        ['max', times[times.length - 1] ?? 0],
        ...(loads.length > 0
          ? ([
              ['model load, first in process (read + parse + decode)', loads[0] ?? 0],
              ['model load, median of 7', percentile(sortedLoads, 50)],
              ['model load, fastest of 7', sortedLoads[0] ?? 0],
            ] as [string, number][])
          : []),
        ['training one fold (s)', mean(trainSeconds)],
      ],
    )}\n`,
  );
}

await main();
