import { resolve } from 'node:path';
import { ValidationError } from '../../lambdas/core/errors.ts';
import {
  NETWORK_REDACTIONS,
  type NetworkRedaction,
  totalRedactions,
} from '../../lambdas/core/redaction/index.ts';
import {
  type BadRecord,
  type ChosenColumns,
  CREATED_COLUMN_NAMES,
  createTicketClassifier,
  createTriagePolicy,
  DEFAULT_MODEL_PATH,
  DEFAULT_REVIEW_THRESHOLD,
  DEFAULT_TRAINING_OPTIONS,
  encodeBinaryModel,
  type LabelledTicket,
  NEEDS_REVIEW,
  PRIORITIES,
  PRIORITY_OUTPUT,
  PROJECT_COLUMN_NAMES,
  parseCreatedAt,
  readTicketCsv,
  readWordClusters,
  redactTicket,
  type TicketCsvRow,
  type TicketTrainingOptions,
  type TriageDecision,
  type TriagePolicy,
  trainTicketModel,
  validateTicketInput,
} from '../../lambdas/core/tickets/index.ts';
import { AtomicFile } from './atomic-file.ts';
import { type Command, commandWithSubcommands, type Say, UsageError, wantsHelp } from './command.ts';

const CLASSIFY_USAGE = `Usage: ai-ops tickets classify [<csv>|-] [--labels bug,feature,question] [--output <file>]

Classifies every row of a CSV with a title column and usually a body column (without one, or with an empty
body, a ticket is title-only; other columns are ignored; RFC 4180 quoting and multi-line fields are fine) and writes one JSON object per row, in input order:
  {"row": <1-based>, "category": "...", "predictedCategory": "...", "priority": "P1".."P4",
   "labels": [...], "confidence": <0..1>}
with "id" when the CSV has an id column, and the model's extra outputs (e.g. "team") when it has some: null
when that answer is below the extra review threshold (the worker then leaves Ticket.team unset).
A title-only row (empty body) is normal. The decision is the triage worker's: the same categories, the same
review threshold, NEEDS_REVIEW below it (predictedCategory still says the best guess), on the same text: e-mails,
secrets, keys and card numbers are redacted and addresses pseudonymised first, as the API stores a ticket.

A row that cannot be classified (empty title, broken quoting, a bad date) becomes
  {"row": <n>, "error": "<field>: <reason>"}
is reported on standard error with its row number, and the rest is classified; the exit code is then 1.

Options:
  <csv>, --input <csv>     the tickets ("-", or none when standard input is a pipe or a file, reads
                           standard input)
  --labels <a,b,...>       choose the category among these only (case-insensitive; echoed as written)
  --output <file>          write there instead of standard output (written whole or not at all)
  --strict                 stop at the first bad row (exit code 2) and write nothing
  --model <file>           a model (.bin or .json) trained with \`ai-ops tickets train\` (default: the shipped model)
  --review-below <p>       answer NEEDS_REVIEW below this category confidence (default ${DEFAULT_REVIEW_THRESHOLD},
                           as the worker's TRIAGE_REVIEW_THRESHOLD); 0 never abstains
  --no-review              the same as --review-below 0
  --extra-review-below <p> leave an extra output (a team) null below this confidence (default
                           ${DEFAULT_REVIEW_THRESHOLD}, as the worker's TRIAGE_EXTRA_REVIEW_THRESHOLD); 0 always answers
  --no-extra-review        the same as --extra-review-below 0
  --project <name>         project/repository of every ticket (e.g. microsoft/vscode)
  --project-column <name>  take each ticket's project from this column
                           (default: a column named ${PROJECT_COLUMN_NAMES.join(', ')}, if the CSV has one)
  --no-project-column      ignore such a column: classify without the project
  --created-column <name>  take each ticket's creation time from this column (dates in the text, like
                           "expires Friday", are read relative to it; default: a column named
                           ${CREATED_COLUMN_NAMES.join(', ')}, if the CSV has one)
  --no-created-column      ignore such a column
  --created-at <date>      creation time of tickets that have none (default: now)
  --no-redact              classify the text as written (default: redacted first, as the API stores it)
  --network <m>            IP addresses and host names: pseudonymise (default, <IP#1>, <HOST#1>…), keep or
                           remove, as the deployment's NETWORK_REDACTION
  --details                add alternatives, per-field confidences, the deadline and the rationale
  --quiet                  no progress or summary on standard error (bad rows are still reported)
  -h, --help               this help

Exit codes: 0 every row classified; 1 some rows failed (see standard error); 2 a usage or input error
(missing file or column, unknown --labels name, --strict and a bad row): nothing was written.`;

const TRAIN_USAGE = `Usage: ai-ops tickets train --input <csv> [--input <csv> ...] --out <model.bin|model.json>

Trains a ticket classifier from labelled tickets: columns title, body (may be empty) and the category
(column "category", or "label"; case-insensitive). The categories in the data become the model's, so
retraining on a team's own labels replaces the default set. Further columns train further outputs:
  priority                 a column named "priority" (P1-P4, blank = unknown) trains the learned part of the
                           priority, blended with the impact and urgency rules (--no-priority-column: rules only)
  --label-column <name>    any other labelled column (a team, a queue) trains an extra head; results then carry
                           it by name ("team": "sre"). Repeatable. Rows with a blank value are skipped for it.
Several --input files are combined (they may have different columns). Training is deterministic.
A bad row (empty title, unknown priority, broken quoting) stops the training with every bad row listed.

Options:
  --input <csv>            labelled tickets ("-" reads standard input); repeatable
  --out <file>             where to write the model (written whole or not at all): a name ending in .bin
                           gets the binary format (loads faster), any other the JSON format
  --category-column <name> column holding the category (default: category, else label)
  --label-column <name>    train an extra head on this column (repeatable)
  --no-priority-column     do not learn the priority from a priority column
  --project-column <name>  column naming the project/repository: learns per-project features too
                           (default: a column named ${PROJECT_COLUMN_NAMES.join(', ')}, if the CSV has one)
  --no-project-column      ignore such a column: train without per-project features
  --created-column <name>  column with each ticket's creation time (default: ${CREATED_COLUMN_NAMES.join(', ')})
  --no-created-column      ignore such a column
  --learner <svm|logreg>   linear learner (default: ${DEFAULT_TRAINING_OPTIONS.learner})
  --c <number>             inverse regularisation strength (default: ${DEFAULT_TRAINING_OPTIONS.c})
  --seed <int>             random seed (default: ${DEFAULT_TRAINING_OPTIONS.seed})
  --no-rules               do not add rule-based INCIDENT, TASK and SECURITY when the data lacks them
  --word-clusters <file>   word-cluster lexicon for cluster features (default: the committed one)
  --no-word-clusters       train without word-cluster features
  --quiet                  no progress on standard error
  -h, --help               this help`;

const USAGE = `Usage: ai-ops tickets <classify|train|export-corrections> [options]

Subcommands:
  classify             category, priority and labels for every ticket in a CSV, as JSON lines
  train                train a model from labelled tickets (title, body, category[, priority, team…])
  export-corrections   the corrections people recorded (correctTriage), as a CSV that train reads

Run \`ai-ops tickets <subcommand> --help\` for its options.`;

type FlagSpec = Record<string, 'value' | 'values' | 'switch'>;

interface Flags {
  one: Map<string, string>;
  many: Map<string, string[]>;
}

function isPositionalInput(arg: string, spec: FlagSpec): boolean {
  return spec['--input'] !== undefined && (arg === '-' || !arg.startsWith('-'));
}

function addInput(flags: Flags, spec: FlagSpec, path: string): void {
  if (spec['--input'] === 'values') {
    flags.many.set('--input', [...(flags.many.get('--input') ?? []), path]);
    return;
  }
  if (flags.one.has('--input')) throw new UsageError(`more than one input: "${path}"`);
  flags.one.set('--input', path);
}

function parseFlags(args: readonly string[], spec: FlagSpec, sub: string): Flags {
  const flags: Flags = { one: new Map(), many: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    // A bare file (or `-`) is the input, as in `ai-ops logs parse <file>`.
    if (isPositionalInput(arg, spec)) {
      addInput(flags, spec, arg);
      continue;
    }
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(
        name.startsWith('-')
          ? `unknown option ${name} (see ai-ops tickets ${sub} --help)`
          : `unexpected argument "${arg}"`,
      );
    }
    if (kind !== 'values' && flags.one.has(name)) throw new UsageError(`${name} is given twice`);
    if (kind === 'switch') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.one.set(name, 'true');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    // An empty value is no value: `--review-below ""` would otherwise read as 0 (never abstain).
    if (value === undefined || value.trim() === '' || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`${name} needs a value`);
    if (kind === 'values') flags.many.set(name, [...(flags.many.get(name) ?? []), value]);
    else flags.one.set(name, value);
  }
  return flags;
}

function required(flags: Flags, name: string, sub: string): string {
  const value = flags.one.get(name) ?? flags.many.get(name)?.[0];
  if (value === undefined || value === '')
    throw new UsageError(`${name} is required (see ai-ops tickets ${sub} --help)`);
  return value;
}

function exclusive(flags: Flags, names: readonly string[]): void {
  const chosen = names.filter((f) => flags.one.has(f));
  if (chosen.length > 1) throw new UsageError(`give only one of ${chosen.join(', ')}`);
}

/**
 * Which optional columns to read. Knowing a ticket's project is worth ~2.5 macro-F1 points and its creation
 * time anchors its dates (docs/triage.md), so columns with the usual names are used without being asked.
 */
function columnChoice(flags: Flags) {
  exclusive(flags, ['--project', '--project-column', '--no-project-column']);
  exclusive(flags, ['--created-at', '--created-column', '--no-created-column']);
  return {
    projectColumn: flags.one.get('--project-column'),
    detectProjectColumn: !flags.one.has('--project') && !flags.one.has('--no-project-column'),
    createdColumn: flags.one.get('--created-column'),
    detectCreatedColumn: !flags.one.has('--created-at') && !flags.one.has('--no-created-column'),
  };
}

/** Says which columns the optional fields come from, so a detected column never goes unnoticed. */
function announceColumns(say: (message: string) => void) {
  return (columns: ChosenColumns) => {
    if (!columns.body) say('the CSV has no body column: every ticket is title-only');
    if (columns.project !== undefined) say(`each ticket's project is read from column "${columns.project}"`);
    if (columns.created !== undefined)
      say(`each ticket's creation time is read from column "${columns.created}"`);
  };
}

/** Where result lines go: straight to standard output, or through an AtomicFile. */
interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): void;
}

function sinkFor(output: string | undefined, strict: boolean): Sink {
  if (output === undefined && !strict) {
    return {
      write: async (text) => {
        if (!process.stdout.write(text))
          await new Promise((resolve) => process.stdout.once('drain', resolve));
      },
      commit: async () => {},
      abort: () => {},
    };
  }
  const file = new AtomicFile(output);
  return {
    write: async (text) => file.write(text),
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}

function inputSource(path: string) {
  return path === '-' ? process.stdin : path;
}

function progress(quiet: boolean, say: Say) {
  let last = Date.now();
  return (rows: number, force = false) => {
    if (quiet) return;
    const now = Date.now();
    if (force || now - last >= 1000) {
      last = now;
      say(`${rows} rows`);
    }
  };
}

const CLASSIFY_FLAGS: FlagSpec = {
  '--input': 'value',
  '--labels': 'value',
  '--output': 'value',
  '--strict': 'switch',
  '--model': 'value',
  '--project': 'value',
  '--project-column': 'value',
  '--no-project-column': 'switch',
  '--created-column': 'value',
  '--no-created-column': 'switch',
  '--created-at': 'value',
  '--review-below': 'value',
  '--no-review': 'switch',
  '--extra-review-below': 'value',
  '--no-extra-review': 'switch',
  '--details': 'switch',
  '--quiet': 'switch',
  '--no-redact': 'switch',
  '--network': 'value',
};

/** How `classify` prepares each ticket's text: as the API stores it (redacted), or as written. */
function redactionFromFlags(flags: Flags): NetworkRedaction | null {
  const network = flags.one.get('--network');
  if (flags.one.has('--no-redact')) {
    if (network !== undefined) throw new UsageError('give --no-redact or --network, not both');
    return null;
  }
  if (network === undefined) return 'pseudonymise';
  const mode = NETWORK_REDACTIONS.find((m) => m === network);
  if (mode === undefined) throw new UsageError(`--network must be one of ${NETWORK_REDACTIONS.join(', ')}`);
  return mode;
}

function policyFromFlags(flags: Flags): TriagePolicy {
  const threshold = (value: string, off: string) => {
    exclusive(flags, [value, off]);
    return flags.one.has(off) ? 0 : Number(flags.one.get(value) ?? DEFAULT_REVIEW_THRESHOLD);
  };
  const classifier = createTicketClassifier(flags.one.get('--model') ?? DEFAULT_MODEL_PATH);
  return createTriagePolicy(
    classifier,
    {
      categories: flags.one.get('--labels')?.split(','),
      reviewThreshold: threshold('--review-below', '--no-review'),
      extraReviewThreshold: threshold('--extra-review-below', '--no-extra-review'),
    },
    { categories: 'labels', reviewThreshold: 'review-below', extraReviewThreshold: 'extra-review-below' },
  );
}

/** One result line; categories are shown as --labels spelled them. */
function resultLine(row: TicketCsvRow, decision: TriageDecision, policy: TriagePolicy, details: boolean) {
  const show = (c: string) => policy.allowed?.names.get(c) ?? c;
  return {
    row: row.row,
    ...(row.id === undefined ? {} : { id: row.id }),
    category: decision.category === NEEDS_REVIEW ? NEEDS_REVIEW : show(decision.category),
    predictedCategory: show(decision.details.predictedCategory),
    priority: decision.priority,
    labels: decision.labels,
    confidence: decision.confidence,
    // Every extra output is printed, null where it needs review, so a column never comes and goes.
    ...Object.fromEntries(policy.classifier.extraOutputs.map((name) => [name, decision.extra[name] ?? null])),
    ...(details
      ? {
          confidences: decision.details.confidence,
          alternatives: {
            ...decision.details.alternatives,
            category: decision.details.alternatives.category.map((a) => ({ ...a, name: show(a.name) })),
          },
          sources: decision.details.sources,
          ...(decision.details.deadline === undefined ? {} : { deadline: decision.details.deadline }),
          ...(Object.keys(decision.details.extra).length === 0 ? {} : { extra: decision.details.extra }),
          rationale: decision.rationale,
          modelVersion: decision.classifierVersion,
        }
      : {}),
  };
}

async function classify(args: readonly string[], say: Say): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${CLASSIFY_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(args, CLASSIFY_FLAGS, 'classify');
  // `… | ai-ops tickets classify`: no file reads a pipe, as cat and jq do; never a terminal, which would wait.
  const input =
    flags.one.has('--input') || process.stdin.isTTY ? required(flags, '--input', 'classify') : '-';
  const columns = columnChoice(flags);
  const fixedCreated = parseCreatedAt(flags.one.get('--created-at'), 'created-at');
  const policy = policyFromFlags(flags);
  const network = redactionFromFlags(flags);
  const details = flags.one.has('--details');
  const fixedProject = flags.one.get('--project');
  const strict = flags.one.has('--strict');
  const quiet = flags.one.has('--quiet');
  const tick = progress(quiet, say);
  const now = new Date();
  const output = flags.one.get('--output');
  // The results replace --output whole at the end: written over the input, they would replace the tickets.
  if (output !== undefined && input !== '-' && resolve(output) === resolve(input))
    throw new UsageError(`--output ${output} is the input: write the results to another file`);
  const sink = sinkFor(output, strict);
  const counts = { rows: 0, failed: 0, reviews: 0, redacted: 0, notUtf8: 0 };
  /** Rows whose extra output (a team) was held back for review, per output: the worker leaves them unrouted. */
  const extraReviews = new Map(policy.classifier.extraOutputs.map((name) => [name, 0]));
  let invalidUtf8 = false;
  let createdColumn = 'created_at';
  /** A bad row: with --strict the end (nothing written), otherwise an error line and a message. */
  const fail = async (row: number, id: string | undefined, error: ValidationError) => {
    const reason = describeRowError(error);
    if (strict) throw new BadRowError(row, error, reason);
    counts.failed++;
    say(`row ${row}: ${reason}`);
    await sink.write(`${JSON.stringify({ row, ...(id === undefined ? {} : { id }), error: reason })}\n`);
  };
  const bad: BadRecord[] = [];
  const reportBad = async () => {
    for (const record of bad.splice(0)) {
      counts.rows = Math.max(counts.rows, record.row);
      await fail(record.row, undefined, record.error);
    }
  };
  try {
    for await (const row of readTicketCsv(inputSource(input), {
      ...columns,
      onColumns: (chosen) => {
        createdColumn = chosen.created ?? createdColumn;
        if (!quiet) announceColumns(say)(chosen);
      },
      onBadRecord: (record) => {
        bad.push(record);
      },
      onInvalidUtf8: () => {
        invalidUtf8 = true;
      },
    })) {
      await reportBad();
      // U+FFFD is what the decoder put for bytes that are not UTF-8 (a Latin-1 export), when the file has such
      // bytes (`invalidUtf8`); a UTF-8 file may hold the character itself (one NLBSE issue quotes it).
      if (row.title.includes('\uFFFD') || row.body.includes('\uFFFD')) counts.notUtf8++;
      try {
        const createdAt = parseCreatedAt(row.created, createdColumn) ?? fixedCreated;
        // Checked as written, as the API checks it before storing; then the text the worker would read.
        const written = validateTicketInput({
          title: row.title,
          body: row.body,
          project: fixedProject ?? row.project?.trim(),
        });
        let ticket = { ...written, createdAt };
        if (network !== null) {
          const stored = redactTicket(written, network);
          if (totalRedactions(stored.redactions) > 0) counts.redacted++;
          ticket = { ...stored, project: stored.project ?? undefined, createdAt };
        }
        const decision = policy.decide(ticket, now);
        if (decision.category === NEEDS_REVIEW) counts.reviews++;
        for (const [name, n] of extraReviews)
          if (decision.extra[name] === undefined) extraReviews.set(name, n + 1);
        await sink.write(`${JSON.stringify(resultLine(row, decision, policy, details))}\n`);
      } catch (error: unknown) {
        if (!(error instanceof ValidationError)) throw error;
        await fail(row.row, row.id, withRow(error, row.row));
      }
      counts.rows = row.row;
      tick(counts.rows);
    }
    await reportBad();
    await sink.commit();
  } catch (error: unknown) {
    sink.abort();
    throw error;
  }
  if (!quiet) {
    const rows = `${counts.rows} ${counts.rows === 1 ? 'row' : 'rows'}`;
    say(
      `${rows}: ${counts.rows - counts.failed} classified (${counts.reviews} ${NEEDS_REVIEW}` +
        `${[...extraReviews].map(([name, n]) => `, ${n} with no ${name}: below --extra-review-below`).join('')})` +
        `${counts.failed > 0 ? `, ${counts.failed} failed (listed above)` : ''}` +
        `${counts.redacted > 0 ? `; ${counts.redacted} redacted first, as the API stores them (--no-redact: as written)` : ''}`,
    );
  }
  if (invalidUtf8 && counts.notUtf8 > 0)
    say(
      `${counts.notUtf8} of the rows had bytes that are not UTF-8, read as �; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again`,
    );
  return counts.failed > 0 ? 1 : 0;
}

/** A row's problem as `field: reason`, without the "row n:" both kinds of row error carry. */
function describeRowError(error: ValidationError): string {
  return `${error.field}: ${error.problem.replace(/^row \d+: /, '')}`;
}

/** The bad row that stops `--strict`: reported as "row 2: title: must not be empty", as without --strict. */
class BadRowError extends ValidationError {
  constructor(row: number, error: ValidationError, reason: string) {
    super(error.field, `row ${row}: ${error.problem.replace(/^row \d+: /, '')}`);
    this.message = `row ${row}: ${reason}`;
  }
}

function withRow(error: ValidationError, row: number): ValidationError {
  return new ValidationError(error.field, `row ${row}: ${error.problem}`);
}

/** Output names a results line uses already: an extra head may not take them. */
const RESERVED_OUTPUTS = new Set([
  'row',
  'id',
  'error',
  'category',
  'predictedcategory',
  'priority',
  'labels',
  'confidence',
  'confidences',
  'alternatives',
  'sources',
  'deadline',
  'extra',
  'rationale',
  'modelversion',
  'title',
  'body',
  'project',
]);

function labelColumns(flags: Flags): string[] {
  const names = (flags.many.get('--label-column') ?? []).map((n) => n.trim().toLowerCase());
  for (const name of names) {
    if (name === PRIORITY_OUTPUT)
      throw new UsageError('--label-column priority: a priority column is learned without being asked');
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(name))
      throw new UsageError(
        `--label-column ${name}: use a column name of letters, digits and _ (it names the output)`,
      );
    if (RESERVED_OUTPUTS.has(name))
      throw new UsageError(`--label-column ${name}: that name is taken by the category or the results`);
  }
  if (new Set(names).size !== names.length) throw new UsageError('--label-column lists a column twice');
  return names;
}

function trainingOptions(flags: Flags): Partial<TicketTrainingOptions> {
  const options: Partial<TicketTrainingOptions> = {};
  const learner = flags.one.get('--learner');
  if (learner !== undefined) {
    if (learner !== 'svm' && learner !== 'logreg') throw new UsageError('--learner must be svm or logreg');
    options.learner = learner;
  }
  const c = flags.one.get('--c');
  if (c !== undefined) {
    const value = Number(c);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError('--c must be a positive number');
    options.c = value;
  }
  const seed = flags.one.get('--seed');
  if (seed !== undefined) {
    const value = Number(seed);
    if (!Number.isInteger(value) || value < 0) throw new UsageError('--seed must be a non-negative integer');
    options.seed = value;
  }
  if (flags.one.has('--no-rules')) options.ruleCategories = [];
  const lexicon = flags.one.get('--word-clusters');
  if (lexicon !== undefined && flags.one.has('--no-word-clusters'))
    throw new UsageError('give --word-clusters or --no-word-clusters, not both');
  if (lexicon !== undefined) options.wordClusters = readWordClusters(lexicon, 'word-clusters');
  if (flags.one.has('--no-word-clusters')) options.wordClusters = 'none';
  return options;
}

async function train(args: readonly string[], say: Say): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(
    args,
    {
      '--input': 'values',
      '--out': 'value',
      '--category-column': 'value',
      '--label-column': 'values',
      '--no-priority-column': 'switch',
      '--project-column': 'value',
      '--no-project-column': 'switch',
      '--created-column': 'value',
      '--no-created-column': 'switch',
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
  required(flags, '--input', 'train');
  const out = required(flags, '--out', 'train');
  const quiet = flags.one.has('--quiet');
  const result = await trainFromCsv({
    inputs: (flags.many.get('--input') ?? []).map(inputSource),
    out,
    categoryColumn: flags.one.get('--category-column'),
    labelColumns: labelColumns(flags),
    priorityColumn: !flags.one.has('--no-priority-column'),
    ...columnChoice(flags),
    options: trainingOptions(flags),
    say: (message) => {
      if (!quiet) say(message);
    },
  });
  process.stdout.write(`${result}\n`);
  return 0;
}

export interface TrainFromCsv {
  inputs: readonly Parameters<typeof readTicketCsv>[0][];
  out: string;
  /** Column of the category (default: `category`, else `label`). */
  categoryColumn?: string | undefined;
  /** Extra label columns, each trained as an output of its own. */
  labelColumns?: readonly string[] | undefined;
  /** Learn the priority from a `priority` column when a file has one (default true). */
  priorityColumn?: boolean | undefined;
  projectColumn?: string | undefined;
  /** Without `projectColumn`: take the project from a column named like one (PROJECT_COLUMN_NAMES). */
  detectProjectColumn?: boolean | undefined;
  createdColumn?: string | undefined;
  detectCreatedColumn?: boolean | undefined;
  options?: Partial<TicketTrainingOptions>;
  say?: (message: string) => void;
}

/**
 * The problem of one training row as `classify` reports one ("input 2, row 3: priority: …", naming the
 * file's own column), or the labelled ticket.
 */
function labelledTicket(
  row: TicketCsvRow,
  at: string,
  columns: ChosenColumns | undefined,
): LabelledTicket | string {
  const problem = (field: string, text: string) => `${at}row ${row.row}: ${field}: ${text}`;
  if (row.title.trim() === '') return problem('title', 'must not be empty');
  if ((row.label ?? '').trim() === '') return problem(columns?.label ?? 'category', 'must not be empty');
  let createdAt: Date | undefined;
  try {
    createdAt = parseCreatedAt(row.created);
  } catch (error: unknown) {
    if (error instanceof ValidationError) return problem(columns?.created ?? 'created_at', error.problem);
    throw error;
  }
  const labels: Record<string, string> = {};
  for (const [column, value] of Object.entries(row.labels ?? {})) {
    if (column === PRIORITY_OUTPUT) {
      const level = value.toUpperCase();
      if (!(PRIORITIES as readonly string[]).includes(level))
        return problem('priority', `"${value}" is not one of ${PRIORITIES.join(', ')}`);
      labels[column] = level;
    } else labels[column] = value;
  }
  return {
    title: row.title,
    body: row.body,
    label: row.label ?? '',
    project: row.project,
    createdAt,
    ...(Object.keys(labels).length === 0 ? {} : { labels }),
  };
}

/** Reads every labelled CSV; any bad row stops training, with all of them listed. */
async function readTrainingRows(
  job: TrainFromCsv,
): Promise<{ examples: LabelledTicket[]; categoryColumns: string[] }> {
  const say = job.say ?? (() => {});
  const examples: LabelledTicket[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const categoryColumns = new Set<string>();
  for (const [i, input] of job.inputs.entries()) {
    const at = job.inputs.length > 1 ? `input ${i + 1}, ` : '';
    let chosen: ChosenColumns | undefined;
    for await (const row of readTicketCsv(input, {
      label: { column: job.categoryColumn },
      // A column asked for must be in one of the files at least (checked below), not in each.
      labelColumns: job.inputs.length === 1 ? job.labelColumns : [],
      optionalLabelColumns: [
        ...(job.inputs.length === 1 ? [] : (job.labelColumns ?? [])),
        ...(job.priorityColumn === false ? [] : [PRIORITY_OUTPUT]),
      ],
      projectColumn: job.projectColumn,
      detectProjectColumn: job.detectProjectColumn,
      createdColumn: job.createdColumn,
      detectCreatedColumn: job.detectCreatedColumn,
      onColumns: (columns) => {
        chosen = columns;
        if (columns.label !== undefined) categoryColumns.add(columns.label);
        for (const column of columns.labels) seen.add(column);
        // With several inputs, each message says which one it is about.
        announceColumns((message) => say(`${at}${message}`))(columns);
        say(
          `${at}category from column "${columns.label}"${columns.labels.length > 0 ? `, also learning ${columns.labels.join(', ')}` : ''}`,
        );
      },
      onBadRecord: (bad) => {
        problems.push(`${at}row ${bad.row}: ${describeRowError(bad.error)}`);
      },
    })) {
      const example = labelledTicket(row, at, chosen);
      if (typeof example === 'string') problems.push(example);
      else examples.push(example);
    }
  }
  const missing = (job.labelColumns ?? []).filter((c) => !seen.has(c));
  if (missing.length > 0)
    throw new ValidationError(
      'input',
      `no input has a column ${missing.join(', ')} (asked for by --label-column)`,
    );
  if (problems.length > 0) {
    const listed = problems.slice(0, 10);
    throw new ValidationError(
      'input',
      `${problems.length} bad row${problems.length > 1 ? 's' : ''}, nothing trained:\n  ${listed.join('\n  ')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`,
    );
  }
  if (examples.length === 0) throw new ValidationError('input', 'no labelled rows to train on');
  return { examples, categoryColumns: [...categoryColumns] };
}

/** A problem the trainer found with the categories, named by the file's column ("category", "label"). */
function namingCategoryColumn<T>(columns: readonly string[], train: () => T): T {
  try {
    return train();
  } catch (error: unknown) {
    if (error instanceof ValidationError && error.field === 'label' && columns.length > 0)
      throw new ValidationError(columns.join(' / '), error.problem);
    throw error;
  }
}

/** Reads labelled CSVs, trains, writes the model atomically; returns a one-line summary. Used by the script too. */
export async function trainFromCsv(job: TrainFromCsv): Promise<string> {
  const say = job.say ?? (() => {});
  // Opened first: an --out that cannot be written (a directory, a missing folder) is refused before the
  // training, not after it.
  const file = new AtomicFile(job.out);
  let started = Date.now();
  let json: ReturnType<typeof trainTicketModel>['json'];
  try {
    const { examples, categoryColumns } = await readTrainingRows(job);
    say(`read ${examples.length} tickets`);
    started = Date.now();
    ({ json } = namingCategoryColumn(categoryColumns, () =>
      trainTicketModel(examples, job.options ?? {}, say),
    ));
    // A `.bin` path gets the binary container (what the shipped model is: a faster cold start), any other the
    // JSON artifact; both load the same model.
    file.write(job.out.endsWith('.bin') ? encodeBinaryModel(json) : `${JSON.stringify(json)}\n`);
    await file.commit();
  } catch (error: unknown) {
    file.abort();
    throw error;
  }
  const counts = Object.entries(json.training.labelCounts)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
  const cv = json.training.crossValidatedMacroF1;
  const heads = (json.labelHeads ?? []).map(
    (h) => `${h.name} (${h.classes.join('/')}, ${h.examples} tickets)`,
  );
  return (
    `wrote ${job.out}: ${json.version}, categories ${counts}` +
    (json.ruleCategories.length > 0 ? ` + rules ${json.ruleCategories.join(', ')}` : '') +
    (heads.length > 0 ? `; learned ${heads.join(', ')}` : '') +
    (cv === undefined ? '' : `; out-of-fold macro-F1 ${cv.toFixed(3)}`) +
    ` (${((Date.now() - started) / 1000).toFixed(1)} s)`
  );
}

export const ticketsCommand: Command = commandWithSubcommands({
  name: 'tickets',
  usage: USAGE,
  subcommands: {
    classify,
    train,
    // Loaded only when run: it opens the database, which classify and train never need.
    'export-corrections': async (args, say) =>
      (await import('./ticket-corrections.ts')).exportCorrections(args, say),
  },
});
