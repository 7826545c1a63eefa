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
  redactText,
  totalRedactions,
} from './redact.ts';
