export { REDACTION_KIND_NAMES, redactionKindName } from './kind-names.ts';
export {
  emptyRedactionCounts,
  NETWORK_REDACTIONS,
  type NetworkRedaction,
  Pseudonyms,
  REDACTION_KINDS,
  REDACTION_PLACEHOLDERS,
  type RedactionCounts,
  type RedactionKind,
  Redactor,
  type RedactorOptions,
  redactPersonNames,
  redactText,
  totalRedactions,
} from './redact.ts';
