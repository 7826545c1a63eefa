/**
 * Where a paged engineer reads what an alarm means and what to do: a section of docs/operations.md ("Alarm
 * runbook"), linked from the end of every alarm's description, which the SNS e-mail and the console show.
 * test/infra/stack.test.ts checks that each link names a heading of that file.
 */
export const RUNBOOK_FILE = 'docs/operations.md';

/** The runbook sections, by their heading's anchor (GitHub's: lower case, spaces as `-`, punctuation dropped). */
export const RUNBOOK = {
  deadLetters: 'deadletters',
  oldestMessage: 'oldestmessage',
  failureRate: 'failurerate',
  api5xxRate: 'api5xxrate',
  apiP99Latency: 'apip99latency',
  internalErrors: 'internalerrors',
  functionErrors: 'authorizer-errors-resolver-errors',
  serviceUnavailable: 'serviceunavailable',
  reconcilerFailing: 'reconciler-failing',
  throttles: 'throttles',
  database: 'databasecpu-databaseconnections',
  canaryErrors: 'canaryerrors',
  metricsDown: 'metricsdown-local-only',
} as const;

export type RunbookSection = (typeof RUNBOOK)[keyof typeof RUNBOOK];

/** Where a section of the runbook is, as an alarm description and a Prometheus rule's `runbook_url` name it. */
export const runbookUrl = (section: RunbookSection): string => `${RUNBOOK_FILE}#${section}`;

/** An alarm description that ends with where to read what to do. */
export function withRunbook(description: string, section: RunbookSection): string {
  return `${description}. Runbook: ${runbookUrl(section)}`;
}
