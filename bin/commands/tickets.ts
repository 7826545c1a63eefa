import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../../lambdas/core/errors.ts';
import {
  createTicketClassifier,
  DEFAULT_MODEL_PATH,
  DEFAULT_TRAINING_OPTIONS,
  type LabelledTicket,
  PROJECT_COLUMN_NAMES,
  readTicketCsv,
  readWordClusters,
  type TicketClassifier,
  type TicketTrainingOptions,
  trainTicketModel,
} from '../../lambdas/core/tickets/index.ts';
import { type Command, commandWithSubcommands, UsageError, wantsHelp } from './command.ts';

const CLASSIFY_USAGE = `Usage: ai-ops tickets classify --input <csv> [--labels bug,feature,question] [--output <file>]

Classifies every row of a CSV with title and body columns (other columns are ignored; RFC 4180 quoting and
multi-line fields are fine) and writes one JSON object per row, in input order:
  {"row": <1-based>, "category": "...", "priority": "P1".."P4", "labels": [...], "confidence": <0..1>}

Options:
  --input <csv>            the tickets ("-" reads standard input)
  --labels <a,b,...>       choose the category among these only (case-insensitive; echoed as written)
  --output <file>          write there instead of standard output (written whole or not at all)
  --model <model.json>     a model trained with \`ai-ops tickets train\` (default: the shipped model)
  --project <name>         project/repository of every ticket (e.g. microsoft/vscode)
  --project-column <name>  take each ticket's project from this column
                           (default: a column named ${PROJECT_COLUMN_NAMES.join(', ')}, if the CSV has one)
  --no-project-column      ignore such a column: classify without the project
  --review-below <p>       answer NEEDS_REVIEW when the category confidence is below p (default: never)
  --details                add alternatives, per-field confidences and the rationale to each object
  --quiet                  no progress on standard error
  -h, --help               this help`;

const TRAIN_USAGE = `Usage: ai-ops tickets train --input <csv> --out <model.json>

Trains a ticket classifier from labelled tickets: columns title, body, label (extra columns are ignored;
labels are case-insensitive). The label set becomes the model's categories, so retraining on a team's own
labels replaces the default set. Training is deterministic for a given input and seed.

Options:
  --input <csv>            labelled tickets ("-" reads standard input)
  --out <model.json>       where to write the model (written whole or not at all)
  --label-column <name>    column holding the label (default: label)
  --project-column <name>  column naming the project/repository: learns per-project features too
                           (default: a column named ${PROJECT_COLUMN_NAMES.join(', ')}, if the CSV has one)
  --no-project-column      ignore such a column: train without per-project features
  --learner <svm|logreg>   linear learner (default: ${DEFAULT_TRAINING_OPTIONS.learner})
  --c <number>             inverse regularisation strength (default: ${DEFAULT_TRAINING_OPTIONS.c})
  --seed <int>             random seed (default: ${DEFAULT_TRAINING_OPTIONS.seed})
  --no-rules               do not add the rule-based INCIDENT and TASK categories
  --word-clusters <file>   word-cluster lexicon for cluster features (default: the committed one)
  --no-word-clusters       train without word-cluster features
  --quiet                  no progress on standard error
  -h, --help               this help`;

const USAGE = `Usage: ai-ops tickets <classify|train> [options]

Subcommands:
  classify   category, priority and labels for every ticket in a CSV, as JSON lines
  train      train a model from labelled tickets (title, body, label)

Run \`ai-ops tickets <subcommand> --help\` for its options.`;

type FlagSpec = Record<string, 'value' | 'switch'>;

function parseFlags(args: readonly string[], spec: FlagSpec, sub: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(
        name.startsWith('-')
          ? `unknown option ${name} (see ai-ops tickets ${sub} --help)`
          : `unexpected argument "${arg}"`,
      );
    }
    if (flags.has(name)) throw new UsageError(`${name} is given twice`);
    if (kind === 'switch') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.set(name, 'true');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

function required(flags: Map<string, string>, name: string, sub: string): string {
  const value = flags.get(name);
  if (value === undefined || value === '')
    throw new UsageError(`${name} is required (see ai-ops tickets ${sub} --help)`);
  return value;
}

interface ProjectColumnChoice {
  projectColumn?: string | undefined;
  detectProjectColumn: boolean;
}

/**
 * The project column, unless the user fixed the project or opted out: knowing a ticket's project is worth ~2.5
 * macro-F1 points (docs/triage.md), so a CSV that names it is used without being asked.
 */
function projectColumnChoice(flags: Map<string, string>): ProjectColumnChoice {
  const chosen = ['--project', '--project-column', '--no-project-column'].filter((f) => flags.has(f));
  if (chosen.length > 1) throw new UsageError(`give only one of ${chosen.join(', ')}`);
  return {
    projectColumn: flags.get('--project-column'),
    detectProjectColumn: chosen.length === 0,
  };
}

/** Says which column the projects come from, so a detected column never goes unnoticed. */
function announceProjectColumn(say: (message: string) => void) {
  return ({ project }: { project?: string }) => {
    if (project !== undefined) say(`each ticket's project is read from column "${project}"`);
  };
}

/**
 * Writes to a temporary sibling and renames it over the target on success, so a failure halfway (bad row,
 * broken quoting) never leaves a half-written file behind.
 */
class AtomicFile {
  private readonly temp: string;
  private readonly fd: number;
  constructor(private readonly target: string) {
    this.temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (error: unknown) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      throw new ValidationError('output', `cannot write ${target} (${code})`);
    }
  }
  write(text: string): void {
    writeSync(this.fd, text);
  }
  commit(): void {
    closeSync(this.fd);
    renameSync(this.temp, this.target);
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
    rmSync(this.temp, { force: true });
  }
}

function inputSource(path: string) {
  return path === '-' ? process.stdin : path;
}

function progress(quiet: boolean) {
  let last = Date.now();
  return (rows: number, force = false) => {
    if (quiet) return;
    const now = Date.now();
    if (force || now - last >= 1000) {
      last = now;
      process.stderr.write(`ai-ops tickets: ${rows} rows\n`);
    }
  };
}

async function classify(args: readonly string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${CLASSIFY_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(
    args,
    {
      '--input': 'value',
      '--labels': 'value',
      '--output': 'value',
      '--model': 'value',
      '--project': 'value',
      '--project-column': 'value',
      '--no-project-column': 'switch',
      '--review-below': 'value',
      '--details': 'switch',
      '--quiet': 'switch',
    },
    'classify',
  );
  const input = required(flags, '--input', 'classify');
  const projectColumn = projectColumnChoice(flags);
  const reviewBelow = Number(flags.get('--review-below') ?? '0');
  if (!Number.isFinite(reviewBelow) || reviewBelow < 0 || reviewBelow > 1) {
    throw new UsageError('--review-below must be a number between 0 and 1');
  }
  const classifier: TicketClassifier = createTicketClassifier(flags.get('--model') ?? DEFAULT_MODEL_PATH);
  const labelsFlag = flags.get('--labels');
  const categories =
    labelsFlag === undefined ? undefined : classifier.resolveCategories(labelsFlag.split(','), 'labels');
  const details = flags.has('--details');
  const fixedProject = flags.get('--project');
  const quiet = flags.has('--quiet');
  const tick = progress(quiet);

  const outputPath = flags.get('--output');
  const file = outputPath === undefined ? undefined : new AtomicFile(outputPath);
  let rows = 0;
  try {
    for await (const row of readTicketCsv(inputSource(input), {
      ...projectColumn,
      require: flags.has('--project-column') ? ['project'] : [],
      onColumns: announceProjectColumn((message) => {
        if (!quiet) process.stderr.write(`ai-ops tickets: ${message}\n`);
      }),
    })) {
      let result: ReturnType<TicketClassifier['classify']>;
      try {
        result = classifier.classify(
          { title: row.title, body: row.body, project: fixedProject ?? row.project },
          { reviewThreshold: reviewBelow, ...(categories === undefined ? {} : { categories }) },
        );
      } catch (error: unknown) {
        if (error instanceof ValidationError) {
          throw new ValidationError(error.field, `row ${row.row}: ${error.problem}`);
        }
        throw error;
      }
      const line = {
        row: row.row,
        category: result.category,
        priority: result.priority,
        labels: result.labels,
        confidence: result.confidence.category,
        ...(details
          ? {
              predictedCategory: result.predictedCategory,
              confidences: result.confidence,
              alternatives: result.alternatives,
              sources: result.sources,
              rationale: result.rationale,
              modelVersion: result.modelVersion,
            }
          : {}),
      };
      const text = `${JSON.stringify(line)}\n`;
      if (file) file.write(text);
      else if (!process.stdout.write(text))
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      rows = row.row;
      tick(rows);
    }
    file?.commit();
  } catch (error: unknown) {
    file?.abort();
    throw error;
  }
  if (rows >= 1000) tick(rows, true);
  return 0;
}

async function train(args: readonly string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(
    args,
    {
      '--input': 'value',
      '--out': 'value',
      '--label-column': 'value',
      '--project-column': 'value',
      '--no-project-column': 'switch',
      '--learner': 'value',
      '--c': 'value',
      '--seed': 'value',
      '--no-rules': 'switch',
      '--word-clusters': 'value',
      '--no-word-clusters': 'switch',
      '--quiet': 'switch',
    },
    'train',
  );
  const input = required(flags, '--input', 'train');
  const out = required(flags, '--out', 'train');
  const projectColumn = projectColumnChoice(flags);
  const options: Partial<TicketTrainingOptions> = {};
  const learner = flags.get('--learner');
  if (learner !== undefined) {
    if (learner !== 'svm' && learner !== 'logreg') throw new UsageError('--learner must be svm or logreg');
    options.learner = learner;
  }
  const c = flags.get('--c');
  if (c !== undefined) {
    const value = Number(c);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError('--c must be a positive number');
    options.c = value;
  }
  const seed = flags.get('--seed');
  if (seed !== undefined) {
    const value = Number(seed);
    if (!Number.isInteger(value) || value < 0) throw new UsageError('--seed must be a non-negative integer');
    options.seed = value;
  }
  if (flags.has('--no-rules')) options.ruleCategories = [];
  const lexicon = flags.get('--word-clusters');
  if (lexicon !== undefined && flags.has('--no-word-clusters'))
    throw new UsageError('give --word-clusters or --no-word-clusters, not both');
  if (lexicon !== undefined) options.wordClusters = readWordClusters(lexicon, 'word-clusters');
  if (flags.has('--no-word-clusters')) options.wordClusters = 'none';
  const quiet = flags.has('--quiet');
  const say = (message: string) => {
    if (!quiet) process.stderr.write(`ai-ops tickets train: ${message}\n`);
  };
  const result = await trainFromCsv({
    input: inputSource(input),
    out,
    labelColumn: flags.get('--label-column'),
    ...projectColumn,
    options,
    say,
  });
  process.stdout.write(`${result}\n`);
  return 0;
}

export interface TrainFromCsv {
  input: Parameters<typeof readTicketCsv>[0];
  out: string;
  labelColumn?: string | undefined;
  projectColumn?: string | undefined;
  /** Without `projectColumn`: take the project from a column named like one (PROJECT_COLUMN_NAMES). */
  detectProjectColumn?: boolean | undefined;
  options?: Partial<TicketTrainingOptions>;
  say?: (message: string) => void;
}

/** Reads a labelled CSV, trains, writes the model atomically; returns a one-line summary. Used by the script too. */
export async function trainFromCsv(job: TrainFromCsv): Promise<string> {
  const say = job.say ?? (() => {});
  const examples: LabelledTicket[] = [];
  for await (const row of readTicketCsv(job.input, {
    require: job.projectColumn === undefined ? ['label'] : ['label', 'project'],
    labelColumn: job.labelColumn,
    projectColumn: job.projectColumn,
    detectProjectColumn: job.detectProjectColumn,
    onColumns: announceProjectColumn(say),
  })) {
    if (row.title.trim() === '' && row.body.trim() === '') {
      throw new ValidationError('title', `row ${row.row}: a ticket needs a title or a body`);
    }
    if ((row.label ?? '').trim() === '')
      throw new ValidationError('label', `row ${row.row}: must not be empty`);
    examples.push({ title: row.title, body: row.body, label: row.label ?? '', project: row.project });
  }
  if (examples.length === 0) throw new ValidationError('input', 'no labelled rows to train on');
  say(`read ${examples.length} tickets`);
  const started = Date.now();
  const { json } = trainTicketModel(examples, job.options ?? {}, say);
  const file = new AtomicFile(job.out);
  try {
    file.write(`${JSON.stringify(json)}\n`);
    file.commit();
  } catch (error: unknown) {
    file.abort();
    throw error;
  }
  const counts = Object.entries(json.training.labelCounts)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
  const cv = json.training.crossValidatedMacroF1;
  return (
    `wrote ${job.out}: ${json.version}, categories ${counts}` +
    (json.ruleCategories.length > 0 ? ` + rules ${json.ruleCategories.join(', ')}` : '') +
    (cv === undefined ? '' : `, out-of-fold macro-F1 ${cv.toFixed(3)}`) +
    ` (${((Date.now() - started) / 1000).toFixed(1)} s)`
  );
}

export const ticketsCommand: Command = commandWithSubcommands({
  usage: USAGE,
  subcommands: { classify, train },
});
