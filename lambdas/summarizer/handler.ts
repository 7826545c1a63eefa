/** The deployed summarizer: configuration from the environment, once per container. */
import { workerConfigFromEnv } from '../workers/runtime.ts';
import { createWorker } from './worker.ts';

export const handler = createWorker(workerConfigFromEnv(process.env));
