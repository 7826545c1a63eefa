/** Public surface of ticket triage: what the triage worker, the CLI and the scripts use. */
import { fileURLToPath } from 'node:url';

export { encodeBinaryModel } from './binary.ts';
export {
  type ClassifyOptions,
  createTicketClassifier,
  DEFAULT_CATEGORIES,
  DEFAULT_REVIEW_THRESHOLD,
  type ExtraPrediction,
  NEEDS_REVIEW,
  PRIORITY_OUTPUT,
  type Ranked,
  type ResolvedCategories,
  TicketClassifier,
  type TicketInput,
  type TriageResult,
} from './classifier.ts';
export {
  type BadRecord,
  type ChosenColumns,
  CORRECTIONS_CSV_COLUMNS,
  CREATED_COLUMN_NAMES,
  LABEL_COLUMN_NAMES,
  PROJECT_COLUMN_NAMES,
  readTicketCsv,
  type TicketCsvOptions,
  type TicketCsvRow,
} from './csv.ts';
export type { Deadline } from './dates.ts';
export {
  createTriagePolicy,
  type SettingNames,
  type TriageDecision,
  TriagePolicy,
  type TriageSettings,
} from './decision.ts';
export { parseCreatedAt, redactTicket, TICKET_LIMITS, validateTicketInput } from './input.ts';
export { decodeModel, loadModel, type TicketModel, type TicketModelJson } from './model.ts';
export { PRIORITIES, type Priority, RULE_CATEGORIES } from './rules.ts';
export {
  decodeFingerprint,
  encodeFingerprint,
  type FingerprintJson,
  SimilarityIndex,
  type SimilarTicket,
  similarity,
  type TicketFingerprint,
  ticketFingerprint,
} from './similarity.ts';
export {
  canonicalLabel,
  DEFAULT_TRAINING_OPTIONS,
  type LabelledTicket,
  type TicketTrainingOptions,
  trainTicketModel,
} from './train.ts';
export {
  DEFAULT_WORD_CLUSTERS_PATH,
  readWordClusters,
  WordClusters,
  type WordClustersJson,
} from './word-clusters.ts';

/** The committed default model, binary (trained by `npm run train:tickets`; see docs/triage.md). */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('./default.model.bin', import.meta.url));
