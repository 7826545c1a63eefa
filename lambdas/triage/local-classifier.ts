import { ValidationError } from '../core/errors.ts';
import type { ClassifyTicket, FingerprintTicket } from '../core/jobs/kinds/triage-ticket/run.ts';
import {
  createTicketClassifier,
  createTriagePolicy,
  DEFAULT_MODEL_PATH,
  type TicketClassifier,
  type TriagePolicy,
  ticketFingerprint,
} from '../core/tickets/index.ts';
import { ConfigError, type TicketTriageConfig } from '../shared/config.ts';

export interface TicketTriageSetup {
  classifier: TicketClassifier;
  /** The one decision procedure (core/tickets), with the deployment's categories and review thresholds. */
  policy: TriagePolicy;
  /** The worker's classify port: `policy.decide` on the stored ticket. */
  classify: ClassifyTicket;
  /** The worker's fingerprint port, sharpened by the served model's word statistics. */
  fingerprint: FingerprintTicket;
  /** Canonical names of the categories the worker may answer (what a model refining the triage may choose). */
  categories: readonly string[];
}

const SETTING_NAMES = {
  categories: 'TRIAGE_CATEGORIES',
  reviewThreshold: 'TRIAGE_REVIEW_THRESHOLD',
  extraReviewThreshold: 'TRIAGE_EXTRA_REVIEW_THRESHOLD',
};

function failAs<T>(variable: string | null, build: () => T): T {
  try {
    return build();
  } catch (error: unknown) {
    if (!(error instanceof ValidationError)) throw error;
    const name = variable ?? error.field;
    throw new ConfigError(`Invalid ticket triage configuration: ${name}: ${error.problem}`);
  }
}

/** The shipped model, or a team's retrained one (TICKET_MODEL_PATH); an unreadable file is a ConfigError. */
export function loadTicketClassifier(modelPath: string | undefined): TicketClassifier {
  return failAs('TICKET_MODEL_PATH', () => createTicketClassifier(modelPath ?? DEFAULT_MODEL_PATH));
}

/**
 * The classifier and the worker's settings (TRIAGE_CATEGORIES, TRIAGE_REVIEW_THRESHOLD,
 * TRIAGE_EXTRA_REVIEW_THRESHOLD), set up once per container. It is the policy `ai-ops tickets classify` builds
 * from `--labels`, `--review-below` and `--extra-review-below`, so the
 * worker and the CLI answer the same ticket alike. A bad setting fails the cold start naming the variable.
 */
export function ticketTriageSetup(config: TicketTriageConfig): TicketTriageSetup {
  const classifier = loadTicketClassifier(config.TICKET_MODEL_PATH);
  const policy = failAs(null, () =>
    createTriagePolicy(
      classifier,
      {
        categories: config.TRIAGE_CATEGORIES,
        reviewThreshold: config.TRIAGE_REVIEW_THRESHOLD,
        extraReviewThreshold: config.TRIAGE_EXTRA_REVIEW_THRESHOLD,
      },
      SETTING_NAMES,
    ),
  );
  return {
    classifier,
    policy,
    classify: (ticket) => policy.decide(ticket),
    fingerprint: (ticket) => storedFingerprint(ticketFingerprint(ticket, classifier.model)),
    categories: policy.categories,
  };
}

/** Term hashes as signed 32-bit integers (Postgres `integer[]`), weights as plain numbers. */
function storedFingerprint(fingerprint: { terms: Uint32Array; weights: Float32Array }) {
  return {
    terms: Array.from(
      new Int32Array(fingerprint.terms.buffer, fingerprint.terms.byteOffset, fingerprint.terms.length),
    ),
    weights: Array.from(fingerprint.weights),
  };
}
