/**
 * The one triage decision: a classifier plus the settings a deployment chose (which categories it may answer,
 * below which confidence it asks a person instead). The triage worker and `ai-ops tickets classify` both
 * build a `TriagePolicy` and call `decide`, so the same ticket with the same settings gets the same answer
 * everywhere, NEEDS_REVIEW included.
 */
import {
  checkedThreshold,
  type ExtraPrediction,
  type ResolvedCategories,
  type TicketClassifier,
  type TicketInput,
  type TriageResult,
} from './classifier.ts';
import type { Priority } from './rules.ts';

export interface TriageSettings {
  /** Categories the answer is chosen among, any spelling the model recognises (default: all it knows). */
  categories?: readonly string[] | undefined;
  /** Abstain with NEEDS_REVIEW below this category confidence (default 0.4); 0 never abstains. */
  reviewThreshold?: number | undefined;
  /**
   * Leave an extra output (the team) unset below this confidence (default 0.4, as for the category); 0 always
   * fills it. Without it a 30 % team guess was routed like a 95 % one.
   */
  extraReviewThreshold?: number | undefined;
}

/** What each setting is called where it came from, so a bad value is reported under that name. */
export interface SettingNames {
  categories: string;
  reviewThreshold: string;
  extraReviewThreshold: string;
}

/** The stored answer: what the worker writes and the CLI prints. Categories are canonical (`BUG`). */
export interface TriageDecision {
  category: string;
  priority: Priority;
  labels: string[];
  confidence: number;
  rationale: string;
  classifierVersion: string;
  /**
   * Confident answers of the model's extra outputs by name (`{ team: 'sre' }`): an output whose answer needs
   * review is left out (its guess stays in `details.extra`). Empty for the default model.
   */
  extra: Record<string, string>;
  details: {
    predictedCategory: string;
    confidence: TriageResult['confidence'];
    alternatives: TriageResult['alternatives'];
    sources: TriageResult['sources'];
    deadline?: TriageResult['deadline'];
    extra: Record<string, ExtraPrediction>;
  };
}

export class TriagePolicy {
  /** Canonical names of the categories this policy may answer. */
  readonly categories: readonly string[];
  /** The same restriction answering canonical names: stored answers never depend on how settings spell them. */
  private readonly canonical: ResolvedCategories | undefined;

  constructor(
    readonly classifier: TicketClassifier,
    readonly reviewThreshold: number,
    readonly extraReviewThreshold: number,
    /** The category restriction, mapping canonical names to how the settings spelled them. */
    readonly allowed: ResolvedCategories | undefined,
  ) {
    this.categories = allowed === undefined ? classifier.categories : [...allowed.names.keys()];
    this.canonical =
      allowed === undefined
        ? undefined
        : { resolved: true, names: new Map(this.categories.map((c) => [c, c])) };
  }

  /** Triage one ticket. Bad input is a `ValidationError` naming the field (title, body, createdAt…). */
  decide(ticket: TicketInput, now?: Date): TriageDecision {
    const result = this.classifier.classify(ticket, {
      reviewThreshold: this.reviewThreshold,
      extraReviewThreshold: this.extraReviewThreshold,
      ...(this.canonical === undefined ? {} : { categories: this.canonical }),
      ...(now === undefined ? {} : { now }),
    });
    return {
      category: result.category,
      priority: result.priority,
      labels: result.labels,
      confidence: result.confidence.category,
      rationale: result.rationale,
      classifierVersion: result.modelVersion,
      extra: Object.fromEntries(
        Object.entries(result.extra)
          .filter(([, p]) => !p.needsReview)
          .map(([name, p]) => [name, p.value]),
      ),
      details: {
        predictedCategory: result.predictedCategory,
        confidence: result.confidence,
        alternatives: result.alternatives,
        sources: result.sources,
        ...(result.deadline === undefined ? {} : { deadline: result.deadline }),
        extra: result.extra,
      },
    };
  }
}

/**
 * Checks the settings against the classifier once (at cold start, or when the CLI starts); a bad value is a
 * `ValidationError` under the name the caller uses for it (`TRIAGE_CATEGORIES`, `--labels`…).
 */
export function createTriagePolicy(
  classifier: TicketClassifier,
  settings: TriageSettings = {},
  names: SettingNames = {
    categories: 'categories',
    reviewThreshold: 'reviewThreshold',
    extraReviewThreshold: 'extraReviewThreshold',
  },
): TriagePolicy {
  const threshold = checkedThreshold(settings.reviewThreshold, names.reviewThreshold);
  const extraThreshold = checkedThreshold(settings.extraReviewThreshold, names.extraReviewThreshold);
  const allowed =
    settings.categories === undefined
      ? undefined
      : classifier.resolveCategories(settings.categories, names.categories);
  return new TriagePolicy(classifier, threshold, extraThreshold, allowed);
}
