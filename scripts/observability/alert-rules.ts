/**
 * The Prometheus alert rules, mirroring the CloudWatch alarms of lib/observability.ts: the same thresholds
 * (ALARM_THRESHOLDS) over the same metric definitions, in their Prometheus names. Written to
 * observability/prometheus/alerts.yml by `npm run observability`; CI checks them with `promtool`.
 */
import {
  ALARM_THRESHOLDS,
  API_METRICS,
  METRICS,
  type MetricDefinition,
  prometheusMetric,
  SAMPLED_METRICS,
} from '../../lambdas/core/metrics.ts';
import { RUNBOOK, runbookUrl } from '../../lib/runbook.ts';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'page' | 'ticket' };
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}

/** The Prometheus name of a defined metric. */
export const promName = (definition: MetricDefinition): string => prometheusMetric(definition).name;

/** Error types that are the server's fault: what AppSync would count as 5xx. */
export const SERVER_ERROR_TYPES = ['InternalError', 'ServiceUnavailable'] as const;

/** The local database's default max_connections is 100; warn well before it. */
export const LOCAL_DATABASE_CONNECTIONS_THRESHOLD = 80;

const T = ALARM_THRESHOLDS;

/**
 * `condition` (a comparison over `increase(…[5m])`) held in at least `count` of the last `periods` five-minute
 * steps: a CloudWatch alarm's "M of N" periods. Subquery steps are aligned to multiples of five minutes, as
 * CloudWatch's periods are, so each step sees one period's increase and the rule fires when the alarm does.
 */
export function inFiveMinutePeriods(condition: string, count: number, periods: number): string {
  // One minute short of the periods: ranges were closed at the start before Prometheus 3, and a step exactly
  // `periods * 5` minutes back would count as one period more.
  return `count_over_time((${condition})[${periods * 5 - 1}m:5m]) >= ${count}`;
}

/** Finished jobs of each kind in the last five minutes (the CloudWatch alarm's period). */
function finishedJobs(): { failed: string; finished: string } {
  const failed = `sum by (kind) (increase(${promName(METRICS.jobsFailed)}[5m]))`;
  const succeeded = `sum by (kind) (increase(${promName(METRICS.jobsSucceeded)}[5m]))`;
  return { failed, finished: `(${succeeded} + ${failed})` };
}

function queueRules(): AlertRule[] {
  const { failed, finished } = finishedJobs();
  return [
    {
      alert: 'AiOpsDeadLetters',
      expr: `max by (kind) (${promName(SAMPLED_METRICS.deadLetterMessages)}) >= 1`,
      for: '1m',
      labels: { severity: 'ticket' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.deadLetters),
        summary: 'Messages of {{ $labels.kind }} exhausted their retries',
        description:
          '{{ $value }} dead letters of {{ $labels.kind }}: read their reasons with deadLetters, fix the cause, then redriveDeadLetters (or purgeDeadLetters).',
      },
    },
    {
      alert: 'AiOpsOldestMessage',
      expr: `max by (kind) (${promName(SAMPLED_METRICS.queueOldestMessageAge)}) >= ${T.oldestMessageSeconds}`,
      for: '10m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.oldestMessage),
        summary: `A {{ $labels.kind }} job has waited more than ${T.oldestMessageSeconds / 60} minutes`,
        description:
          'The oldest {{ $labels.kind }} message is {{ $value | humanizeDuration }} old: are the workers running?',
      },
    },
    {
      alert: 'AiOpsWorkerFailureRate',
      expr: inFiveMinutePeriods(
        `100 * ${failed} / ${finished} >= ${T.workerFailurePercent}`,
        T.workerFailurePeriods,
        T.workerFailureWindowPeriods,
      ),
      for: '0m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.failureRate),
        summary: `${T.workerFailurePercent}% or more of {{ $labels.kind }} jobs failed for good`,
        description: `${T.workerFailurePercent}% or more of the finished {{ $labels.kind }} jobs FAILED in {{ $value }} of the last ${T.workerFailureWindowPeriods} five-minute periods.`,
      },
    },
  ];
}

function apiRules(): AlertRule[] {
  const requests = promName(API_METRICS.apiRequests);
  const serverErrors = `${requests}{error_type=~"${SERVER_ERROR_TYPES.join('|')}"}`;
  const latency = `${promName(API_METRICS.apiLatency)}_bucket`;
  return [
    {
      alert: 'AiOpsApi5xxRate',
      expr: inFiveMinutePeriods(
        `100 * sum(increase(${serverErrors}[5m])) / sum(increase(${requests}[5m])) >= ${T.api5xxPercent}`,
        T.api5xxPeriods,
        T.api5xxPeriods,
      ),
      for: '0m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.api5xxRate),
        summary: `${T.api5xxPercent}% or more of API requests failed with a server error`,
        description: `${T.api5xxPercent}% or more of the root fields answered InternalError or ServiceUnavailable in each of the last ${T.api5xxPeriods} five-minute periods.`,
      },
    },
    {
      alert: 'AiOpsInternalErrors',
      for: '0m',
      expr: `sum(increase(${promName(METRICS.internalErrors)}[1m])) >= ${T.internalErrorsPerMinute}`,
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.internalErrors),
        summary: `${T.internalErrorsPerMinute} or more InternalError answers in a minute`,
        description:
          '{{ $value | humanize }} API answers were InternalError in the last minute: see the logs.',
      },
    },
    {
      alert: 'AiOpsApiP99Latency',
      expr: `histogram_quantile(0.99, sum by (le) (rate(${latency}[5m]))) >= ${T.apiP99LatencyMs / 1000}`,
      for: '15m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.apiP99Latency),
        summary: `API p99 latency above ${T.apiP99LatencyMs} ms`,
        description: 'p99 of the root fields is {{ $value | humanizeDuration }}.',
      },
    },
  ];
}

function databaseRules(): AlertRule[] {
  return [
    {
      alert: 'AiOpsDatabaseDown',
      expr: `${promName(SAMPLED_METRICS.databaseUp)} == 0`,
      for: '1m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.serviceUnavailable),
        summary: 'The database does not answer',
        description: 'The local runtime could not reach its database at the last scrapes.',
      },
    },
    {
      alert: 'AiOpsDatabaseConnections',
      expr: `${promName(SAMPLED_METRICS.databaseConnections)} >= ${LOCAL_DATABASE_CONNECTIONS_THRESHOLD}`,
      for: '15m',
      labels: { severity: 'ticket' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.database),
        summary: `Database connections above ${LOCAL_DATABASE_CONNECTIONS_THRESHOLD}`,
        description: '{{ $value }} connections to the application database.',
      },
    },
  ];
}

/** The scrape itself: without it every other rule is silent. */
function scrapeRules(): AlertRule[] {
  return [
    {
      alert: 'AiOpsMetricsDown',
      expr: 'up{job="ai-ops"} == 0',
      for: '2m',
      labels: { severity: 'page' },
      annotations: {
        runbook_url: runbookUrl(RUNBOOK.metricsDown),
        summary: 'Prometheus cannot scrape the AI Ops runtime',
        description: '{{ $labels.instance }} has not answered /metrics for 2 minutes.',
      },
    },
  ];
}

export function alertRules(): RuleFile {
  return {
    groups: [
      { name: 'ai-ops-queues', rules: queueRules() },
      { name: 'ai-ops-api', rules: apiRules() },
      { name: 'ai-ops-database', rules: [...databaseRules(), ...scrapeRules()] },
    ],
  };
}

const HEADER = `# Generated by \`npm run observability\` (scripts/observability.ts) from lambdas/core/metrics.ts: do not edit.
# The CloudWatch alarms of lib/observability.ts, in Prometheus terms, with the same thresholds. Lambda throttles
# and database CPU have no local counterpart; the database and scrape rules stand in for them.
`;

/** YAML with every string double-quoted (JSON strings are valid YAML), so PromQL needs no escaping rules. */
export function ruleFileYaml(file: RuleFile): string {
  const q = (text: string) => JSON.stringify(text);
  const lines = [HEADER.trimEnd(), 'groups:'];
  for (const group of file.groups) {
    lines.push(`  - name: ${q(group.name)}`, '    rules:');
    for (const rule of group.rules) {
      lines.push(
        `      - alert: ${q(rule.alert)}`,
        `        expr: ${q(rule.expr)}`,
        `        for: ${q(rule.for)}`,
        '        labels:',
        `          severity: ${q(rule.labels.severity)}`,
        '        annotations:',
        `          summary: ${q(rule.annotations.summary)}`,
        `          description: ${q(rule.annotations.description)}`,
        `          runbook_url: ${q(rule.annotations.runbook_url)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
