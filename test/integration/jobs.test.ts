import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDatabase } from '../../lambdas/adapters/db/client.ts';
import { createJobRecord, createJobRepo } from '../../lambdas/adapters/db/job-repo.ts';
import { changeEvents, jobs as jobsTable } from '../../lambdas/adapters/db/schema.ts';
import {
  LocalDeadLetters,
  LocalJobQueue,
  LocalQueue,
  type LocalQueueDefinition,
} from '../../lambdas/adapters/queue/local-queue.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { SAFE_REASONS } from '../../lambdas/core/failures.ts';
import { type DispatchDeps, dispatchJob } from '../../lambdas/core/jobs/dispatch.ts';
import type { Job, JobMessage, NewJob } from '../../lambdas/core/jobs/job.ts';
import type { JobQueue, JobRepo } from '../../lambdas/core/jobs/ports.ts';
import {
  ABANDONED_UPLOAD_AFTER_SECONDS,
  ABANDONED_UPLOAD_REASON,
  reconcileUnsentJobs,
} from '../../lambdas/core/jobs/reconcile.ts';
import { redriveDeadLetters } from '../../lambdas/core/jobs/redrive.ts';
import { type JobWork, PermanentJobError, runJob } from '../../lambdas/core/jobs/run-job.ts';
import { createReconcilerHandler } from '../../lambdas/reconciler/reconcile-handler.ts';
import { timeLeftMs } from '../../lambdas/shared/deadline.ts';
import { type MetricsSink, makeJobWorker } from '../../lambdas/shared/sqs-worker.ts';
import { startEventSourceMapping } from '../../local/event-source-mapping.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/eventually.ts';
import { sqsRecord } from '../support/sqs-record.ts';

const silent = new Logger({ logLevel: 'SILENT' });

class RecordingQueue implements JobQueue {
  readonly sent: JobMessage[] = [];
  failuresLeft: number;
  constructor(failures = 0) {
    this.failuresLeft = failures;
  }
  async send(message: JobMessage): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('SQS unavailable');
    }
    this.sent.push(message);
  }
}

class RecordingMetrics implements MetricsSink {
  readonly values: { name: string; value: number; kind: string | undefined }[] = [];
  #kind: string | undefined;
  addDimension(name: string, value: string) {
    if (name === 'kind') this.#kind = value;
  }
  addMetric(name: string, _unit: string, value: number) {
    this.values.push({ name, value, kind: this.#kind });
  }
  publishStoredMetrics() {
    this.#kind = undefined;
  }
  count(name: string): number {
    return this.values.filter((v) => v.name === name).reduce((sum, v) => sum + v.value, 0);
  }
}

const warnings: string[] = [];
const warningLog = { warn: (message: string) => void warnings.push(message) };

const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'reconciler',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:reconciler',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/reconciler',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

let database: TestDatabase;
let repo: JobRepo;

/** What an accept use case does for its job: commit the row, then dispatch it. */
async function acceptJob(deps: Omit<DispatchDeps, 'jobs'>, input: NewJob): Promise<Job> {
  return dispatchJob({ ...deps, jobs: repo }, await repo.create(input));
}
beforeAll(async () => {
  database = await createTestDatabase();
  repo = createJobRepo(database.db);
});
afterAll(async () => database.close());

describe('accepting jobs', () => {
  it('commits the job before sending its message', async () => {
    const observer = connectDatabase({ url: database.url });
    try {
      let seenAtSend: Job | undefined;
      const queue: JobQueue = {
        async send(message) {
          const [row] = await observer.db.select().from(jobsTable).where(eq(jobsTable.id, message.jobId));
          seenAtSend = row;
        },
      };
      const subjectId = randomUUID();
      const job = await acceptJob({ queue }, { kind: 'summarize-log', subjectId, traceId: 'trace-1' });

      expect(seenAtSend).toMatchObject({ id: job.id, status: 'QUEUED', subjectId, enqueuedAt: null });
      expect((await repo.get(job.id))?.enqueuedAt).toBeInstanceOf(Date);
    } finally {
      await observer.close();
    }
  });

  it('sends ids only: job id, kind and trace id', async () => {
    const queue = new RecordingQueue();
    const job = await acceptJob({ queue }, { kind: 'triage-ticket', subjectId: randomUUID(), traceId: 'tr' });
    expect(queue.sent).toEqual([{ jobId: job.id, kind: 'triage-ticket', traceId: 'tr' }]);
  });

  it('still accepts the job when the send fails, leaving it for the reconciler', async () => {
    const job = await acceptJob({ queue: new RecordingQueue(1), log: warningLog }, { kind: 'summarize-log' });
    const stored = await repo.get(job.id);
    expect(stored).toMatchObject({ status: 'QUEUED', enqueuedAt: null });
    expect(warnings.some((w) => w.includes('reconciler'))).toBe(true);
  });

  it('creates a job inside the caller’s transaction and dispatches it after the commit', async () => {
    const rolledBackId = await database.db
      .transaction(async (tx) => {
        const job = await createJobRecord(tx, { kind: 'triage-ticket' });
        tx.rollback();
        return job.id;
      })
      .catch(() => undefined);
    expect(rolledBackId).toBeUndefined();

    const job = await database.db.transaction((tx) => createJobRecord(tx, { kind: 'triage-ticket' }));
    const queue = new RecordingQueue();
    const dispatched = await dispatchJob({ jobs: repo, queue }, job);
    expect(queue.sent.map((m) => m.jobId)).toEqual([job.id]);
    expect(dispatched.enqueuedAt).toBeInstanceOf(Date);
  });
});

describe('reconciler', () => {
  const later = { now: () => new Date(Date.now() + 60_000) };

  it('re-sends a job whose first send failed, once', async () => {
    const queue = new RecordingQueue(1);
    const job = await acceptJob({ queue, log: warningLog }, { kind: 'summarize-log' });
    expect(queue.sent).toEqual([]);

    const result = await reconcileUnsentJobs(
      { jobs: repo, queue, clock: later },
      { olderThanSeconds: 30, limit: 1000 },
    );

    expect(queue.sent.map((m) => m.jobId)).toContain(job.id);
    expect(result.sent).toBe(result.found);
    expect((await repo.get(job.id))?.enqueuedAt).toBeInstanceOf(Date);
    const again = await reconcileUnsentJobs(
      { jobs: repo, queue, clock: later },
      { olderThanSeconds: 30, limit: 1000 },
    );
    expect(again).toEqual({ found: 0, sent: 0, failed: 0 });
  });

  it('leaves young jobs alone: their resolver may still be sending them', async () => {
    const queue = new RecordingQueue();
    const job = await acceptJob({ queue: new RecordingQueue(1), log: warningLog }, { kind: 'triage-ticket' });
    await reconcileUnsentJobs(
      { jobs: repo, queue, clock: { now: () => new Date() } },
      { olderThanSeconds: 600, limit: 10 },
    );
    expect(queue.sent.map((m) => m.jobId)).not.toContain(job.id);
  });

  it('counts sends that fail again and keeps those jobs for the next run', async () => {
    await acceptJob({ queue: new RecordingQueue(1), log: warningLog }, { kind: 'triage-ticket' });
    const alwaysDown = new RecordingQueue(Number.POSITIVE_INFINITY);
    const result = await reconcileUnsentJobs(
      { jobs: repo, queue: alwaysDown, clock: later, log: warningLog },
      { olderThanSeconds: 30, limit: 1000 },
    );
    expect(result.failed).toBe(result.found);
    expect(result.found).toBeGreaterThan(0);
    const retry = await reconcileUnsentJobs(
      { jobs: repo, queue: new RecordingQueue(), clock: later },
      { olderThanSeconds: 30, limit: 1000 },
    );
    expect(retry.sent).toBe(result.found);
  });

  it('the scheduled handler sends unsent jobs to the local queue and emits JobsReconciled', async () => {
    const definition: LocalQueueDefinition = { name: 'reconcile-summarize', visibilityTimeoutSeconds: 30 };
    const localQueue = new LocalQueue(database.sql, [definition]);
    const job = await acceptJob({ queue: new RecordingQueue(1), log: warningLog }, { kind: 'summarize-log' });
    const metrics = new RecordingMetrics();
    const handler = createReconcilerHandler({
      resolve: async () => ({
        jobs: repo,
        queue: new LocalJobQueue(localQueue, { 'summarize-log': definition.name }),
      }),
      clock: later,
      logger: silent,
      metrics,
      olderThanSeconds: 30,
      limit: 1000,
    });

    const result = await handler({}, lambdaContext);

    const bodies = (await localQueue.receive(definition.name, { maxMessages: 100 })).map((m) =>
      JSON.parse(m.body),
    );
    expect(bodies).toContainEqual({ jobId: job.id, kind: 'summarize-log' });
    expect(metrics.count('JobsReconciled')).toBe(result.sent);
    expect(result.sent).toBeGreaterThan(0);
  });

  it('fails an upload whose file never arrived once its URL and an hour of margin are past', async () => {
    const abandoned = await createJobRecord(database.db, {
      kind: 'summarize-log',
      status: 'AWAITING_UPLOAD',
    });
    const handler = (at: Date) =>
      createReconcilerHandler({
        resolve: async () => ({ jobs: repo, queue: new RecordingQueue() }),
        clock: { now: () => at },
        logger: silent,
        metrics: new RecordingMetrics(),
        olderThanSeconds: 30,
        limit: 1000,
      });
    // Within the URL's lifetime and the margin, the job keeps waiting for its file.
    const soon = new Date(abandoned.createdAt.getTime() + (ABANDONED_UPLOAD_AFTER_SECONDS - 120) * 1000);
    await handler(soon)({}, lambdaContext);
    expect((await repo.get(abandoned.id))?.status).toBe('AWAITING_UPLOAD');

    const past = new Date(abandoned.createdAt.getTime() + (ABANDONED_UPLOAD_AFTER_SECONDS + 60) * 1000);
    const result = await handler(past)({}, lambdaContext);

    expect(result.expiredUploads).toBeGreaterThanOrEqual(1);
    expect(await repo.get(abandoned.id)).toMatchObject({
      status: 'FAILED',
      lastError: ABANDONED_UPLOAD_REASON,
    });
    const steps = await database.db
      .select()
      .from(changeEvents)
      .where(and(eq(changeEvents.entityId, abandoned.id), eq(changeEvents.action, 'job_failed')));
    expect(steps).toHaveLength(1);
    // A file arriving after that finds the job final and leaves it alone.
    expect(await repo.claim(abandoned.id)).toBeUndefined();
  });

  it('rejects a limit out of range with a ValidationError', async () => {
    await expect(
      reconcileUnsentJobs(
        { jobs: repo, queue: new RecordingQueue(), clock: later },
        { olderThanSeconds: 1, limit: 0 },
      ),
    ).rejects.toMatchObject({ field: 'limit' });
  });
});

describe('running jobs', () => {
  it('a duplicate delivery of a finished job changes nothing', async () => {
    const job = await acceptJob({ queue: new RecordingQueue() }, { kind: 'summarize-log' });
    const message = { jobId: job.id, kind: job.kind };
    let runs = 0;
    const work: JobWork = async () => {
      runs += 1;
      return { model: 'local-miner' };
    };

    const first = await runJob({ jobs: repo }, message, 1, 3, work);
    const finished = await repo.get(job.id);
    const duplicate = await runJob({ jobs: repo }, message, 1, 3, work);
    const late = await runJob({ jobs: repo }, message, 2, 3, async () => {
      throw new Error('must not run');
    });

    expect(first.status).toBe('succeeded');
    expect(duplicate).toEqual({ status: 'skipped', jobId: job.id, reason: 'already-final' });
    expect(late.status).toBe('skipped');
    expect(runs).toBe(1);
    expect(await repo.get(job.id)).toEqual(finished);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', attempts: 1, model: 'local-miner' });
    expect(finished?.finishedAt).toBeInstanceOf(Date);
  });

  it('a final job never changes again, whatever the repository is asked', async () => {
    const job = await acceptJob({ queue: new RecordingQueue() }, { kind: 'summarize-log' });
    await runJob({ jobs: repo }, { jobId: job.id, kind: job.kind }, 1, 3, async () => {
      throw new PermanentJobError('log entry was deleted');
    });
    const failed = await repo.get(job.id);
    expect(await repo.claim(job.id)).toBeUndefined();
    expect(await repo.markSucceeded(job.id, { model: 'x' })).toBe(false);
    expect(await repo.markFailed(job.id, 'other')).toBe(false);
    await repo.recordAttemptError(job.id, 'late error');
    expect(await repo.get(job.id)).toEqual(failed);
    expect(failed).toMatchObject({ status: 'FAILED', lastError: 'log entry was deleted' });
  });

  it('records the error of an attempt that will be retried and keeps the job PROCESSING', async () => {
    const job = await acceptJob({ queue: new RecordingQueue() }, { kind: 'triage-ticket' });
    await expect(
      runJob({ jobs: repo }, { jobId: job.id, kind: job.kind }, 1, 3, async () => {
        throw new Error('LLM returned 503');
      }),
    ).rejects.toThrow('LLM returned 503');
    expect(await repo.get(job.id)).toMatchObject({
      status: 'PROCESSING',
      attempts: 1,
      // Not our own error: its text may hold anything (SQL, parameters), so the owner reads a classified one.
      lastError: SAFE_REASONS.internal,
    });
  });
});

describe('job workers on the local queue', () => {
  let counter = 0;
  function setUp(
    work: JobWork,
    options: { maxReceiveCount?: number; deferStart?: boolean; logger?: Logger } = {},
  ) {
    counter += 1;
    const definition: LocalQueueDefinition = {
      name: `jobs-${counter}`,
      visibilityTimeoutSeconds: 30,
      deadLetterQueue: { name: `jobs-${counter}-dlq`, maxReceiveCount: options.maxReceiveCount ?? 3 },
    };
    const localQueue = new LocalQueue(database.sql, [definition]);
    const kinds = { 'summarize-log': definition.name };
    const metrics = new RecordingMetrics();
    const retryDelays: number[] = [];
    const retryDelay = localQueue.retryDelayFor(definition.name);
    const handler = makeJobWorker({
      kind: 'summarize-log',
      jobs: repo,
      maxReceiveCount: options.maxReceiveCount ?? 3,
      work,
      // Cap 1 s with a draw that rounds down: retries come back at once, keeping the test quick.
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      random: () => 0.4,
      retryDelay: async (receiptHandle, seconds) => {
        retryDelays.push(seconds);
        await retryDelay(receiptHandle, seconds);
      },
      logger: options.logger ?? silent,
      metrics,
    });
    const batchSizes: number[] = [];
    const start = () =>
      startEventSourceMapping({
        queue: localQueue,
        definition,
        handler: (event, context) => {
          batchSizes.push(event.Records.length);
          return handler(event, context);
        },
        batchSize: 10,
        pollIntervalMs: 50,
        logger: silent,
      });
    let running = options.deferStart ? undefined : start();
    const mapping = {
      start: () => {
        running ??= start();
      },
      stop: async () => running?.stop(),
    };
    return {
      batchSizes,
      definition,
      localQueue,
      metrics,
      retryDelays,
      mapping,
      jobQueue: new LocalJobQueue(localQueue, kinds),
      deadLetters: new LocalDeadLetters(localQueue, kinds),
    };
  }

  it('a job that keeps failing ends FAILED with the reason, and its message in the DLQ', async () => {
    const { jobQueue, deadLetters, mapping, metrics, retryDelays, localQueue, definition } = setUp(
      async () => {
        throw new Error('LLM timed out after 30 s');
      },
    );
    try {
      const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log', traceId: 'trace-7' });

      const [deadLetter] = await until(async () => {
        const letters = await deadLetters.list('summarize-log', 10);
        return letters.length > 0 ? letters : undefined;
      });

      expect(deadLetter).toMatchObject({ jobId: job.id, kind: 'summarize-log', receiveCount: 3 });
      expect(await repo.get(job.id)).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        lastError: `Gave up after 3 attempts: ${SAFE_REASONS.internal}`,
      });
      expect(await localQueue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 0 });
      expect(retryDelays).toEqual([0, 0, 0]);
      expect(metrics.count('JobsStarted')).toBe(3);
      expect(metrics.count('JobRetries')).toBe(2);
      expect(metrics.count('JobsFailed')).toBe(1);
      expect(metrics.values.every((v) => v.kind === 'summarize-log')).toBe(true);
    } finally {
      await mapping.stop();
    }
  });

  it('redriving the message of a job that already FAILED changes nothing', async () => {
    let runs = 0;
    const { jobQueue, deadLetters, mapping, localQueue, definition } = setUp(
      async () => {
        runs += 1;
        throw new Error('boom');
      },
      { maxReceiveCount: 1 },
    );
    try {
      const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log' });
      await until(async () => ((await deadLetters.list('summarize-log', 10)).length > 0 ? true : undefined));
      const failed = await repo.get(job.id);

      expect(await deadLetters.redrive('summarize-log')).toEqual({ moved: 1, taskHandle: null });
      await until(async () => {
        const depth = await localQueue.depth(definition.name);
        return depth.visible + depth.inFlight === 0 ? true : undefined;
      });

      expect(runs).toBe(1);
      expect(await repo.get(job.id)).toEqual(failed);
      expect(await deadLetters.list('summarize-log', 10)).toEqual([]);
    } finally {
      await mapping.stop();
    }
  });

  it('a redrive re-arms the FAILED job with a fresh attempt budget, records who and when, and runs it again', async () => {
    let runs = 0;
    const { jobQueue, deadLetters, mapping } = setUp(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('poison on the first run');
        return { model: null };
      },
      { maxReceiveCount: 1 },
    );
    try {
      const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log' });
      await until(async () => ((await deadLetters.list('summarize-log', 10)).length > 0 ? true : undefined));
      expect(await repo.get(job.id)).toMatchObject({ status: 'FAILED', attempts: 1 });
      const actorId = randomUUID();
      const at = new Date('2026-03-01T10:00:00Z');

      const outcome = await redriveDeadLetters(
        { deadLetters, jobs: repo, clock: { now: () => at } },
        { kind: 'summarize-log', actorId },
      );

      expect(outcome).toEqual({ moved: 1, taskHandle: null, rearmed: 1 });
      const done = await until(async () => {
        const current = await repo.get(job.id);
        return current?.status === 'SUCCEEDED' ? current : undefined;
      });
      expect(done).toMatchObject({ attempts: 1, lastError: null });
      expect(runs).toBe(2);
      const history = await database.db
        .select()
        .from(changeEvents)
        .where(and(eq(changeEvents.entityType, 'job'), eq(changeEvents.entityId, job.id)))
        .orderBy(changeEvents.id);
      // Each attempt's steps are in the history too; the redrive is the one step with an actor.
      expect(history.map((event) => event.action)).toEqual([
        'job_started',
        'job_failed',
        'redriven',
        'job_started',
        'job_succeeded',
      ]);
      expect(history.filter((event) => event.action === 'redriven')).toEqual([
        expect.objectContaining({
          action: 'redriven',
          actorId,
          at,
          changes: expect.objectContaining({ status: { from: 'FAILED', to: 'QUEUED' } }),
        }),
      ]);
    } finally {
      await mapping.stop();
    }
  });

  it('retries a transient failure with backoff and then succeeds', async () => {
    let calls = 0;
    const { jobQueue, mapping, metrics, retryDelays } = setUp(async () => {
      calls += 1;
      if (calls === 1) throw new Error('429 Too Many Requests');
      return { model: 'gpt-test' };
    });
    try {
      const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log' });
      const done = await until(async () => {
        const current = await repo.get(job.id);
        return current?.status === 'SUCCEEDED' ? current : undefined;
      });
      expect(done).toMatchObject({ attempts: 2, model: 'gpt-test', lastError: SAFE_REASONS.internal });
      expect(retryDelays).toEqual([0]);
      expect(metrics.count('JobsSucceeded')).toBe(1);
      expect(metrics.values.some((v) => v.name === 'QueueLatency')).toBe(true);
      expect(metrics.values.filter((v) => v.name === 'JobDuration')).toHaveLength(2);
    } finally {
      await mapping.stop();
    }
  });

  it('fails a job at once on a permanent error and acknowledges its message', async () => {
    const { jobQueue, mapping, localQueue, definition, metrics } = setUp(async () => {
      throw new PermanentJobError('the log entry no longer exists');
    });
    try {
      const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log' });
      const failed = await until(async () => {
        const current = await repo.get(job.id);
        return current?.status === 'FAILED' ? current : undefined;
      });
      expect(failed).toMatchObject({ attempts: 1, lastError: 'the log entry no longer exists' });
      await until(async () => ((await localQueue.depth(definition.name)).inFlight === 0 ? true : undefined));
      expect(await localQueue.listDeadLetters(`${definition.name}-dlq`, 10)).toEqual([]);
      expect(metrics.count('JobsFailed')).toBe(1);
    } finally {
      await mapping.stop();
    }
  });

  it('logs and counts a job whose input was refused apart from a failure of the service', async () => {
    const lines: string[] = [];
    const record = (chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(record);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(record);
    const counted: [number, number, boolean][] = [];
    const logged = (message: string) =>
      lines.flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as { level?: string; message?: string };
          return parsed.message === message ? [parsed.level] : [];
        } catch {
          return [];
        }
      });
    try {
      for (const error of [
        new ValidationError('raw', 'not a gzip file'),
        new PermanentJobError('entry gone'),
      ]) {
        const { jobQueue, mapping, metrics } = setUp(
          async () => {
            throw error;
          },
          { logger: new Logger({ logLevel: 'INFO' }) },
        );
        try {
          const job = await acceptJob({ queue: jobQueue }, { kind: 'summarize-log' });
          await until(async () => ((await repo.get(job.id))?.status === 'FAILED' ? true : undefined));
        } finally {
          await mapping.stop();
        }
        // After stop(): the batch in flight has finished, so its measurements are published.
        counted.push([
          metrics.count('JobsFailed'),
          metrics.count('JobsRefused'),
          error instanceof ValidationError,
        ]);
      }
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(logged('Job refused its input and will not be retried')).toEqual(['WARN']);
    expect(logged('Job failed and will not be retried')).toEqual(['ERROR']);
    // [JobsFailed, JobsRefused, input refused]: only a failure of the service feeds the failure-rate alarm.
    expect(counted).toEqual([
      [0, 1, true],
      [1, 0, false],
    ]);
  });

  it('sends a malformed message to the DLQ without touching any job', async () => {
    let runs = 0;
    const { localQueue, definition, deadLetters, mapping, metrics } = setUp(async () => {
      runs += 1;
      return {};
    });
    try {
      await localQueue.send(definition.name, '{"jobId":"not-a-uuid"}');
      await localQueue.send(definition.name, JSON.stringify({ jobId: randomUUID(), kind: 'summarize-log' }));
      const letters = await until(async () => {
        const found = await deadLetters.list('summarize-log', 10);
        return found.length === 2 ? found : undefined;
      });
      expect(letters.map((l) => l.receiveCount)).toEqual([3, 3]);
      expect(runs).toBe(0);
      expect(metrics.count('PoisonMessages')).toBe(6);
    } finally {
      await mapping.stop();
    }
  });

  it('processes a batch in which one record fails without redoing the others', async () => {
    const failOnce = new Set<string>();
    const runsByJob = new Map<string, number>();
    const { jobQueue, mapping, batchSizes } = setUp(
      async (job) => {
        runsByJob.set(job.id, (runsByJob.get(job.id) ?? 0) + 1);
        if (failOnce.has(job.id)) {
          failOnce.delete(job.id);
          throw new Error('flaky');
        }
        return {};
      },
      { deferStart: true },
    );
    try {
      const created: Job[] = [];
      for (let i = 0; i < 3; i += 1) {
        created.push(await createJobRecord(database.db, { kind: 'summarize-log' }));
      }
      const flaky = created[1];
      if (!flaky) throw new Error('expected three jobs');
      failOnce.add(flaky.id);
      for (const job of created) await dispatchJob({ jobs: repo, queue: jobQueue }, job);
      mapping.start();

      await until(async () => {
        const statuses = await Promise.all(created.map(async (job) => (await repo.get(job.id))?.status));
        return statuses.every((s) => s === 'SUCCEEDED') ? true : undefined;
      });
      expect(created.map((job) => runsByJob.get(job.id))).toEqual([1, 2, 1]);
      expect(batchSizes).toEqual([3, 1]);
    } finally {
      await mapping.stop();
    }
  });
});

describe('time budgets of a batch', () => {
  it('gives each record an even share of the time the invocation has left, less a reserve', async () => {
    const queue = new RecordingQueue();
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push(await acceptJob({ queue }, { kind: 'summarize-log' }));
    const shares: number[] = [];
    const invocationEnds = Date.now() + 33_000;
    const handler = makeJobWorker({
      kind: 'summarize-log',
      jobs: repo,
      maxReceiveCount: 3,
      work: async () => {
        shares.push(timeLeftMs() ?? -1);
        return { model: 'local' };
      },
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      retryDelay: async () => {},
      logger: silent,
      metrics: new RecordingMetrics(),
    });
    const context = { ...lambdaContext, getRemainingTimeInMillis: () => invocationEnds - Date.now() };
    const event = { Records: queue.sent.map((m, n) => sqsRecord(`m-${n}`, JSON.stringify(m))) };
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });

    // 33 s less the 3 s reserve, split over 3 records: about 10 s for the first.
    expect(shares).toHaveLength(3);
    expect(shares[0]).toBeGreaterThan(9_000);
    expect(shares[0]).toBeLessThanOrEqual(10_000);
    // Each later record splits what is left among the records still to run (the first ones were quick).
    expect(shares[1]).toBeGreaterThan(14_000);
    expect(shares[1]).toBeLessThanOrEqual(15_000);
    expect(shares[2]).toBeGreaterThan(29_000);
    expect(shares[2]).toBeLessThanOrEqual(30_000);
    expect(timeLeftMs()).toBeUndefined();
  });
});
