/**
 * `ai-ops start`: composes the real handlers into a local stack. Database (embedded or DATABASE_URL) and
 * migrations, the signing keys and API key under the data dir, the AppSync-compatible endpoint in front of the
 * authorizer and resolver handlers, one event-source mapping per worker and the reconciler on a timer.
 * No business logic lives here.
 */
import { resolve } from 'node:path';
import type {
  AppSyncAuthorizerEvent,
  AppSyncResolverEvent,
  Context,
  ScheduledEvent,
  SQSEvent,
} from 'aws-lambda';
import { connectDatabase } from '../lambdas/adapters/db/client.ts';
import { applyMigrations } from '../lambdas/adapters/db/migrate.ts';
import { ensureKeySetFile } from '../lambdas/adapters/keys/file-key-provider.ts';
import { LocalQueue } from '../lambdas/adapters/queue/local-queue.ts';
import { localQueueDefinitions } from '../lambdas/adapters/queue/queue-from-config.ts';
import { createAppSyncEndpoint } from './appsync/endpoint.ts';
import { loadAppSyncSchema, readSchemaFile } from './appsync/schema.ts';
import {
  type EventSourceMapping,
  type SqsEventHandler,
  startEventSourceMapping,
} from './event-source-mapping.ts';
import { startHttpServer } from './http-server.ts';
import { lambdaContext } from './lambda-context.ts';
import { startLocalDatabase } from './local-database.ts';
import {
  type AdminCredentials,
  ensureApiKey,
  ensureDataDir,
  localPaths,
  newAdminCredentials,
  readAdmin,
  saveAdmin,
} from './local-files.ts';

/** Job kind → local queue name; the CDK creates one SQS queue (and DLQ) per kind. */
export const LOCAL_QUEUES: Record<string, string> = {
  'summarize-log': 'summarize',
  'triage-ticket': 'triage',
};

/**
 * Worker handlers served from the local queues; each issue that adds a worker adds a line here. Each handler is
 * imported through a literal `import()` so that the CLI bundle (scripts/build-cli.mjs) holds it.
 */
const LOCAL_WORKERS: { kind: string; load: () => Promise<HandlerModule>; batchSize: number }[] = [
  { kind: 'summarize-log', load: () => import('../lambdas/summarizer/handler.ts'), batchSize: 5 },
  { kind: 'triage-ticket', load: () => import('../lambdas/triage/handler.ts'), batchSize: 10 },
];

export interface LocalRuntimeOptions {
  port: number;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** AppSync limits, as configured on the deployed API. */
  queryDepthLimit?: number;
  resolverCountLimit?: number;
  reconcileEverySeconds?: number;
  onError?: (error: unknown) => void;
}

export interface LocalRuntime {
  url: string;
  apiKey: string;
  /** Set only on the first start of a data dir: the credentials are printed once. */
  createdAdmin: AdminCredentials | null;
  stop: () => Promise<void>;
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
type HandlerModule = { handler?: unknown };

/** Handlers are imported after the environment is set up, as Lambda loads them in a configured container. */
async function importHandler<E, R>(name: string, load: () => Promise<HandlerModule>): Promise<Handler<E, R>> {
  const module = await load();
  if (typeof module.handler !== 'function') throw new Error(`${name} exports no handler`);
  return module.handler as Handler<E, R>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  const paths = localPaths(dataDir);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  ensureDataDir(dataDir);

  const database = await startLocalDatabase({ dataDir, databaseUrl: options.databaseUrl });
  const cleanups: (() => Promise<void>)[] = [database.stop];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch(onError);
    }
  };
  try {
    const connection = connectDatabase({ url: database.url, maxConnections: 4 });
    cleanups.push(connection.close);
    await applyMigrations(connection.db);
    await ensureKeySetFile(paths.keySet);
    const apiKey = ensureApiKey(paths.apiKey);

    // The handlers read their configuration from the environment once, at import: set it first.
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      JWT_KEYS_FILE: paths.keySet,
      QUEUE_DRIVER: 'postgres',
      JOB_QUEUE_URLS: JSON.stringify(LOCAL_QUEUES),
      STAGE: process.env.STAGE ?? 'local',
    });

    const createdAdmin = await ensureAdmin(paths.admin);

    const authorizer = await importHandler<AppSyncAuthorizerEvent, never>(
      'authorizer',
      () => import('../lambdas/authorizer/handler.ts'),
    );
    const resolver = await importHandler<AppSyncResolverEvent<Record<string, unknown>>, unknown>(
      'resolver',
      () => import('../lambdas/api/handler.ts'),
    );
    const endpoint = createAppSyncEndpoint({
      schema: loadAppSyncSchema(readSchemaFile(resolve(import.meta.dirname, '../schema/schema.graphql'))),
      apiId: 'local',
      apiKeys: () => [apiKey],
      authorizer: (event) => authorizer(event, lambdaContext('ai-ops-authorizer', 10)),
      authorizerTtlSeconds: 60,
      resolver: (event) => resolver(event, lambdaContext('ai-ops-api', 30)),
      queryDepthLimit: options.queryDepthLimit ?? 10,
      resolverCountLimit: options.resolverCountLimit ?? 100,
      introspection: true,
      onInternalError: onError,
    });
    const server = await startHttpServer({
      port: options.port,
      handleGraphQL: endpoint.handle,
      ideHeaders: { 'x-api-key': apiKey },
      maxBodyBytes: 6 * 1024 * 1024,
      onError,
    });
    cleanups.push(server.close);

    const queue = new LocalQueue(connection.sql, localQueueDefinitions(LOCAL_QUEUES));
    for (const worker of LOCAL_WORKERS) {
      const queueName = LOCAL_QUEUES[worker.kind];
      if (!queueName) throw new Error(`No local queue for worker kind ${worker.kind}`);
      const handler = await importHandler<SQSEvent, Awaited<ReturnType<SqsEventHandler>>>(
        `worker ${worker.kind}`,
        worker.load,
      );
      const mapping: EventSourceMapping = startEventSourceMapping({
        queue,
        definition: queue.definition(queueName),
        handler,
        batchSize: worker.batchSize,
        pollIntervalMs: 250,
        functionName: `ai-ops-${worker.kind}`,
      });
      cleanups.push(() => mapping.stop());
    }

    const reconciler = await importHandler<ScheduledEvent, unknown>(
      'reconciler',
      () => import('../lambdas/reconciler/handler.ts'),
    );
    const reconcileTimer = setInterval(
      () => {
        reconciler(scheduledEvent(), lambdaContext('ai-ops-reconciler', 60)).catch(onError);
      },
      (options.reconcileEverySeconds ?? 60) * 1000,
    );
    cleanups.push(async () => clearInterval(reconcileTimer));

    return { url: server.url, apiKey, createdAdmin, stop: stopAll };
  } catch (error: unknown) {
    await stopAll();
    throw error;
  }
}

async function ensureAdmin(path: string): Promise<AdminCredentials | null> {
  if (readAdmin(path)) return null;
  const credentials = newAdminCredentials();
  const { bootstrapLocalAdmin } = await import('./bootstrap-admin.ts');
  await bootstrapLocalAdmin(credentials);
  saveAdmin(path, credentials);
  return credentials;
}

function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'local',
    resources: ['arn:aws:events:local:000000000000:rule/ai-ops-reconciler'],
    detail: {},
  };
}
