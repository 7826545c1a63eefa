/** The deployed GraphQL resolver: configuration from the environment, once per container. */
import { resolverConfigFromEnv } from './dependencies.ts';
import { createResolver } from './resolver.ts';

export const handler = createResolver(resolverConfigFromEnv(process.env));
