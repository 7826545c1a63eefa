import { afterEach, describe, expect, it } from 'vitest';
import { powertoolsLlmMetrics } from '../../../lambdas/adapters/llm/metrics.ts';
import type { QueueReading } from '../../../lambdas/core/jobs/ports.ts';
import { API_METRICS, METRICS, prometheusMetric, SAMPLED_METRICS } from '../../../lambdas/core/metrics.ts';
import { emit, metrics, observeMetrics } from '../../../lambdas/shared/observability.ts';
import { createPrometheusExporter, sampleQueuesAndDatabase } from '../../../local/prometheus.ts';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function observedExporter(options: Parameters<typeof createPrometheusExporter>[0] = {}) {
  const exporter = createPrometheusExporter(options);
  stops.push(observeMetrics(exporter.observer));
  return exporter;
}

/** The sample lines of one metric family: `name{labels} value`. */
const lines = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('Prometheus names of the metric definitions', () => {
  it('names counters with _total, durations as histograms in seconds, and samples as gauges', () => {
    expect(prometheusMetric(METRICS.jobsFailed)).toMatchObject({
      name: 'ai_ops_jobs_failed_total',
      type: 'counter',
      labels: ['kind'],
      scale: 1,
    });
    expect(prometheusMetric(METRICS.jobDuration)).toMatchObject({
      name: 'ai_ops_job_duration_seconds',
      type: 'histogram',
      scale: 0.001,
    });
    expect(prometheusMetric(SAMPLED_METRICS.queueOldestMessageAge)).toMatchObject({
      name: 'ai_ops_queue_oldest_message_age_seconds',
      type: 'gauge',
    });
    expect(prometheusMetric(API_METRICS.apiRequests).labels).toEqual(['operation', 'error_type']);
  });
});

describe('the local /metrics exporter', () => {
  it('shows what a worker emits through the container metrics, with its dimension as a label', async () => {
    const exporter = observedExporter();
    metrics.addDimension('kind', 'triage-ticket');
    emit(metrics, METRICS.jobsSucceeded, 1);
    emit(metrics, METRICS.jobDuration, 1500);
    metrics.publishStoredMetrics();
    emit(metrics, METRICS.loginFailures, 1);
    metrics.publishStoredMetrics();
    const text = await exporter.text();
    expect(lines(text, 'ai_ops_jobs_succeeded_total')).toEqual([
      'ai_ops_jobs_succeeded_total{kind="triage-ticket"} 1',
    ]);
    expect(lines(text, 'ai_ops_job_duration_seconds_sum')).toEqual([
      'ai_ops_job_duration_seconds_sum{kind="triage-ticket"} 1.5',
    ]);
    // The batch's dimension went with its publish: a later metric without dimensions carries none.
    expect(lines(text, 'ai_ops_login_failures_total')).toEqual(['ai_ops_login_failures_total 1']);
  });

  it('labels a model call latency with its outcome, and stores it in EMF per task (as before) and per outcome', async () => {
    const exporter = observedExporter();
    powertoolsLlmMetrics(metrics).record('triage', 'LlmLatency', 47_000, 'timeout');
    const text = await exporter.text();
    expect(lines(text, 'ai_ops_llm_latency_seconds_sum')).toEqual([
      'ai_ops_llm_latency_seconds_sum{task="triage",outcome="timeout"} 47',
    ]);
    // What Powertools is told: `task` as the dimension, `outcome` as a second dimension set (EMF
    // Dimensions [[service, task], [service, outcome]]), so the per-task series keeps every call.
    const calls: unknown[][] = [];
    const single = {
      addDimension: (...args: unknown[]) => calls.push(['addDimension', ...args]),
      addDimensions: (...args: unknown[]) => calls.push(['addDimensions', ...args]),
      addMetric: (...args: unknown[]) => calls.push(['addMetric', ...args]),
    };
    powertoolsLlmMetrics({ singleMetric: () => single }).record('triage', 'LlmLatency', 47_000, 'timeout');
    expect(calls).toEqual([
      ['addDimension', 'task', 'triage'],
      ['addDimensions', { outcome: 'timeout' }],
      ['addMetric', 'LlmLatency', 'Milliseconds', 47_000],
    ]);
  });

  it('shows model metrics published as single metrics with their task', async () => {
    const exporter = observedExporter();
    const llm = powertoolsLlmMetrics(metrics);
    llm.record('summary', 'LlmCalls', 1);
    llm.record('summary', 'LlmPromptTokens', 420);
    const text = await exporter.text();
    expect(lines(text, 'ai_ops_llm_calls_total')).toEqual(['ai_ops_llm_calls_total{task="summary"} 1']);
    expect(lines(text, 'ai_ops_llm_prompt_tokens_total')).toEqual([
      'ai_ops_llm_prompt_tokens_total{task="summary"} 420',
    ]);
  });

  it('starts the counters of every known kind at zero, so rates have both series from the start', async () => {
    const exporter = createPrometheusExporter({ knownDimensions: { kind: ['a-kind', 'b-kind'] } });
    const text = await exporter.text();
    expect(lines(text, 'ai_ops_jobs_succeeded_total')).toEqual([
      'ai_ops_jobs_succeeded_total{kind="a-kind"} 0',
      'ai_ops_jobs_succeeded_total{kind="b-kind"} 0',
    ]);
    expect(lines(text, 'ai_ops_job_duration_seconds_count')).toHaveLength(2);
  });

  it('stops receiving values once its observer is removed', async () => {
    const exporter = createPrometheusExporter();
    const stop = observeMetrics(exporter.observer);
    emit(metrics, METRICS.jobsReconciled, 2);
    stop();
    emit(metrics, METRICS.jobsReconciled, 5);
    metrics.publishStoredMetrics();
    expect(lines(await exporter.text(), 'ai_ops_jobs_reconciled_total')).toEqual([
      'ai_ops_jobs_reconciled_total 2',
    ]);
  });

  it('samples each kind’s queues and the database at every scrape, and reports a database that does not answer', async () => {
    const reading: QueueReading = {
      visible: 3,
      inFlight: 1,
      delayed: 2,
      oldestAgeSeconds: 42,
      deadLetters: 4,
    };
    let databaseUp = true;
    const exporter = createPrometheusExporter({
      sample: () =>
        sampleQueuesAndDatabase({
          kinds: ['summarize-log', 'triage-ticket'],
          queues: {
            read: async (kind) => {
              if (kind === 'triage-ticket') throw new Error('queue unreachable');
              return reading;
            },
          },
          databaseConnections: async () => {
            if (!databaseUp) throw new Error('connection refused');
            return 7;
          },
        }),
    });
    const first = await exporter.text();
    expect(lines(first, 'ai_ops_queue_messages')).toEqual(['ai_ops_queue_messages{kind="summarize-log"} 3']);
    expect(lines(first, 'ai_ops_queue_oldest_message_age_seconds')).toEqual([
      'ai_ops_queue_oldest_message_age_seconds{kind="summarize-log"} 42',
    ]);
    expect(lines(first, 'ai_ops_dead_letter_messages')).toEqual([
      'ai_ops_dead_letter_messages{kind="summarize-log"} 4',
    ]);
    expect(lines(first, 'ai_ops_database_up')).toEqual(['ai_ops_database_up 1']);
    expect(lines(first, 'ai_ops_database_connections')).toEqual(['ai_ops_database_connections 7']);
    databaseUp = false;
    expect(lines(await exporter.text(), 'ai_ops_database_up')).toEqual(['ai_ops_database_up 0']);
  });
});
