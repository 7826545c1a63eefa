/**
 * Ticket triage: the learned category model plus the rule layers (INCIDENT/TASK, priority, area labels),
 * input validation, category restriction, abstention and the rationale.
 */
import { ValidationError } from '../errors.ts';
import { validateTicketInput } from './input.ts';
import { loadModel, type ModelScores, scoreTicket, type TicketModel } from './model.ts';
import {
  type CueHit,
  decidePriority,
  detectAreas,
  evidence,
  INCIDENT_CUES,
  matchCues,
  type Priority,
  round,
  saturate,
  TASK_CUES,
} from './rules.ts';
import { parseTicket } from './text.ts';

export const NEEDS_REVIEW = 'NEEDS_REVIEW';
/** Below this category confidence the classifier abstains unless the caller sets another threshold. */
export const DEFAULT_REVIEW_THRESHOLD = 0.5;
/** Cue weight at which a rule category gets about half of its maximum share (see rules.ts). */
const RULE_SCALE = 4;

export interface TicketInput {
  title: string;
  body: string;
  /** Project or repository the ticket belongs to; improves accuracy when the model was trained with it. */
  project?: string | undefined;
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
}

export interface Ranked<T extends string = string> {
  name: T;
  confidence: number;
}

export interface TriageResult {
  /** The chosen category, or `NEEDS_REVIEW` when confidence is below the review threshold. */
  category: string;
  /** The best category even when abstaining, so a reviewer sees the suggestion. */
  predictedCategory: string;
  priority: Priority;
  labels: string[];
  confidence: { category: number; priority: number; labels: Record<string, number> };
  alternatives: { category: Ranked[]; priority: Ranked<Priority>[] };
  /** Where each field came from: the learned model or the documented rules. */
  sources: { category: 'model' | 'rules'; priority: 'rules'; labels: 'rules' };
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
  /** Every category this classifier can answer: learned ones first, then rule-based ones. */
  readonly categories: readonly string[];

  constructor(model: TicketModel) {
    this.model = model;
    this.categories = [...model.categories, ...model.ruleCategories];
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
    const { title, body, project } = validateTicketInput(input);
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
    const topN = Math.max(0, Math.min(options.alternatives ?? 2, 10));

    const doc = parseTicket(title, body);
    const scored = scoreTicket(this.model, doc, project);
    const model = this.model;

    // Learned probabilities, then rule categories take their share of the mass (see docs/triage.md).
    const dist = new Map<string, number>();
    model.categories.forEach((c, k) => {
      dist.set(c, scored.probabilities[k] ?? 0);
    });
    const matches = matchCues(doc.title, doc.body);
    const ruleHits = new Map<string, CueHit[]>();
    let ruleMass = 0;
    const ruleShares = new Map<string, number>();
    for (const rc of model.ruleCategories) {
      const table = rc === 'INCIDENT' ? INCIDENT_CUES : rc === 'TASK' ? TASK_CUES : undefined;
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
    const mass = candidates.reduce((s, [, p]) => s + p, 0);
    const ranked = candidates
      .map(([c, p]) => ({ canonical: c, confidence: mass > 0 ? p / mass : 1 / candidates.length }))
      .sort((a, b) => b.confidence - a.confidence || a.canonical.localeCompare(b.canonical));
    const best = ranked[0];
    if (best === undefined) throw new ValidationError('categories', 'no category left to choose from');
    const display = (c: string) => allowed?.names.get(c) ?? c;
    const predictedCategory = display(best.canonical);
    const categoryConfidence = round(best.confidence);
    const abstain = categoryConfidence < threshold;
    const categorySource: 'model' | 'rules' = model.categories.includes(best.canonical) ? 'model' : 'rules';

    const priority = decidePriority(best.canonical, matches);
    const areas = detectAreas(matches);

    const runnerUp = ranked[1];
    const why =
      categorySource === 'model'
        ? modelReasons(model, scored, best.canonical, runnerUp?.canonical)
        : cite(ruleHits.get(best.canonical) ?? []);
    const rationale = [
      `${abstain ? `${NEEDS_REVIEW}: best guess ` : ''}${predictedCategory} ${pct(best.confidence)} (${categorySource})` +
        (why ? ` from ${why}` : '') +
        (runnerUp ? `; next ${display(runnerUp.canonical)} ${pct(runnerUp.confidence)}` : ''),
      `${priority.priority} (rules${priority.hits.length > 0 ? `: ${cite(priority.hits)}` : `: default for ${predictedCategory}`})`,
      areas.length > 0
        ? `labels ${areas.map((a) => `${a.label} (${cite(a.hits, 2)})`).join(', ')}`
        : 'no area label matched',
    ].join('. ');

    return {
      category: abstain ? NEEDS_REVIEW : predictedCategory,
      predictedCategory,
      priority: priority.priority,
      labels: areas.map((a) => a.label),
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
      sources: { category: categorySource, priority: 'rules', labels: 'rules' },
      rationale: `${rationale}.`,
      modelVersion: model.version,
    };
  }
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

const INTENT_WORDS: Record<string, string> = { question: 'question', feature: 'request', bug: 'failure' };

const FLAG_WORDS: Record<string, string> = {
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

function modelReasons(
  model: TicketModel,
  scored: ModelScores,
  best: string,
  runnerUp: string | undefined,
): string {
  const k = model.categories.indexOf(best);
  const r = runnerUp === undefined ? -1 : model.categories.indexOf(runnerUp);
  const reasons: string[] = [];
  for (const { name } of scored.explain(k, model.categories.includes(runnerUp ?? '') ? r : -1, 16)) {
    const text = describe(name);
    if (text !== undefined && !reasons.includes(text)) reasons.push(text);
    if (reasons.length === 4) break;
  }
  return reasons.join(', ');
}
