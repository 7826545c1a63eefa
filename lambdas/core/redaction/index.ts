export {
  emptyRedactionCounts,
  REDACTION_KINDS,
  REDACTION_PLACEHOLDERS,
  type RedactionCounts,
  type RedactionKind,
  Redactor,
  redactText,
  totalRedactions,
} from './redact.ts';
