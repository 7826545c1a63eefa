import type { LlmMetrics, LlmTask } from '../../core/llm/ports.ts';
import { LLM_METRICS } from '../../core/metrics.ts';
import type { SingleMetricSource } from '../../shared/observability.ts';

/**
 * LLM metrics with the dimension `task` (`LlmLatency` also under a second set, `outcome`), each published on
 * its own (single metric): the worker's batch metrics carry the dimension `kind`, and the two must not mix
 * in one EMF record.
 */
export function powertoolsLlmMetrics(metrics: SingleMetricSource): LlmMetrics {
  return {
    record(task: LlmTask, name, value, outcome) {
      const definition = LLM_METRICS.find((candidate) => candidate.name === name);
      if (!definition) return;
      const metric = metrics.singleMetric();
      metric.addDimension('task', task);
      // A second dimension set: CloudWatch stores the value per task (the series it always had, now with
      // every call) and per outcome. A percentile cannot be summed over outcomes afterwards, so a
      // `task`+`outcome` set alone would lose the p99 of all calls per task.
      if (outcome && (definition.dimensions as readonly string[]).includes('outcome')) {
        metric.addDimensions({ outcome });
      }
      metric.addMetric(definition.name, definition.unit, value);
    },
  };
}
