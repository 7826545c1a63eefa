import { ValidationError } from '../core/errors.ts';
import type { ClassifyTicket } from '../core/jobs/kinds/triage-ticket/run.ts';
import {
  createTicketClassifier,
  DEFAULT_MODEL_PATH,
  type ResolvedCategories,
  type TicketClassifier,
} from '../core/tickets/index.ts';
import { ConfigError, type TicketTriageConfig } from '../shared/config.ts';

export interface TicketTriageSetup {
  classifier: TicketClassifier;
  /** The worker's classify port: the configured category set and review threshold applied. */
  classify: ClassifyTicket;
  /** Canonical names of the categories the worker may answer (what a model refining the triage may choose). */
  categories: readonly string[];
}

function failAs<T>(variable: string, build: () => T): T {
  try {
    return build();
  } catch (error: unknown) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigError(`Invalid ticket triage configuration: ${variable}: ${error.problem}`);
  }
}

/** The shipped model, or a team's retrained one (TICKET_MODEL_PATH); an unreadable file is a ConfigError. */
export function loadTicketClassifier(modelPath: string | undefined): TicketClassifier {
  return failAs('TICKET_MODEL_PATH', () => createTicketClassifier(modelPath ?? DEFAULT_MODEL_PATH));
}

/**
 * The classifier and the worker's settings (TRIAGE_CATEGORIES, TRIAGE_REVIEW_THRESHOLD), set up once per
 * container. A bad setting fails the cold start naming the variable.
 */
export function ticketTriageSetup(config: TicketTriageConfig): TicketTriageSetup {
  const classifier = loadTicketClassifier(config.TICKET_MODEL_PATH);
  const wanted = config.TRIAGE_CATEGORIES;
  // Resolved twice: the second time by canonical name, so answers are stored as BUG, not as the variable spells them.
  const allowed =
    wanted === undefined
      ? undefined
      : classifier.resolveCategories([
          ...failAs('TRIAGE_CATEGORIES', () => classifier.resolveCategories(wanted)).names.keys(),
        ]);
  return {
    classifier,
    classify: localClassify(classifier, {
      categories: allowed,
      reviewThreshold: config.TRIAGE_REVIEW_THRESHOLD,
    }),
    categories: allowed === undefined ? classifier.categories : [...allowed.names.keys()],
  };
}

export function localClassify(
  classifier: TicketClassifier,
  options: { categories?: ResolvedCategories | undefined; reviewThreshold?: number | undefined } = {},
): ClassifyTicket {
  return ({ title, body, project }) => {
    const result = classifier.classify(
      { title, body, project: project ?? undefined },
      {
        ...(options.categories === undefined ? {} : { categories: options.categories }),
        ...(options.reviewThreshold === undefined ? {} : { reviewThreshold: options.reviewThreshold }),
      },
    );
    return {
      category: result.category,
      priority: result.priority,
      labels: result.labels,
      confidence: result.confidence.category,
      rationale: result.rationale,
      classifierVersion: result.modelVersion,
      details: {
        predictedCategory: result.predictedCategory,
        confidence: result.confidence,
        alternatives: result.alternatives,
        sources: result.sources,
      },
    };
  };
}
