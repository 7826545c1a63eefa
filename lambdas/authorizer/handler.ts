/** The deployed AppSync Lambda authorizer: configuration from the environment, once per container. */
import { authorizerFromEnv } from './container.ts';

export const handler = authorizerFromEnv(process.env);
