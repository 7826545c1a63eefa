/**
 * The Grafana dashboard, mirroring the CloudWatch dashboard of lib/observability.ts row for row: API, the
 * process, workers and jobs, queues, model and sign-in, database, alerts. Every query names metrics through
 * their definitions (lambdas/core/metrics.ts), so the dashboard cannot ask for a metric `/metrics` lacks
 * (test/unit/observability/observability-files.test.ts holds it to that). Written to
 * observability/grafana/ai-ops.json by `npm run observability`.
 */
import { API_METRICS, METRICS, type MetricDefinition, SAMPLED_METRICS } from '../../lambdas/core/metrics.ts';
import { promName, SERVER_ERROR_TYPES } from './alert-rules.ts';

interface Target {
  expr: string;
  legendFormat: string;
}

interface Panel {
  title: string;
  unit: string;
  targets: Target[];
}

/** Grafana's variable syntax: the dashboard's datasource variable, chosen on import. */
const DATASOURCE = { type: 'prometheus', uid: ['$', '{datasource}'].join('') };

/** Rate per second of a counter, per kind/task/…, over Grafana's own rate interval. */
const rateBy = (definition: MetricDefinition, by: string) =>
  `sum by (${by}) (rate(${promName(definition)}[$__rate_interval]))`;

const quantile = (q: number, definition: MetricDefinition, by: string[] = []) =>
  `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${promName(definition)}_bucket[$__rate_interval])))`;

function apiRow(): Panel[] {
  const requests = promName(API_METRICS.apiRequests);
  const server = SERVER_ERROR_TYPES.join('|');
  return [
    {
      title: 'API requests (root fields/s)',
      unit: 'reqps',
      targets: [{ expr: rateBy(API_METRICS.apiRequests, 'operation'), legendFormat: '{{operation}}' }],
    },
    {
      title: 'API latency',
      unit: 's',
      targets: [0.5, 0.95, 0.99].map((q) => ({
        expr: quantile(q, API_METRICS.apiLatency),
        legendFormat: `p${Math.round(q * 100)}`,
      })),
    },
    {
      title: 'API errors by type (client / server)',
      unit: 'reqps',
      targets: [
        {
          expr: `sum by (error_type) (rate(${requests}{error_type!~"none|${server}"}[$__rate_interval]))`,
          legendFormat: 'client {{error_type}}',
        },
        {
          expr: `sum by (error_type) (rate(${requests}{error_type=~"${server}"}[$__rate_interval]))`,
          legendFormat: 'server {{error_type}}',
        },
        {
          expr: `sum(rate(${promName(METRICS.internalErrors)}[$__rate_interval]))`,
          legendFormat: 'InternalError answers',
        },
        {
          expr: `sum(rate(${promName(METRICS.serviceUnavailableErrors)}[$__rate_interval]))`,
          legendFormat: 'ServiceUnavailable answers',
        },
      ],
    },
  ];
}

/** Locally one process serves every function: its CPU, memory and event loop stand in for Lambda's. */
function processRow(): Panel[] {
  return [
    {
      title: 'Process CPU',
      unit: 'percentunit',
      targets: [{ expr: 'rate(process_cpu_seconds_total[$__rate_interval])', legendFormat: 'cpu' }],
    },
    {
      title: 'Process memory',
      unit: 'bytes',
      targets: [{ expr: 'process_resident_memory_bytes', legendFormat: 'resident' }],
    },
    {
      title: 'Event loop lag p99',
      unit: 's',
      targets: [{ expr: 'nodejs_eventloop_lag_p99_seconds', legendFormat: 'p99' }],
    },
  ];
}

function workerRow(): Panel[] {
  return [
    {
      title: 'Jobs succeeded / failed / input refused',
      unit: 'ops',
      targets: [
        { expr: rateBy(METRICS.jobsSucceeded, 'kind'), legendFormat: '{{kind}} succeeded' },
        { expr: rateBy(METRICS.jobsFailed, 'kind'), legendFormat: '{{kind}} failed' },
        { expr: rateBy(METRICS.jobsRefused, 'kind'), legendFormat: '{{kind}} input refused' },
      ],
    },
    {
      title: 'Jobs started / retried / poison',
      unit: 'ops',
      targets: [
        { expr: rateBy(METRICS.jobsStarted, 'kind'), legendFormat: '{{kind}} started' },
        { expr: rateBy(METRICS.jobRetries, 'kind'), legendFormat: '{{kind}} retried' },
        { expr: rateBy(METRICS.poisonMessages, 'kind'), legendFormat: '{{kind}} poison' },
      ],
    },
    {
      title: 'Job duration / queue latency p99',
      unit: 's',
      targets: [
        { expr: quantile(0.99, METRICS.jobDuration, ['kind']), legendFormat: '{{kind}} job duration' },
        { expr: quantile(0.99, METRICS.queueLatency, ['kind']), legendFormat: '{{kind}} queue latency' },
      ],
    },
  ];
}

function queueRow(): Panel[] {
  const byKind = (definition: MetricDefinition, suffix: string) => ({
    expr: `max by (kind) (${promName(definition)})`,
    legendFormat: `{{kind}}${suffix}`,
  });
  return [
    {
      title: 'Queue depth (ready / in flight / delayed)',
      unit: 'short',
      targets: [
        byKind(SAMPLED_METRICS.queueMessages, ' ready'),
        byKind(SAMPLED_METRICS.queueMessagesInFlight, ' in flight'),
        byKind(SAMPLED_METRICS.queueMessagesDelayed, ' delayed'),
      ],
    },
    {
      title: 'Age of oldest message',
      unit: 's',
      targets: [byKind(SAMPLED_METRICS.queueOldestMessageAge, '')],
    },
    {
      title: 'Dead-letter queue depth',
      unit: 'short',
      targets: [byKind(SAMPLED_METRICS.deadLetterMessages, ' DLQ')],
    },
  ];
}

function modelRow(): Panel[] {
  return [
    {
      title: 'Model calls / errors / fallbacks',
      unit: 'ops',
      targets: [
        { expr: rateBy(METRICS.llmCalls, 'task'), legendFormat: '{{task}} calls' },
        { expr: rateBy(METRICS.llmErrors, 'task'), legendFormat: '{{task}} errors' },
        { expr: rateBy(METRICS.llmFallbacks, 'task'), legendFormat: '{{task}} fallbacks' },
      ],
    },
    {
      title: 'Model tokens',
      unit: 'short',
      targets: [
        { expr: rateBy(METRICS.llmPromptTokens, 'task'), legendFormat: '{{task}} prompt' },
        { expr: rateBy(METRICS.llmCompletionTokens, 'task'), legendFormat: '{{task}} completion' },
      ],
    },
    {
      // Every call, failed and timed-out ones too (by task), and per outcome: an outage shows as timeouts.
      title: 'Model call latency p99',
      unit: 's',
      targets: [
        { expr: quantile(0.99, METRICS.llmLatency, ['task']), legendFormat: '{{task}}' },
        { expr: quantile(0.99, METRICS.llmLatency, ['outcome']), legendFormat: '{{outcome}}' },
      ],
    },
  ];
}

const total = (definition: MetricDefinition, legendFormat: string): Target => ({
  expr: `sum(rate(${promName(definition)}[$__rate_interval]))`,
  legendFormat,
});

function signInRow(): Panel[] {
  return [
    {
      title: 'Logins refused / throttled',
      unit: 'ops',
      targets: [total(METRICS.loginFailures, 'refused'), total(METRICS.loginThrottles, 'throttled')],
    },
    {
      title: 'Authorizer allowed / denied',
      unit: 'ops',
      targets: [total(METRICS.authorizerAllowed, 'allowed'), total(METRICS.authorizerDenied, 'denied')],
    },
    {
      title: 'Refresh tokens reused (theft signal)',
      unit: 'ops',
      targets: [total(METRICS.refreshTokenReuse, 'reused')],
    },
  ];
}

function databaseRow(): Panel[] {
  return [
    {
      title: 'Database up',
      unit: 'short',
      targets: [{ expr: promName(SAMPLED_METRICS.databaseUp), legendFormat: 'up' }],
    },
    {
      title: 'Database connections',
      unit: 'short',
      targets: [{ expr: promName(SAMPLED_METRICS.databaseConnections), legendFormat: 'connections' }],
    },
    {
      title: 'Reconciler: jobs sent again / failed sends',
      unit: 'ops',
      targets: [total(METRICS.jobsReconciled, 'sent'), total(METRICS.jobsReconcileFailures, 'failed')],
    },
  ];
}

export const DASHBOARD_ROWS: readonly (readonly [string, () => Panel[]])[] = [
  ['API', apiRow],
  ['Process', processRow],
  ['Workers and jobs', workerRow],
  ['Queues', queueRow],
  ['Model', modelRow],
  ['Sign-in', signInRow],
  ['Database', databaseRow],
];

const WIDTH = 8;
const HEIGHT = 8;

function timeseries(panel: Panel, id: number, x: number, y: number) {
  return {
    id,
    type: 'timeseries',
    title: panel.title,
    datasource: DATASOURCE,
    gridPos: { h: HEIGHT, w: WIDTH, x, y },
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: panel.targets.map((target, index) => ({
      datasource: DATASOURCE,
      expr: target.expr,
      legendFormat: target.legendFormat,
      refId: String.fromCharCode(65 + index),
    })),
  };
}

/** The dashboard as Grafana's JSON model: a datasource variable, one row per CloudWatch row, the alert list. */
export function grafanaDashboard() {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const [title, row] of DASHBOARD_ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    row().forEach((panel, index) => {
      panels.push(timeseries(panel, id++, index * WIDTH, y));
    });
    y += HEIGHT;
  }
  panels.push({
    id: id++,
    type: 'alertlist',
    title: 'Alerts (observability/prometheus/alerts.yml)',
    gridPos: { h: 6, w: 24, x: 0, y },
    options: {
      alertName: 'AiOps',
      showOptions: 'current',
      maxItems: 20,
      stateFilter: { firing: true, pending: true },
    },
  });
  return {
    title: 'AI Ops',
    uid: 'ai-ops',
    description:
      'Generated by `npm run observability` from lambdas/core/metrics.ts; mirrors the CloudWatch dashboard.',
    tags: ['ai-ops'],
    editable: true,
    schemaVersion: 39,
    time: { from: 'now-3h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {} },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
