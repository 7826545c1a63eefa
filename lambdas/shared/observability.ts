/**
 * The one observability shape of every handler: one Logger, one Metrics and one Tracer per container, and
 * `instrument`, which every handler is wrapped in. Service name and namespace come from the standard
 * Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE), so every function of a stage
 * shares them (on AWS the service names the stage: its alarms must not count another stage's metrics).
 * Tracing is on in Lambda (active tracing) and off elsewhere, where the calls below do nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE, type MetricDefinition, SERVICE_NAME } from '../core/metrics.ts';

const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

export const logger = new Logger({ serviceName: SERVICE });

/** The part of Powertools Tracer the handlers and adapters use. */
export type TracerPort = Pick<
  Tracer,
  | 'isTracingEnabled'
  | 'getSegment'
  | 'setSegment'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
  | 'addErrorAsMetadata'
  | 'captureAWSv3Client'
>;

/**
 * Whether Powertools would trace here: in Lambda, not under SAM local or Amplify's mock, and not turned off
 * (its own checks, Tracer.setTracingEnabled). Decided before the Tracer is loaded, because loading it is not
 * free: the X-Ray SDK registers an async hook (cls-hooked) that runs on every promise of the process, tracing
 * or not. Locally that made promise-heavy code about 8× slower and cost the API a fifth of its CPU.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return (
    executionEnv !== '' &&
    executionEnv !== 'AWS_Lambda_amplify-mock' &&
    (env.AWS_SAM_LOCAL ?? '') === '' &&
    (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false'
  );
}

/** What tracing does where it is off: nothing, and clients are used as they are. */
const NO_TRACER: TracerPort = {
  isTracingEnabled: () => false,
  getSegment: () => undefined,
  setSegment: () => undefined,
  annotateColdStart: () => undefined,
  addServiceNameAnnotation: () => undefined,
  addErrorAsMetadata: () => undefined,
  captureAWSv3Client: (client) => client,
};

export const tracer: TracerPort = tracingWanted(process.env)
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE })
  : NO_TRACER;

type MetricUnitValue = Parameters<Metrics['addMetric']>[1];

/** The part of Powertools Metrics handlers use, so tests can record what is emitted. */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: MetricUnitValue, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/**
 * A metric published on its own, with dimensions of its own (Powertools `singleMetric`). `addDimensions`
 * adds a second dimension set: the value is stored under both (EMF `Dimensions: [[…], […]]`).
 */
export interface SingleMetric extends Pick<MetricsSink, 'addDimension' | 'addMetric'> {
  addDimensions(dimensions: Record<string, string>): unknown;
}

export interface SingleMetricSource {
  singleMetric(): SingleMetric;
}

/** One value a handler emitted, with the dimensions it carried: plain data, so it can cross a thread. */
export interface MetricEmission {
  name: string;
  value: number;
  dimensions: Readonly<Record<string, string>>;
}

export type MetricsObserver = (emission: MetricEmission) => void;

const observers = new Set<MetricsObserver>();

/**
 * Hands every value emitted through the container's metrics to `observer` as well (the local runtime's
 * Prometheus exporter); returns the function that stops it. Nothing observes on AWS, where EMF is the output.
 */
export function observeMetrics(observer: MetricsObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

function notify(name: string, value: number, dimensions: Record<string, string>): void {
  if (observers.size === 0) return;
  const emission = { name, value, dimensions: { ...dimensions } };
  for (const observer of observers) {
    try {
      observer(emission);
    } catch (error: unknown) {
      logger.warn('A metrics observer failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

type PowertoolsSink = Pick<
  Metrics,
  'addDimension' | 'addDimensions' | 'addMetric' | 'publishStoredMetrics' | 'hasStoredMetrics'
>;

/**
 * Powertools Metrics, telling the observers each value with the dimensions it is stored under. Dimensions
 * last until the next publish, as in Powertools; a single metric publishes (and forgets them) at once.
 */
class ObservedMetrics implements MetricsSink, SingleMetricSource {
  readonly #sink: PowertoolsSink;
  readonly #single: (() => PowertoolsSink) | null;
  #dimensions: Record<string, string> = {};

  constructor(sink: PowertoolsSink, single: (() => PowertoolsSink) | null) {
    this.#sink = sink;
    this.#single = single;
  }

  addDimension(name: string, value: string): void {
    this.#dimensions[name] = value;
    this.#sink.addDimension(name, value);
  }

  /** Observers get one value with every dimension of every set: a Prometheus label set is one series. */
  addDimensions(dimensions: Record<string, string>): void {
    this.#dimensions = { ...this.#dimensions, ...dimensions };
    this.#sink.addDimensions(dimensions);
  }

  addMetric(name: string, unit: MetricUnitValue, value: number): void {
    notify(name, value, this.#dimensions);
    this.#sink.addMetric(name, unit, value);
    if (!this.#single) this.#dimensions = {};
  }

  publishStoredMetrics(): void {
    this.#dimensions = {};
    this.#sink.publishStoredMetrics();
  }

  hasStoredMetrics(): boolean {
    return this.#sink.hasStoredMetrics();
  }

  singleMetric(): ObservedMetrics {
    const single = this.#single?.();
    if (!single) throw new Error('A single metric has no single metrics of its own');
    return new ObservedMetrics(single, null);
  }
}

const powertoolsMetrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: SERVICE,
});

/** The container's metrics: EMF through Powertools, and every value to the observers (`observeMetrics`). */
export const metrics = new ObservedMetrics(powertoolsMetrics, () => powertoolsMetrics.singleMetric());

/** Adds one value of a defined metric (core/metrics.ts): the only way handlers emit metrics. */
export function emit(sink: Pick<MetricsSink, 'addMetric'>, metric: MetricDefinition, value: number): void {
  sink.addMetric(metric.name, metric.unit, value);
}

export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface InstrumentOptions<E> {
  /** The id that ties this invocation's logs together (the AppSync request id, the job id, …). */
  correlationId?: (event: E, context: Context) => string | null | undefined;
  /** Where the invocation's stored metrics are published (default: the container's Metrics). */
  metrics?: Pick<Metrics, 'hasStoredMetrics' | 'publishStoredMetrics'>;
}

/**
 * Wraps a handler: the Lambda context on every log line, the correlation id, a `## name` trace subsegment
 * annotated with the cold start and recording any error, and the stored metrics published at the end. A
 * failure to publish metrics is logged, never thrown: it must not change the handler's answer.
 */
export function instrument<E, R>(
  name: string,
  handler: Handler<E, R>,
  options: InstrumentOptions<E> = {},
): Handler<E, R> {
  const sink = options.metrics ?? metrics;
  return async (event, context) => {
    logger.addContext(context);
    const correlationId = options.correlationId?.(event, context);
    if (correlationId) logger.setCorrelationId(correlationId);
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${name}`);
    if (segment) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, context);
    } catch (error: unknown) {
      if (segment && error instanceof Error) tracer.addErrorAsMetadata(error);
      throw error;
    } finally {
      // The correlation id and keys appended for this invocation must not label what is logged after it
      // (the next invocation may have no correlation id; locally, the runtime's own lines share the logger).
      logger.resetKeys();
      segment?.close();
      if (parent) tracer.setSegment(parent);
      try {
        if (sink.hasStoredMetrics()) sink.publishStoredMetrics();
      } catch (error: unknown) {
        logger.warn('Could not publish metrics', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
}
