/**
 * `ai-ops start`: composes the real handlers into a local stack. Database (embedded or DATABASE_URL) and
 * migrations, the signing keys and API key under the data dir, the AppSync-compatible endpoint in front of the
 * authorizer and resolver handlers, one worker thread per job kind of the registry (its event-source mapping
 * and worker, off the API's event loop) and the reconciler on a timer. Each handler factory gets a configuration object: the runtime's own settings (database, local
 * queue, key file) over the user's environment, which is read and never changed. No business logic lives here.
 */
import { resolve } from 'node:path';
import type { ScheduledEvent } from 'aws-lambda';
import {
  CONNECTION_LIMITS,
  connectDatabase,
  type DatabaseConnection,
  type Sql,
} from '../lambdas/adapters/db/client.ts';
import type { DatabaseHealth } from '../lambdas/adapters/db/guard.ts';
import { applyMigrations, pendingMigrationCount } from '../lambdas/adapters/db/migrate.ts';
import { ensureKeySetFile } from '../lambdas/adapters/keys/file-key-provider.ts';
import {
  LocalDeadLetters,
  LocalQueue,
  type LocalQueueDefinition,
} from '../lambdas/adapters/queue/local-queue.ts';
import { localQueueDefinitions, localQueueNames } from '../lambdas/adapters/queue/queue-from-config.ts';
import { expireLocalUploads } from '../lambdas/adapters/storage/local-uploads.ts';
import { fanOutRefusal } from '../lambdas/api/fan-out.ts';
import { createResolver } from '../lambdas/api/resolver.ts';
import { createAuthorizer } from '../lambdas/authorizer/container.ts';
import { technicalDetail } from '../lambdas/core/failures.ts';
import {
  type RedactLogElsewhere,
  redactLogPausing,
} from '../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { UPLOAD_RETENTION_DAYS } from '../lambdas/core/jobs/kinds/summarize-log/upload-key.ts';
import { JOB_KIND_NAMES } from '../lambdas/core/jobs/registry.ts';
import { LLM_OUTCOMES, LLM_TASKS } from '../lambdas/core/llm/ports.ts';
import { API_METRICS, NO_ERROR, WHOLE_REQUEST } from '../lambdas/core/metrics.ts';
import { createReconciler } from '../lambdas/reconciler/reconcile-handler.ts';
import { AUTHORIZATION_HEADER_PATTERN } from '../lambdas/shared/authorization-header.ts';
import { logger, observeMetrics } from '../lambdas/shared/observability.ts';
import { createAppSyncEndpoint, type FieldAnswer } from './appsync/endpoint.ts';
import { loadAppSyncSchema, readSchemaFile } from './appsync/schema.ts';
import { type BcryptPool, createBcryptPool } from './bcrypt-pool.ts';
import { type BodyParser, startBodyParserThread } from './body-parser.ts';
import { type Readiness, startHttpServer } from './http-server.ts';
import { lambdaContext } from './lambda-context.ts';
import { LOCAL_WORKER_QUEUE_CONNECTIONS, type LocalConfigs, localConfigs } from './local-config.ts';
import { appDatabaseUrl, startLocalDatabase } from './local-database.ts';
import {
  type AdminCredentials,
  ensureApiKey,
  ensureDataDir,
  localPaths,
  newAdminCredentials,
  readAdmin,
  saveAdmin,
} from './local-files.ts';
import type { LogOutput } from './log-output.ts';
import { createPrometheusExporter, type PrometheusExporter, sampleQueuesAndDatabase } from './prometheus.ts';
import { scheduleReconciler } from './reconciler-schedule.ts';
import { startRedactionThread } from './redaction-thread.ts';
import { runShutdown, type ShutdownStep, WORKERS_DEADLINE_MS } from './shutdown.ts';
import { localUploadConfig, localUploadRoute, type UploadRoute } from './uploads.ts';
import { startWorkerThreads, type WorkerThreads } from './worker-threads.ts';

export interface LocalRuntimeOptions {
  port: number;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** The user's settings (LLM, triage, token lifetimes, …); default `process.env`. Read, never changed. */
  env?: Readonly<Record<string, string | undefined>>;
  /** AppSync limits, as configured on the deployed API. */
  queryDepthLimit?: number;
  resolverCountLimit?: number;
  reconcileEverySeconds?: number;
  onError?: (error: unknown) => void;
  /** Start-up notices for the user (default: stdout), e.g. an orphaned PostgreSQL that was stopped. */
  onNotice?: (line: string) => void;
  /** Every job queue's visibility timeout, instead of the registry's (tests of a crashed worker). */
  visibilityTimeoutSeconds?: number;
  /** Where the worker threads' stdout and stderr go (default: the process's own, unchanged). */
  workerOutput?: LogOutput;
}

export interface LocalRuntime {
  url: string;
  apiKey: string;
  /** Set only on the first start of a data dir: the credentials are printed once. */
  createdAdmin: AdminCredentials | null;
  /** The job kinds' worker threads (tests end one to see it restarted). */
  workers: Pick<WorkerThreads, 'terminate' | 'restarts'>;
  /** The threads bcrypt runs on, off the API's event loop (started by the first login). */
  bcrypt: Pick<BcryptPool, 'threads'>;
  stop: () => Promise<void>;
}

type Cleanup = () => Promise<void>;

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  const paths = localPaths(dataDir);
  // One JSON line per failure, with no SQL parameters or stack (issue 13): the same shape as the handlers' logs.
  const onError =
    options.onError ??
    ((error: unknown) => logger.error('Local runtime error', { error: technicalDetail(error) }));
  const notice = options.onNotice ?? ((line: string) => process.stdout.write(`${line}\n`));
  ensureDataDir(dataDir);

  const database = await startLocalDatabase({ dataDir, databaseUrl: options.databaseUrl, onNotice: notice });
  const cleanups: ShutdownStep[] = [{ name: 'the database', run: database.stop }];
  const stopAll = () => {
    // The database stops last, but the terminal's Ctrl-C may already have stopped it: no restart then.
    database.beginStop();
    return runShutdown(cleanups.splice(0), onError);
  };
  try {
    const appUrl = await migrate(database.url);
    const connection = connectDatabase({ url: appUrl, maxConnections: 4 });
    cleanups.push({ name: 'the database pool', run: connection.close });
    await ensureKeySetFile(paths.keySet);
    const apiKey = ensureApiKey(paths.apiKey);
    const configs = localConfigs(options.env ?? process.env, {
      databaseUrl: appUrl,
      keySet: paths.keySet,
      uploads: localUploadConfig(dataDir),
    });
    const createdAdmin = await ensureAdmin(paths.admin, configs);

    const queue = new LocalQueue(connection.sql, queueDefinitions(options.visibilityTimeoutSeconds));
    const metrics = startMetrics(queue, connection.sql);
    cleanups.push({ name: 'the metrics', run: metrics.stop });
    const uploads = localUploadRoute(connection, configs.resolver);
    // Closed after the HTTP server (steps stop last-started first), so requests in flight finish their logins.
    const bcrypt = createBcryptPool();
    cleanups.push({ name: 'the bcrypt threads', run: bcrypt.close });
    const redaction = startRedactionThread({ fallback: (raw, o) => redactLogPausing(raw, o, nextTurn) });
    cleanups.push({ name: 'the redaction thread', run: redaction.close });
    const bodies = startBodyParserThread();
    cleanups.push({ name: 'the body parser thread', run: bodies.close });
    const server = await startEndpoint(
      configs,
      apiKey,
      options,
      metrics.exporter,
      onError,
      uploads,
      { bcrypt, redact: redaction.redact, parseBody: bodies.parse },
      () => readiness(connection),
    );
    cleanups.push({ name: 'the HTTP server', run: server.close });
    // The embedded database is this process's alone (a second ai-ops on the data dir is refused): what a killed
    // run had in flight is nobody's now, so it runs at once rather than after its visibility timeout.
    if (database.embedded) {
      const released = await queue.releaseInFlight();
      if (released > 0) notice(`Resuming ${released} job message(s) left in flight by an earlier run`);
    }
    const workers = startWorkers(queue, configs, metrics.exporter, onError, options.workerOutput);
    cleanups.push({ name: 'the worker threads', run: workers.stop, deadlineMs: WORKERS_DEADLINE_MS });
    const reconciler = createReconciler(configs.reconciler);
    cleanups.push({
      name: 'the reconciler',
      run: scheduleReconciler(
        () => reconciler(scheduledEvent(), lambdaContext('ai-ops-reconciler', 60)),
        options.reconcileEverySeconds ?? 60,
      ),
    });
    cleanups.push({ name: 'the upload expiry', run: startUploadExpiry(dataDir, onError) });
    return { url: server.url, apiKey, createdAdmin, workers, bcrypt, stop: stopAll };
  } catch (error: unknown) {
    await stopAll();
    throw error;
  }
}

/** The registry's queues, each with the given visibility timeout when one is given. */
function queueDefinitions(visibilityTimeoutSeconds: number | undefined): LocalQueueDefinition[] {
  const definitions = localQueueDefinitions();
  if (visibilityTimeoutSeconds === undefined) return definitions;
  return definitions.map((definition) => ({ ...definition, visibilityTimeoutSeconds }));
}

/**
 * Applies the migrations as the database's owner (the URL given or the embedded server's superuser), and
 * returns the URL every handler connects with: the application's role, which cannot alter the audit log.
 */
async function migrate(ownerUrl: string): Promise<string> {
  // Migrations may take longer than a request's statement limit.
  const owner = connectDatabase({ url: ownerUrl, maxConnections: 1, statementTimeoutMs: 0 });
  try {
    await applyMigrations(owner.db);
    return await appDatabaseUrl({ sql: owner.sql, url: ownerUrl }, (message) => logger.warn(message));
  } finally {
    await owner.close();
  }
}

/**
 * `/metrics`: what the handlers emit (observed), the endpoint's API metrics, and the queue and database
 * gauges read from the local queue at each scrape.
 */
function startMetrics(queue: LocalQueue, sql: Sql): { exporter: PrometheusExporter; stop: Cleanup } {
  const queues = new LocalDeadLetters(queue, localQueueNames());
  const exporter = createPrometheusExporter({
    knownDimensions: { kind: JOB_KIND_NAMES, task: LLM_TASKS, outcome: LLM_OUTCOMES },
    sample: () =>
      sampleQueuesAndDatabase({
        kinds: JOB_KIND_NAMES,
        queues,
        databaseConnections: async () => {
          const [row] = await sql<{ count: number }[]>`
            select count(*)::int as count from pg_stat_activity where datname = current_database()`;
          return row?.count ?? 0;
        },
      }),
  });
  const unobserve = observeMetrics(exporter.observer);
  return { exporter, stop: async () => unobserve() };
}

/** One answered root field (or refused request) as the API metrics count it. */
function recordAnswer(exporter: PrometheusExporter, answer: FieldAnswer): void {
  const operation = answer.operation ?? WHOLE_REQUEST;
  const errorType = answer.errorType ?? NO_ERROR;
  exporter.record(API_METRICS.apiRequests, 1, { operation, errorType });
  exporter.record(API_METRICS.apiLatency, answer.durationMs, { operation });
}

/** Lets the event loop serve what is waiting (requests, database answers) before the caller goes on. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The AppSync-compatible endpoint over the authorizer and resolver handlers, served over HTTP. */
async function startEndpoint(
  configs: LocalConfigs,
  apiKey: string,
  options: LocalRuntimeOptions,
  exporter: PrometheusExporter,
  onError: (error: unknown) => void,
  uploads: UploadRoute,
  threads: { bcrypt: BcryptPool; redact: RedactLogElsewhere; parseBody: BodyParser['parse'] },
  ready: () => Promise<Readiness>,
) {
  const authorizer = createAuthorizer(configs.authorizer);
  // A pasted log is redacted on a thread of its own: 5 MB in one go held every other request for 150–260 ms,
  // and even in slices it kept this loop busy for most of a paste (docs/architecture.md, "Where a pasted log is
  // redacted"). Should the thread fail, the log is redacted here in slices with a turn of the loop between them.
  const resolver = createResolver(configs.resolver, { bcrypt: threads.bcrypt, redact: threads.redact });
  const endpoint = createAppSyncEndpoint({
    schema: loadAppSyncSchema(readSchemaFile(resolve(import.meta.dirname, '../schema/schema.graphql'))),
    apiId: 'local',
    apiKeys: () => [apiKey],
    authorizer: (event) => authorizer(event, lambdaContext('ai-ops-authorizer', 10)),
    identityValidationExpression: new RegExp(AUTHORIZATION_HEADER_PATTERN),
    authorizerTtlSeconds: 60,
    resolver: (event) => resolver(event, lambdaContext('ai-ops-api', 30)),
    queryDepthLimit: options.queryDepthLimit ?? 10,
    resolverCountLimit: options.resolverCountLimit ?? 50, // as every deployed stage (bin/stages.ts)
    introspection: true,
    // The API's request-wide bounds (lambdas/api/fan-out.ts): the resolver applies the same count per field.
    refuseOperation: fanOutRefusal,
    onInternalError: onError,
    onAnswer: (answer) => recordAnswer(exporter, answer),
  });
  return startHttpServer({
    port: options.port,
    handleGraphQL: endpoint.handle,
    refuseFromHeaders: endpoint.refuseFromHeaders,
    metrics: exporter,
    apiKey,
    maxBodyBytes: 6 * 1024 * 1024,
    // A 5 MB body's UTF-8 check and JSON.parse were one 20–40 ms block on this loop.
    parseBody: threads.parseBody,
    onError,
    uploads,
    readiness: ready,
  });
}

/** Ready when the database answers and every migration of this build is applied. */
async function readiness(connection: DatabaseConnection & { health: DatabaseHealth }): Promise<Readiness> {
  const database = await connection.health.check();
  if (!database.ok) return { ready: false, checks: { database: database.reason, migrations: 'unknown' } };
  try {
    const pending = await pendingMigrationCount(connection.sql);
    return pending === 0
      ? { ready: true, checks: { database: 'reachable', migrations: 'applied' } }
      : { ready: false, checks: { database: 'reachable', migrations: `${pending} pending` } };
  } catch {
    return { ready: false, checks: { database: 'reachable', migrations: 'unknown' } };
  }
}

/**
 * One worker thread per job kind of the registry (local/worker-threads.ts), each running the kind's worker
 * behind an event-source mapping with the kind's batch size. Records are handed over as they arrive: no
 * batching window locally, where invocations cost nothing, and a message sent wakes its thread's receive.
 */
function startWorkers(
  queue: LocalQueue,
  configs: LocalConfigs,
  exporter: PrometheusExporter,
  onError: (error: unknown) => void,
  output: LogOutput | undefined,
): WorkerThreads {
  return startWorkerThreads({
    kinds: JOB_KIND_NAMES,
    config: configs.worker,
    queues: [...queue.definitions],
    queueConnections: LOCAL_WORKER_QUEUE_CONNECTIONS,
    // Threads long-poll their queue on notifications (local-queue-wakeups.ts); they poll at this interval only
    // while the notification connection is down, as they all did before (~1.7 s CPU a minute idle).
    pollIntervalMs: 250,
    longPollMaxMs: LONG_POLL_MAX_MS,
    onMetric: exporter.observer,
    onError,
    output,
  });
}

/**
 * The longest a worker thread's receive waits with nothing notified or due: 5 s under the pools' idle timeout,
 * so the event-source mapping's connection stays open between polls. At SQS's 20 s, each poll of an idle stack
 * found its connection just closed and opened another (a backend forked, SCRAM, postgres.js's type query).
 */
const LONG_POLL_MAX_MS = (CONNECTION_LIMITS.idleTimeoutSeconds - 5) * 1000;

/** Uploaded files are kept as long as the bucket keeps them: swept at start, then every hour. */
function startUploadExpiry(dataDir: string, onError: (error: unknown) => void): Cleanup {
  const sweep = () => void expireLocalUploads(dataDir, UPLOAD_RETENTION_DAYS).catch(onError);
  sweep();
  const timer = setInterval(sweep, 3600 * 1000);
  timer.unref();
  return async () => clearInterval(timer);
}

async function ensureAdmin(path: string, configs: LocalConfigs): Promise<AdminCredentials | null> {
  if (readAdmin(path)) return null;
  const credentials = newAdminCredentials();
  const { bootstrapLocalAdmin } = await import('./bootstrap-admin.ts');
  await bootstrapLocalAdmin(configs.authorizer, credentials);
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
