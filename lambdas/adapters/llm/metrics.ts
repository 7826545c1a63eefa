import type { LlmMetrics, LlmTask } from '../../core/llm/ports.ts';
import { LLM_METRICS } from '../../core/metrics.ts';
import type { SingleMetricSource } from '../../shared/observability.ts';

/**
 * LLM metrics with the dimension `task`, each published on its own (single metric): the worker's batch
 * metrics carry the dimension `kind`, and the two must not mix in one EMF record.
 */
export function powertoolsLlmMetrics(metrics: SingleMetricSource): LlmMetrics {
  return {
    record(task: LlmTask, name, value, outcome) {
      const definition = LLM_METRICS.find((candidate) => candidate.name === name);
      if (!definition) return;
      const metric = metrics.singleMetric();
      metric.addDimension('task', task);
      // Only a metric defined with the dimension gets it: CloudWatch keys a metric by its dimension set.
      if (outcome && (definition.dimensions as readonly string[]).includes('outcome')) {
        metric.addDimension('outcome', outcome);
      }
      metric.addMetric(definition.name, definition.unit, value);
    },
  };
}
