/**
 * Ticket triage: the learned category model and its label heads (priority, team…), the rule layers
 * (categories a model lacks, the priority's impact and urgency rules, area labels), input validation,
 * category restriction, abstention and the rationale.
 */
import { ValidationError } from '../errors.ts';
import { type Cue, type CueHit, type CueMatches, evidence, matchCues } from './cues.ts';
import type { Deadline } from './dates.ts';
import { validateTicketInput } from './input.ts';
import { loadModel, type ModelScores, type Output, scoreTicket, type TicketModel } from './model.ts';
import {
  escalatedLimits,
  othersClicked,
  outageOver,
  siteScope,
  soleScope,
  statedBreadth,
  workaroundInUse,
} from './p1.ts';
import { writeRationale } from './rationale.ts';
import {
  decidePriority,
  detectAreas,
  INCIDENT_CUES,
  PRIORITIES,
  type Priority,
  round,
  SECURITY_CUES,
  saturate,
  TASK_CUES,
} from './rules.ts';
import { parseTicket, saysNothing } from './text.ts';

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
  /**
   * Mark an extra output's answer (a team) `needsReview` when its confidence is below this; 0 never abstains.
   * Default: the category's default, DEFAULT_REVIEW_THRESHOLD.
   */
  extraReviewThreshold?: number;
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
  /** The best class, kept when abstaining so a reviewer sees the suggestion. */
  value: string;
  confidence: number;
  alternatives: Ranked[];
  /**
   * The confidence is below the extra review threshold (or the ticket gives the model nothing to read): the
   * decision leaves this output unset for a person to fill, as NEEDS_REVIEW does for the category.
   */
  needsReview: boolean;
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
    const { threshold, extraThreshold, allowed, topN } = this.settings(options);

    // A ticket without a creation time is being created now: its dates are read from today.
    const doc = parseTicket(title, body, createdAt ?? options.now ?? new Date());
    const scored = scoreTicket(this.model, doc, project);
    const matches = matchCues(doc.title, doc.body);
    // The raw-text readers run at most once, and only when a decision asks for them.
    const soleWords = once(() => soleScope(title, body));
    const siteWords = once(() => siteScope(title, body));
    const overWords = once(() => outageOver(title, body));
    const categories = this.rankCategories(scored, matches, allowed);
    const { ranked, notIncident } = withoutSoleIncident(categories.ranked, soleWords);
    const { ruleHits } = categories;
    const best = ranked[0];
    if (best === undefined) throw new ValidationError('categories', 'no category left to choose from');
    const display = (c: string) => allowed?.names.get(c) ?? c;
    const predictedCategory = display(best.canonical);
    const categoryConfidence = round(best.confidence);
    // With no title or body word the model knows ("asdf", "."), or none that says what is wrong or wanted
    // ("please fix"), its answer is only its prior: a person decides.
    const nothingToRead =
      scored.knownWords === 0 ? 'unknownWords' : saysNothing(doc) ? 'fillerWords' : undefined;
    const abstain = categoryConfidence < threshold || (threshold > 0 && nothingToRead !== undefined);
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
      p1Context: {
        stated: once(() => statedBreadth(title, body)),
        escalated: once(() => escalatedLimits(title, body)),
        sole: soleWords,
        site: siteWords,
        over: overWords,
        workaround: once(() => workaroundInUse(title, body)),
        clicked: once(() => othersClicked(title, body)),
        severeAnswerable: SEVERE.some(
          (c) => this.categories.includes(c) && (allowed === undefined || allowed.names.has(c)),
        ),
      },
    });
    const areas = detectAreas(matches);
    // A ticket with nothing to read routes nowhere either: its team would be the prior's too.
    const extra = this.extraPredictions(scored, topN, extraThreshold, nothingToRead !== undefined);

    const runnerUp = ranked[1];
    const rationale = writeRationale({
      model: this.model,
      scored,
      category: {
        canonical: best.canonical,
        display: predictedCategory,
        confidence: best.confidence,
        source: categorySource,
      },
      runnerUp: runnerUp && { ...runnerUp, display: display(runnerUp.canonical) },
      abstain,
      nothingToRead,
      notIncident,
      ruleHits: ruleHits.get(best.canonical) ?? [],
      priority,
      deadline: doc.deadline,
      areas,
      extra,
      text: { title, body },
    });

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
      rationale,
      modelVersion: this.model.version,
    };
  }

  /** The classify options checked: the review thresholds, the allowed categories, how many alternatives. */
  private settings(options: ClassifyOptions) {
    const threshold = checkedThreshold(options.reviewThreshold, 'reviewThreshold');
    const extraThreshold = checkedThreshold(options.extraReviewThreshold, 'extraReviewThreshold');
    const allowed =
      options.categories === undefined
        ? undefined
        : 'resolved' in options.categories
          ? options.categories
          : this.resolveCategories(options.categories);
    return {
      threshold,
      extraThreshold,
      allowed,
      topN: Math.max(0, Math.min(options.alternatives ?? 2, 10)),
    };
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
    const ruleHits = new Map<string, readonly CueHit[]>();
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

    const candidates = [...dist.entries()].map(([canonical, confidence]) => ({ canonical, confidence }));
    const ranked = renormalised(
      allowed === undefined ? candidates : candidates.filter((c) => allowed.names.has(c.canonical)),
    );
    return { ranked, ruleHits };
  }

  /** The best class of every extra output (team, queue…) with its confidence and runners-up. */
  private extraPredictions(
    scored: ModelScores,
    topN: number,
    threshold: number,
    nothingToRead: boolean,
  ): Record<string, ExtraPrediction> {
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
        out[name] = {
          value: top.name,
          confidence: top.confidence,
          alternatives: rest.slice(0, topN),
          needsReview: top.confidence < threshold || (threshold > 0 && nothingToRead),
        };
    }
    return out;
  }
}

/** A review threshold as given, or the default: a ValidationError naming `field` unless it is from 0 to 1. */
export function checkedThreshold(value: number | undefined, field: string): number {
  const threshold = value ?? DEFAULT_REVIEW_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new ValidationError(field, 'must be a number from 0 to 1');
  }
  return threshold;
}

/** `read` run on the first call only; later calls return its first answer. */
function once<T>(read: () => T): () => T {
  let done: { value: T } | undefined;
  return () => {
    done ??= { value: read() };
    return done.value;
  };
}

/** The categories the P1 rules are about: an outage, an exposure. */
const SEVERE = ['INCIDENT', 'SECURITY'];

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

export function createTicketClassifier(source: string | object | TicketModel): TicketClassifier {
  if (typeof source === 'object' && 'slots' in source) return new TicketClassifier(source);
  return new TicketClassifier(loadModel(source));
}

interface RankedCategory {
  canonical: string;
  confidence: number;
}

/**
 * One person's problem is no incident (the rubric's tie-break: a BUG, TASK or QUESTION): when INCIDENT comes
 * first and the writer says the trouble is theirs alone (`soleScope`), the category is chosen among the
 * others but SECURITY, renormalised, so an unsure choice goes to review. SECURITY is left out because the
 * model falls back to it on lockouts ("cannot log in … invalid password"); a real report of someone in the
 * writer's account ranks SECURITY first and never comes here. In the labelled tickets such words never come
 * with a true INCIDENT.
 */
function withoutSoleIncident(
  ranked: RankedCategory[],
  sole: () => string | undefined,
): { ranked: RankedCategory[]; notIncident?: string } {
  if (ranked[0]?.canonical !== 'INCIDENT') return { ranked };
  const rest = ranked.filter((r) => r.canonical !== 'INCIDENT' && r.canonical !== 'SECURITY');
  if (rest.length === 0) return { ranked };
  const words = sole();
  return words === undefined ? { ranked } : { ranked: renormalised(rest), notIncident: words };
}

/** The categories' shares of their own mass (even shares when it is zero), best first. */
function renormalised(categories: readonly RankedCategory[]): RankedCategory[] {
  const mass = categories.reduce((sum, c) => sum + c.confidence, 0);
  return categories
    .map((c) => ({ ...c, confidence: mass > 0 ? c.confidence / mass : 1 / categories.length }))
    .sort((a, b) => b.confidence - a.confidence || a.canonical.localeCompare(b.canonical));
}
