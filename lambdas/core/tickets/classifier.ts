/**
 * Ticket triage: the learned category model and its label heads (priority, team…), the rule layers
 * (categories a model lacks, the priority's impact and urgency rules, area labels), input validation,
 * category restriction, abstention and the rationale.
 */
import { ValidationError } from '../errors.ts';
import type { Deadline } from './dates.ts';
import { validateTicketInput } from './input.ts';
import {
  CATEGORY_OUTPUT,
  loadModel,
  type ModelScores,
  type Output,
  scoreTicket,
  type TicketModel,
} from './model.ts';
import {
  type AreaLabel,
  type Cue,
  type CueHit,
  type CueMatches,
  decidePriority,
  detectAreas,
  evidence,
  INCIDENT_CUES,
  matchCues,
  PRIORITIES,
  type Priority,
  type PriorityDecision,
  round,
  SECURITY_CUES,
  saturate,
  TASK_CUES,
} from './rules.ts';
import { parseTicket } from './text.ts';

export const NEEDS_REVIEW = 'NEEDS_REVIEW';
/** The default category set, in the order people read it. */
export const DEFAULT_CATEGORIES: readonly string[] = [
  'BUG',
  'FEATURE',
  'QUESTION',
  'INCIDENT',
  'TASK',
  'SECURITY',
];
/**
 * Below this category confidence the classifier abstains unless the caller sets another threshold. With six
 * categories, 0.4 sends about 5 % of internal tickets to a person, and those are right only about half the
 * time (cross-validation on data/tickets/train.csv, docs/triage.md).
 */
export const DEFAULT_REVIEW_THRESHOLD = 0.4;
/** The label head that is the learned part of the priority (a `priority` column of P1–P4 values). */
export const PRIORITY_OUTPUT = 'priority';
/** Cue weight at which a rule category gets about half of its maximum share (see rules.ts). */
const RULE_SCALE = 4;

export interface TicketInput {
  title: string;
  /** Optional: a title-only ticket is normal; an empty or blank body means no body. */
  body?: string | null | undefined;
  /** Project or repository the ticket belongs to; improves accuracy when the model was trained with it. */
  project?: string | null | undefined;
  /** When the ticket was created (a Date or an ISO 8601 string): dates in the text are read relative to it. */
  createdAt?: Date | string | null | undefined;
}

export interface ClassifyOptions {
  /**
   * Choose only among these categories (case-insensitive; results echo the spelling given here). They must
   * be categories the model knows: resolve them once with `classifier.resolveCategories`.
   */
  categories?: readonly string[] | ResolvedCategories;
  /** Abstain (`NEEDS_REVIEW`) when the best category's confidence is below this; 0 never abstains. */
  reviewThreshold?: number;
  /** How many alternatives to return per field (default 2). */
  alternatives?: number;
  /** The creation time of tickets that do not carry one (default: now). */
  now?: Date;
}

export interface Ranked<T extends string = string> {
  name: T;
  confidence: number;
}

/** An extra output's answer (a team, a queue): the best class, its confidence and the runners-up. */
export interface ExtraPrediction {
  value: string;
  confidence: number;
  alternatives: Ranked[];
}

export interface TriageResult {
  /** The chosen category, or `NEEDS_REVIEW` when confidence is below the review threshold. */
  category: string;
  /** The best category even when abstaining, so a reviewer sees the suggestion. */
  predictedCategory: string;
  priority: Priority;
  labels: string[];
  /** Answers of the model's extra outputs (e.g. `team`), by output name; empty for the default model. */
  extra: Record<string, ExtraPrediction>;
  confidence: { category: number; priority: number; labels: Record<string, number> };
  alternatives: { category: Ranked[]; priority: Ranked<Priority>[] };
  /** Where each field came from: the learned model, the documented rules, or both blended. */
  sources: { category: 'model' | 'rules'; priority: 'model+rules' | 'rules'; labels: 'rules' };
  /** The deadline the text states, in days after the ticket's creation, when there is one. */
  deadline?: Deadline;
  rationale: string;
  modelVersion: string;
}

/** Category names checked against a model once, mapping the caller's spelling to the model's name. */
export interface ResolvedCategories {
  readonly resolved: true;
  /** Model category (canonical) → the caller's spelling. */
  readonly names: ReadonlyMap<string, string>;
}

export class TicketClassifier {
  readonly model: TicketModel;
  /** Every category this classifier can answer, the default ones in their usual order first. */
  readonly categories: readonly string[];
  /** Extra outputs the model learned (a team or queue column), by name; the priority is not among them. */
  readonly extraOutputs: readonly string[];

  constructor(model: TicketModel) {
    this.model = model;
    // The default six in their usual order first (whatever order training sorted them in), then the rest.
    const all = [...model.categories, ...model.ruleCategories];
    const rank = (c: string) => {
      const i = DEFAULT_CATEGORIES.indexOf(c);
      return i < 0 ? DEFAULT_CATEGORIES.length + all.indexOf(c) : i;
    };
    this.categories = [...all].sort((a, b) => rank(a) - rank(b));
    this.extraOutputs = model.outputs
      .slice(1)
      .filter((o) => !isPriorityOutput(o))
      .map((o) => o.name);
  }

  get version(): string {
    return this.model.version;
  }

  /** Validates a user-supplied category subset (`--labels`, an API argument). `field` names it in errors. */
  resolveCategories(names: readonly string[], field = 'categories'): ResolvedCategories {
    const map = new Map<string, string>();
    for (const raw of names) {
      if (typeof raw !== 'string' || raw.trim() === '')
        throw new ValidationError(field, 'category names must not be empty');
      const wanted = raw.trim();
      const match = this.categories.find(
        (c) => c.toLowerCase() === wanted.toLowerCase().replace(/[\s-]+/g, '_'),
      );
      if (match === undefined) {
        throw new ValidationError(
          field,
          `unknown category "${wanted}"; this model knows ${this.categories.join(', ')}`,
        );
      }
      if (map.has(match)) throw new ValidationError(field, `category "${wanted}" is listed twice`);
      map.set(match, wanted);
    }
    if (map.size === 0) throw new ValidationError(field, 'give at least one category');
    return { resolved: true, names: map };
  }

  classify(input: TicketInput, options: ClassifyOptions = {}): TriageResult {
    const { title, body, project, createdAt } = validateTicketInput(input);
    const { threshold, allowed, topN } = this.settings(options);

    // A ticket without a creation time is being created now: its dates are read from today.
    const doc = parseTicket(title, body, createdAt ?? options.now ?? new Date());
    const scored = scoreTicket(this.model, doc, project);
    const matches = matchCues(doc.title, doc.body);
    const { ranked, ruleHits } = this.rankCategories(scored, matches, allowed);
    const best = ranked[0];
    if (best === undefined) throw new ValidationError('categories', 'no category left to choose from');
    const display = (c: string) => allowed?.names.get(c) ?? c;
    const predictedCategory = display(best.canonical);
    const categoryConfidence = round(best.confidence);
    const abstain = categoryConfidence < threshold;
    const categorySource: 'model' | 'rules' = this.model.categories.includes(best.canonical)
      ? 'model'
      : 'rules';

    const priorityOutput = this.model.outputs.find(isPriorityOutput);
    const priority = decidePriority({
      category: best.canonical,
      matches,
      deadline: doc.deadline,
      learned: priorityOutput && priorityDistribution(priorityOutput, scored.labels.get(priorityOutput.name)),
      serverErrors: doc.flags.includes('http_5xx'),
      categoryProbability: (c) => ranked.find((r) => r.canonical === c)?.confidence ?? 0,
    });
    const areas = detectAreas(matches);
    const extra = this.extraPredictions(scored, topN);

    const runnerUp = ranked[1];
    const explained = explainDecision(this.model, scored, {
      category: categorySource === 'model' ? [best.canonical, runnerUp?.canonical] : undefined,
      priority: priorityOutput && [priorityOutput, priority],
    });
    const why = categorySource === 'model' ? explained.category : cite(ruleHits.get(best.canonical) ?? []);
    const rationale = [
      `${abstain ? `${NEEDS_REVIEW}: best guess ` : ''}${predictedCategory} ${pct(best.confidence)} (${categorySource})` +
        (why ? ` from ${why}` : '') +
        (runnerUp ? `; next ${display(runnerUp.canonical)} ${pct(runnerUp.confidence)}` : ''),
      priorityReason(priority, explained.priority, doc.deadline, predictedCategory),
      areaReason(areas),
      ...Object.entries(extra).map(([name, p]) => `${name} ${p.value} ${pct(p.confidence)} (model)`),
    ].join('. ');

    return {
      category: abstain ? NEEDS_REVIEW : predictedCategory,
      predictedCategory,
      priority: priority.priority,
      labels: areas.map((a) => a.label),
      extra,
      confidence: {
        category: categoryConfidence,
        priority: priority.confidence,
        labels: Object.fromEntries(areas.map((a) => [a.label, a.confidence])),
      },
      alternatives: {
        category: ranked
          .slice(1, 1 + topN)
          .map((r) => ({ name: display(r.canonical), confidence: round(r.confidence) })),
        priority: priority.alternatives
          .slice(0, topN)
          .map((a) => ({ name: a.priority, confidence: a.confidence })),
      },
      sources: { category: categorySource, priority: priority.source, labels: 'rules' },
      ...(doc.deadline === undefined ? {} : { deadline: doc.deadline }),
      rationale: `${rationale}.`,
      modelVersion: this.model.version,
    };
  }

  /** The classify options checked: the review threshold, the allowed categories, how many alternatives. */
  private settings(options: ClassifyOptions) {
    const threshold = options.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new ValidationError('reviewThreshold', 'must be a number between 0 and 1');
    }
    const allowed =
      options.categories === undefined
        ? undefined
        : 'resolved' in options.categories
          ? options.categories
          : this.resolveCategories(options.categories);
    return { threshold, allowed, topN: Math.max(0, Math.min(options.alternatives ?? 2, 10)) };
  }

  /**
   * Learned probabilities, then rule categories (for models whose data lacked them) take their share of the
   * mass; restricted to the allowed categories and renormalised, best first.
   */
  private rankCategories(scored: ModelScores, matches: CueMatches, allowed: ResolvedCategories | undefined) {
    const model = this.model;
    const dist = new Map<string, number>();
    model.categories.forEach((c, k) => {
      dist.set(c, scored.probabilities[k] ?? 0);
    });
    const ruleHits = new Map<string, CueHit[]>();
    let ruleMass = 0;
    const ruleShares = new Map<string, number>();
    for (const rc of model.ruleCategories) {
      const table = RULE_CUES[rc];
      if (table === undefined) continue;
      const ev = evidence(matches, table);
      ruleHits.set(rc, ev.hits);
      // An incident is an urgent bug: its cues count fully only when the model also sees a bug.
      const affinity = rc === 'INCIDENT' && dist.has('BUG') ? 0.4 + 0.6 * (dist.get('BUG') ?? 0) : 0.85;
      const share = saturate(ev.score, RULE_SCALE, 0.9) * affinity;
      ruleShares.set(rc, share);
      ruleMass += share;
    }
    const squeeze = ruleMass > 0.9 ? 0.9 / ruleMass : 1;
    for (const [c, p] of dist) dist.set(c, p * (1 - ruleMass * squeeze));
    for (const [c, share] of ruleShares) dist.set(c, share * squeeze);

    let candidates = [...dist.entries()];
    if (allowed !== undefined) candidates = candidates.filter(([c]) => allowed.names.has(c));
    const mass = candidates.reduce((sum, [, p]) => sum + p, 0);
    const ranked = candidates
      .map(([c, p]) => ({ canonical: c, confidence: mass > 0 ? p / mass : 1 / candidates.length }))
      .sort((a, b) => b.confidence - a.confidence || a.canonical.localeCompare(b.canonical));
    return { ranked, ruleHits };
  }

  /** The best class of every extra output (team, queue…) with its confidence and runners-up. */
  private extraPredictions(scored: ModelScores, topN: number): Record<string, ExtraPrediction> {
    const out: Record<string, ExtraPrediction> = {};
    for (const name of this.extraOutputs) {
      const output = this.model.outputs.find((o) => o.name === name);
      const probs = scored.labels.get(name);
      if (output === undefined || probs === undefined) continue;
      const ranked = output.classes
        .map((c, k) => ({ name: c, confidence: round(probs[k] ?? 0) }))
        .sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
      const [top, ...rest] = ranked;
      if (top !== undefined)
        out[name] = { value: top.name, confidence: top.confidence, alternatives: rest.slice(0, topN) };
    }
    return out;
  }
}

const RULE_CUES: Record<string, Cue[]> = {
  INCIDENT: INCIDENT_CUES,
  TASK: TASK_CUES,
  SECURITY: SECURITY_CUES,
};

/** A label head named `priority` whose classes are priority levels is the learned part of the priority. */
function isPriorityOutput(output: Output): boolean {
  return (
    output.name === PRIORITY_OUTPUT &&
    output.classes.every((c) => (PRIORITIES as readonly string[]).includes(c.toUpperCase()))
  );
}

/** The learned probabilities laid out over PRIORITIES (levels the head never saw get 0). */
function priorityDistribution(output: Output, probs: Float64Array | undefined): number[] | undefined {
  if (probs === undefined) return undefined;
  return PRIORITIES.map((p) => {
    const k = output.classes.findIndex((c) => c.toUpperCase() === p);
    return k < 0 ? 0 : (probs[k] ?? 0);
  });
}

/**
 * The words behind the category and the learned priority, named in one pass over the ticket's words: each
 * as up to four readable reasons.
 */
function explainDecision(
  model: TicketModel,
  scored: ModelScores,
  wanted: {
    category: [best: string, runnerUp: string | undefined] | undefined;
    priority: [Output, PriorityDecision] | undefined;
  },
): { category: string; priority: string } {
  const index = (classes: readonly string[], name: string | undefined) =>
    name === undefined ? -1 : classes.findIndex((c) => c.toUpperCase() === name.toUpperCase());
  const category =
    wanted.category === undefined
      ? []
      : scored.margins(
          CATEGORY_OUTPUT,
          index(model.categories, wanted.category[0]),
          index(model.categories, wanted.category[1]),
          16,
        );
  const [output, decision] = wanted.priority ?? [];
  const priority =
    output === undefined || decision === undefined
      ? []
      : scored.margins(
          output.name,
          index(output.classes, decision.priority),
          index(output.classes, decision.alternatives[0]?.priority),
          16,
        );
  const reasons = (margins: [string, number][]) => {
    const out: string[] = [];
    for (const [name] of margins) {
      const text = describe(name);
      if (text !== undefined && !out.includes(text)) out.push(text);
      if (out.length === 4) break;
    }
    return out.join(', ');
  };
  return { category: reasons(category), priority: reasons(priority) };
}

function areaReason(areas: readonly AreaLabel[]): string {
  return areas.length > 0
    ? `labels ${areas.map((a) => `${a.label} (${cite(a.hits, 2)})`).join(', ')}`
    : 'no area label matched';
}

function priorityReason(
  priority: PriorityDecision,
  learnedWords: string,
  deadline: Deadline | undefined,
  category: string,
): string {
  const reasons: string[] = [];
  if (priority.p1 !== undefined) reasons.push(`P1 rule "${priority.p1.rule}": ${cite(priority.p1.hits)}`);
  if (priority.p1Floor !== undefined)
    reasons.push(`P1 likely enough for ${category} (${pct(priority.p1Floor)}; a missed P1 costs more)`);
  if (deadline !== undefined) {
    const when =
      deadline.days === 0
        ? 'the day it was created'
        : `${deadline.days} day${deadline.days === 1 ? '' : 's'} after creation`;
    reasons.push(`deadline "${deadline.phrase}" ${when}`);
  }
  if (learnedWords) reasons.push(learnedWords);
  if (priority.p1 === undefined && priority.hits.length > 0) reasons.push(`rules: ${cite(priority.hits)}`);
  if (reasons.length === 0) reasons.push(`default for ${category}`);
  return `${priority.priority} (${priority.source}: ${reasons.join('; ')})`;
}

export function createTicketClassifier(source: string | object | TicketModel): TicketClassifier {
  if (typeof source === 'object' && 'slotTable' in source) return new TicketClassifier(source);
  return new TicketClassifier(loadModel(source));
}

const pct = (p: number) => `${Math.round(p * 100)}%`;

function cite(hits: readonly CueHit[], max = 3): string {
  return hits
    .slice(0, max)
    .map((h) => `"${h.phrase}"${h.inTitle ? ' in title' : ''}`)
    .join(', ');
}

/** Words too common or too opaque to explain a decision to a person. */
const UNCITABLE = new Set(
  (
    'a an the and or of to in on at for with by from as is are was were be been it its this that these those i ' +
    'me my we our you your he she they them there here not no yes so if but do does did have has had can could ' +
    'will would should just also when then than which what who numtoken vertoken hextoken pathtoken urltoken ' +
    'imagetoken ? !'
  ).split(' '),
);

/** Human wording for a feature name produced by the featurizer (`t:crash`, `f:issue_type=bug`, …). */
function describe(name: string): string | undefined {
  const colon = name.indexOf(':');
  // Word clusters (tk0, bk1…) are named after the ticket word that triggered them.
  const cluster = /^(tk|bk)\d+$/.exec(name.slice(0, colon))?.[1];
  const ns = cluster ?? name.slice(0, colon);
  const raw = name.slice(colon + 1);
  if (
    ['t', 't2', 'tstart', 'tstart2', 'b', 'b2', 'l', 'l2', 'h', 'c', 'tk', 'bk'].includes(ns) &&
    raw.split(' ').every((w) => UNCITABLE.has(w))
  ) {
    return ns === 't' && raw === '?' ? 'a question mark in the title' : undefined;
  }
  const value = raw.replace(/numtoken/g, '<n>').replace(/vertoken/g, '<version>');
  switch (ns) {
    case 't':
    case 't2':
      return `title "${value}"`;
    case 'tstart':
    case 'tstart2':
      return `title starts "${value}"`;
    case 'b':
    case 'b2':
    case 'l':
    case 'l2':
      return `"${value}"`;
    case 'tk':
      return `title "${value}" (and words like it)`;
    case 'bk':
      return `"${value}" (and words like it)`;
    case 'h':
      return `template "${value}"`;
    case 'f':
      return `field ${value}`;
    case 'c':
      return `template note "${value}"`;
    case 'x': {
      const intent = /^intent_(title|body|body_many):(\w+)$/.exec(value);
      if (intent)
        return `${INTENT_WORDS[intent[2] ?? ''] ?? intent[2]} wording in the ${intent[1] === 'title' ? 'title' : 'body'}`;
      if (value.startsWith('exc:')) return `mentions ${value.slice(4)}`;
      if (value.startsWith('url:')) return `a link to ${value.slice(9).replace(/_/g, '.')}`;
      return FLAG_WORDS[value];
    }
    default:
      return undefined;
  }
}

const INTENT_WORDS: Record<string, string> = {
  question: 'question',
  feature: 'request',
  bug: 'failure',
  incident: 'outage',
  security: 'security',
  task: 'chore or access',
  broad: 'wide-impact',
  severe: 'severe-impact',
  partial: 'partial-impact',
  ongoing: 'still-ongoing',
  minor: 'minor-impact',
};

const FLAG_WORDS: Record<string, string> = {
  http_5xx: 'HTTP 5xx errors',
  http_4xx: 'HTTP 4xx errors',
  http_429: 'HTTP 429 (rate limited)',
  deadline: 'a stated deadline',
  deadline_within_1d: 'a deadline within a day',
  deadline_within_3d: 'a deadline within 3 days',
  deadline_within_8d: 'a deadline within a week',
  deadline_within_31d: 'a deadline within a month',
  deadline_later: 'a deadline more than a month away',
  stack: 'a stack trace',
  stack_line: 'a stack frame',
  code_long: 'a long code block',
  code_short: 'a code block',
  log: 'log output',
  image: 'a screenshot',
  title_question: 'a question mark in the title',
  body_question: 'a question in the body',
  checkbox: 'a template checklist',
  checkbox_ticked: 'a ticked checklist',
};
