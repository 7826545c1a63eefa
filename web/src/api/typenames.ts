import type { OperationContext } from 'urql';

/**
 * Query contexts that name the types a list holds, so that urql's document cache refetches the list after a
 * mutation returns that type even while the list is empty. Module constants: urql re-runs a query whose
 * context object changes, so an inline object would refetch on every render.
 */
const listOf = (typename: string): Partial<OperationContext> => ({ additionalTypenames: [typename] });

export const LISTS = {
  logEntries: listOf('LogEntry'),
  tickets: listOf('Ticket'),
  changes: listOf('Change'),
  changelogs: listOf('Changelog'),
  featureFlags: listOf('FeatureFlag'),
  deadLetters: listOf('DeadLetter'),
} as const;
