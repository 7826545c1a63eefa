import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LlmMetricName, LlmMetrics, LlmTask } from '../../core/llm/ports.ts';

/** The part of Powertools Metrics used here. */
interface SingleMetricSource {
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  };
}

/**
 * LLM metrics with the dimension `task`, each published on its own (single metric): the worker's batch
 * metrics carry the dimension `kind`, and the two must not mix in one EMF record.
 */
export function powertoolsLlmMetrics(metrics: SingleMetricSource): LlmMetrics {
  return {
    record(task: LlmTask, name: LlmMetricName, value: number) {
      const metric = metrics.singleMetric();
      metric.addDimension('task', task);
      metric.addMetric(name, name === 'LlmLatency' ? MetricUnit.Milliseconds : MetricUnit.Count, value);
    },
  };
}
