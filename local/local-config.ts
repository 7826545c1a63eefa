/**
 * The configuration objects the local runtime hands to the handler factories: what the runtime owns (the
 * database it started, the local queue, the key file under the data dir) over the user's own settings, read
 * from their environment with the same schemas the deployed functions apply to theirs.
 */
import type { ResolverConfig } from '../lambdas/api/dependencies.ts';
import type { AuthorizerConfig } from '../lambdas/authorizer/container.ts';
import { type ReconcilerConfig, reconcilerConfigSchema } from '../lambdas/reconciler/reconcile-handler.ts';
import {
  authConfigSchema,
  databaseConfigSchema,
  llmConfigSchema,
  parseConfig,
  queueConfigSchema,
  redactionConfigSchema,
  ticketTriageConfigSchema,
  type UploadConfig,
} from '../lambdas/shared/config.ts';
import { ticketTriageSetup } from '../lambdas/triage/local-classifier.ts';
import { retryConfigSchema, type WorkerConfig } from '../lambdas/workers/runtime.ts';

export interface LocalConfigs {
  resolver: ResolverConfig;
  authorizer: AuthorizerConfig;
  worker: WorkerConfig;
  reconciler: ReconcilerConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Connections of each local handler's pool in the API's thread (resolver, authorizer, reconciler). */
export const LOCAL_POOL_SIZE = 10;
/**
 * Each worker thread's pools (local/worker-threads.ts): its worker handles one record at a time, so a few
 * connections serve it; its event-source mapping receives and deletes through a pool of its own, and listens
 * for its queue's notifications on one more. With the runtime's own 4 and the three pools above:
 * 4 + 3 × 10 + 2 kinds × (3 + 2 + 1) = 46 connections at most, well within the embedded server's
 * max_connections (200) and PostgreSQL's default (100) for a DATABASE_URL.
 */
export const LOCAL_WORKER_POOL_SIZE = 3;
export const LOCAL_WORKER_QUEUE_CONNECTIONS = 2;

export function localConfigs(
  env: Env,
  local: { databaseUrl: string; keySet: string; uploads?: UploadConfig },
): LocalConfigs {
  // Uploaded logs: files under the data dir, URLs the local endpoint signs (local/uploads.ts).
  const uploads = local.uploads ?? {};
  // One process serves every request locally: a pool per handler, not Lambda's one connection (issue 13).
  const pool = (size: number) =>
    parseConfig(
      databaseConfigSchema,
      { DATABASE_URL: local.databaseUrl, DB_POOL_MAX: String(size) },
      'database',
    );
  const database = pool(LOCAL_POOL_SIZE);
  const queue = parseConfig(queueConfigSchema, { QUEUE_DRIVER: 'postgres' }, 'queue');
  // The local key file, never a secret the user's shell may name.
  const auth = parseConfig(
    authConfigSchema,
    { ...env, JWT_KEYS_FILE: local.keySet, JWT_KEYS_SECRET_ARN: undefined },
    'auth',
  );
  const llm = parseConfig(llmConfigSchema, env, 'LLM');
  const triage = parseConfig(ticketTriageConfigSchema, env, 'ticket triage');
  // NETWORK_REDACTION=keep|remove (default pseudonymise), as on AWS.
  const redaction = parseConfig(redactionConfigSchema, env, 'redaction');
  // What the triage worker answers is what a correction may choose: the resolver never loads the model.
  const correction = { TICKET_CATEGORIES: [...ticketTriageSetup(triage).categories] };
  return {
    resolver: { database, auth, queue, llm, correction, redaction, uploads },
    authorizer: { database, auth },
    worker: {
      database: pool(LOCAL_WORKER_POOL_SIZE),
      queue,
      llm,
      triage,
      redaction,
      uploads,
      retry: parseConfig(retryConfigSchema, env, 'worker'),
    },
    reconciler: { database, queue, reconciler: parseConfig(reconcilerConfigSchema, env, 'reconciler') },
  };
}
