import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One Logger and one Metrics per container. Service name and namespace come from the standard Powertools
 * variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE), so every function shares them.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ai-ops' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'AiOps',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ai-ops',
});
