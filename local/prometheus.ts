/**
 * `/metrics` of the local runtime: the application's metric definitions (lambdas/core/metrics.ts) as
 * Prometheus metrics with prom-client. Handlers' values arrive through `observeMetrics` (the same calls that
 * write EMF on AWS), the endpoint's API metrics through `record`, and the queue and database gauges are
 * sampled at each scrape. Node's process metrics (`process_*`, `nodejs_*`) come along.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { QueueStats } from '../lambdas/core/jobs/ports.ts';
import type { JobKind } from '../lambdas/core/jobs/registry.ts';
import {
  type MetricDefinition,
  PROMETHEUS_SOURCES,
  type PrometheusMetric,
  prometheusMetric,
  SAMPLED_METRICS,
} from '../lambdas/core/metrics.ts';
import type { MetricEmission, MetricsObserver } from '../lambdas/shared/observability.ts';

/** Seconds: from a fast resolver call to a summary that waited on a model. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** One value of a sampled metric, read at scrape time. */
export interface Sample {
  definition: MetricDefinition;
  value: number;
  dimensions?: Readonly<Record<string, string>>;
}

export interface PrometheusExporter {
  /** Receives what handlers emit (pass it to `observeMetrics`). */
  readonly observer: MetricsObserver;
  /** Adds one value of a defined metric (an increment, an observation or a gauge's new value). */
  record(definition: MetricDefinition, value: number, dimensions?: Readonly<Record<string, string>>): void;
  readonly contentType: string;
  /** The exposition text, after sampling the gauges. */
  text(): Promise<string>;
}

interface Entry {
  spec: PrometheusMetric;
  metric: Counter | Histogram | Gauge;
}

export interface PrometheusExporterOptions {
  /** Reads the sampled metrics (queue depths, database) before each scrape. */
  sample?: () => Promise<readonly Sample[]>;
  definitions?: readonly MetricDefinition[];
  /**
   * Every value a dimension can take (`kind`: the registry's kinds). Counters and histograms whose dimensions
   * are all listed start at 0 for each combination, so a rate (failed / (succeeded + failed)) has both series
   * from the first scrape, even while one of them never moved.
   */
  knownDimensions?: Readonly<Record<string, readonly string[]>>;
}

export function createPrometheusExporter(options: PrometheusExporterOptions = {}): PrometheusExporter {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const byName = new Map<string, Entry>();
  const byDefinition = new Map<MetricDefinition, Entry>();
  for (const definition of options.definitions ?? PROMETHEUS_SOURCES) {
    const entry = { spec: prometheusMetric(definition), metric: createMetric(prometheusMetric(definition)) };
    registry.registerMetric(entry.metric as Metric);
    byName.set(definition.name, entry);
    byDefinition.set(definition, entry);
    startAtZero(entry, options.knownDimensions ?? {});
  }
  const apply = (entry: Entry | undefined, value: number, dimensions: Readonly<Record<string, string>>) => {
    if (!entry || !Number.isFinite(value)) return;
    const labels = labelsOf(entry.spec, dimensions);
    const scaled = value * entry.spec.scale;
    if (entry.metric instanceof Counter) entry.metric.inc(labels, Math.max(0, scaled));
    else if (entry.metric instanceof Histogram) entry.metric.observe(labels, scaled);
    else entry.metric.set(labels, scaled);
  };
  return {
    observer: (emission: MetricEmission) =>
      apply(byName.get(emission.name), emission.value, emission.dimensions),
    record: (definition, value, dimensions = {}) => apply(byDefinition.get(definition), value, dimensions),
    contentType: registry.contentType,
    async text() {
      for (const sample of (await options.sample?.()) ?? []) {
        apply(byDefinition.get(sample.definition), sample.value, sample.dimensions ?? {});
      }
      return registry.metrics();
    },
  };
}

function startAtZero(entry: Entry, known: Readonly<Record<string, readonly string[]>>): void {
  const { metric, spec } = entry;
  if (metric instanceof Gauge || spec.labels.length === 0) return;
  let combinations: Record<string, string>[] = [{}];
  for (const [index, dimension] of spec.definition.dimensions.entries()) {
    const values = known[dimension];
    const label = spec.labels[index];
    if (!values || !label) return;
    combinations = combinations.flatMap((labels) => values.map((value) => ({ ...labels, [label]: value })));
  }
  for (const labels of combinations) {
    if (metric instanceof Counter) metric.inc(labels, 0);
    else metric.zero(labels);
  }
}

function createMetric(spec: PrometheusMetric): Counter | Histogram | Gauge {
  const config = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [] };
  switch (spec.type) {
    case 'counter':
      return new Counter(config);
    case 'histogram':
      return new Histogram({ ...config, buckets: DURATION_BUCKETS });
    case 'gauge':
      return new Gauge(config);
  }
}

/** The definition's dimensions as labels; one a value lacks is `unknown` rather than a missing series. */
function labelsOf(
  spec: PrometheusMetric,
  dimensions: Readonly<Record<string, string>>,
): Record<string, string> {
  const labels: Record<string, string> = {};
  spec.definition.dimensions.forEach((dimension, index) => {
    const label = spec.labels[index];
    if (label) labels[label] = dimensions[dimension] ?? 'unknown';
  });
  return labels;
}

/** What the sampled gauges read: each kind's queues, and whether the database answers. */
export interface SampleSources {
  kinds: readonly JobKind[];
  queues: QueueStats;
  /** Open connections to the application database; rejects when the database does not answer. */
  databaseConnections: () => Promise<number>;
}

/** The sampled metrics of SAMPLED_METRICS; a kind whose queue cannot be read is left out of this scrape. */
export async function sampleQueuesAndDatabase(sources: SampleSources): Promise<Sample[]> {
  const m = SAMPLED_METRICS;
  const samples: Sample[] = [];
  const connections = await sources.databaseConnections().catch(() => null);
  samples.push({ definition: m.databaseUp, value: connections === null ? 0 : 1 });
  if (connections !== null) samples.push({ definition: m.databaseConnections, value: connections });
  const readings = await Promise.all(
    sources.kinds.map((kind) => sources.queues.read(kind).catch(() => null)),
  );
  sources.kinds.forEach((kind, index) => {
    const reading = readings[index];
    if (!reading) return;
    const dimensions = { kind };
    samples.push(
      { definition: m.queueMessages, value: reading.visible, dimensions },
      { definition: m.queueMessagesInFlight, value: reading.inFlight, dimensions },
      { definition: m.queueMessagesDelayed, value: reading.delayed, dimensions },
      { definition: m.queueOldestMessageAge, value: reading.oldestAgeSeconds ?? 0, dimensions },
      { definition: m.deadLetterMessages, value: reading.deadLetters, dimensions },
    );
  });
  return samples;
}
