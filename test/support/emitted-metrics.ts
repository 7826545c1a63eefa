/**
 * What the handlers really emit: the job worker (success, permanent failure, refused input, retry, poison message), the
 * reconciler, the authorizer, the auth events and error answers (internal, database unreachable) of the resolver, and the LLM layer against the fake OpenAI
 * server, each with a recording metrics sink. Infrastructure tests hold alarms and dashboards against this.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent } from 'aws-lambda';
import { metricsAuthEvents } from '../../lambdas/adapters/auth-dependencies.ts';
import { powertoolsLlmMetrics } from '../../lambdas/adapters/llm/metrics.ts';
import { createOpenAiProvider } from '../../lambdas/adapters/llm/openai-provider.ts';
import { createAuthorizerHandler } from '../../lambdas/authorizer/authorizer.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import type { Job } from '../../lambdas/core/jobs/job.ts';
import type { JobRepo } from '../../lambdas/core/jobs/ports.ts';
import { PermanentJobError } from '../../lambdas/core/jobs/run-job.ts';
import { llmTriage } from '../../lambdas/core/llm/ticket-triage.ts';
import { createReconcilerHandler } from '../../lambdas/reconciler/reconcile-handler.ts';
import { toErrorEnvelope } from '../../lambdas/shared/appsync-errors.ts';
import { llmConfigSchema } from '../../lambdas/shared/config.ts';
import type { MetricsSink, SingleMetricSource } from '../../lambdas/shared/observability.ts';
import { makeJobWorker } from '../../lambdas/shared/sqs-worker.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { answer, startFakeOpenAi } from './fake-openai.ts';
import { sqsRecord } from './sqs-record.ts';
import { LOCAL_TRIAGE_ANSWER } from './triage.ts';

/** A metric as CloudWatch keys it: its name and the names of its dimensions (Powertools adds `service`). */
export interface Emission {
  name: string;
  dimensions: string[];
}

class RecordingSink implements MetricsSink, SingleMetricSource {
  readonly emissions: Emission[] = [];
  #dimensions: string[] = [];
  /** Further dimension sets (`addDimensions`): the value is stored under each as well. */
  #sets: string[][] = [];
  addDimension(name: string) {
    this.#dimensions.push(name);
  }
  addDimensions(dimensions: Record<string, string>) {
    this.#sets.push(Object.keys(dimensions));
  }
  addMetric(name: string) {
    for (const set of [this.#dimensions, ...this.#sets]) {
      this.emissions.push({ name, dimensions: ['service', ...set].sort() });
    }
  }
  publishStoredMetrics() {
    this.#dimensions = [];
    this.#sets = [];
  }
  singleMetric() {
    const single = new RecordingSink();
    return {
      addDimension: (name: string) => single.addDimension(name),
      addDimensions: (dimensions: Record<string, string>) => single.addDimensions(dimensions),
      addMetric: (name: string) => {
        single.addMetric(name);
        this.emissions.push(...single.emissions.splice(0));
      },
    };
  }
}

const silent = new Logger({ logLevel: 'SILENT' });
const context: Context = lambdaContext('emitted-metrics', 30);

function fakeJob(id: string): Job {
  const now = new Date();
  return {
    id,
    kind: 'summarize-log',
    status: 'QUEUED',
    subjectId: null,
    ownerId: null,
    attempts: 0,
    lastError: null,
    traceId: null,
    model: null,
    createdAt: now,
    updatedAt: now,
    enqueuedAt: null,
    startedAt: null,
    finishedAt: null,
    firstFailedAt: null,
    lastFailedAt: null,
  };
}

const JOB_IDS = {
  ok: '00000000-0000-4000-8000-000000000001',
  permanent: '00000000-0000-4000-8000-000000000002',
  retry: '00000000-0000-4000-8000-000000000003',
  refused: '00000000-0000-4000-8000-000000000004',
};

const record = (id: string, body: string) => sqsRecord(id, body, 50);

async function runWorker(sink: RecordingSink): Promise<void> {
  const jobs: JobRepo = {
    create: async () => fakeJob(JOB_IDS.ok),
    get: async (id) => fakeJob(id),
    markEnqueued: async () => {},
    claim: async (id) => ({ ...fakeJob(id), status: 'PROCESSING', attempts: 1 }),
    recordAttemptError: async () => {},
    markSucceeded: async () => true,
    markFailed: async () => true,
    findUnsent: async () => [],
    findAbandonedUploads: async () => [],
    rearm: async () => true,
  };
  const worker = makeJobWorker({
    kind: 'summarize-log',
    jobs,
    maxReceiveCount: 3,
    work: async (job) => {
      if (job.id === JOB_IDS.permanent) throw new PermanentJobError('the log entry is gone');
      if (job.id === JOB_IDS.retry) throw new Error('database unavailable');
      if (job.id === JOB_IDS.refused) throw new ValidationError('raw', 'not a gzip file');
      return { model: null };
    },
    backoff: { baseSeconds: 1, maxSeconds: 2 },
    retryDelay: async () => {},
    logger: silent,
    metrics: sink,
  });
  const message = (jobId: string) => JSON.stringify({ jobId, kind: 'summarize-log' });
  const event: SQSEvent = {
    Records: [
      record('m1', message(JOB_IDS.ok)),
      record('m2', message(JOB_IDS.permanent)),
      record('m3', message(JOB_IDS.retry)),
      record('m4', 'not a job'),
      record('m5', message(JOB_IDS.refused)),
    ],
  };
  await worker(event, context);
}

async function runReconciler(sink: RecordingSink): Promise<void> {
  const reconcile = createReconcilerHandler({
    resolve: async () => ({
      jobs: {
        ...({} as JobRepo),
        findUnsent: async () => [fakeJob(JOB_IDS.ok)],
        findAbandonedUploads: async () => [],
        markEnqueued: async () => {},
      },
      queue: { send: async () => {} },
    }),
    clock: { now: () => new Date() },
    logger: silent,
    metrics: sink,
    olderThanSeconds: 0,
    limit: 10,
  });
  await reconcile({}, context);
}

async function runAuthorizer(sink: RecordingSink): Promise<void> {
  const authorize = createAuthorizerHandler({
    deps: () => Promise.reject(new Error('no database')),
    logger: silent,
    metrics: sink,
  });
  await authorize({ authorizationToken: 'Bearer x' });
}

async function runModel(sink: RecordingSink): Promise<void> {
  const fake = await startFakeOpenAi();
  try {
    const config = llmConfigSchema.parse({
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test-key',
      LLM_MAX_ATTEMPTS: '1',
      LLM_CIRCUIT_OPEN_SECONDS: '0',
    });
    const metrics = powertoolsLlmMetrics(sink);
    const client = createOpenAiProvider(config, { metrics });
    const refine = llmTriage(
      { client, models: { summary: 'm', triage: 'm', changelog: 'm' }, gate: async () => true, metrics },
      { categories: ['BUG', 'FEATURE'], maxAnswerTokens: 200, jobTokenBudget: 10_000 },
    );
    const local = LOCAL_TRIAGE_ANSWER;
    const ticket = { title: 'Crash on save', body: 'The editor crashes.' };
    fake.script(
      answer({ category: 'BUG', priority: 'P2', labels: [], confidence: 0.9, rationale: 'crash' }),
      { kind: 'status', status: 400, message: 'bad request' },
    );
    await refine(ticket, local, { userId: null });
    await refine(ticket, local, { userId: null });
  } finally {
    await fake.close();
  }
}

/** Every metric some handler emitted, as CloudWatch keys it. */
export async function emittedMetrics(): Promise<Emission[]> {
  const sink = new RecordingSink();
  await runWorker(sink);
  await runReconciler(sink);
  await runAuthorizer(sink);
  const events = metricsAuthEvents(sink);
  events.loginFailed('invalid_credentials');
  events.refreshTokenReused?.('session');
  await runModel(sink);
  toErrorEnvelope(new Error('an unexpected failure in a resolver'), sink);
  toErrorEnvelope(
    Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
    sink,
  );
  return sink.emissions;
}
