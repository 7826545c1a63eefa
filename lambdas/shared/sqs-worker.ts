/**
 * The SQS plumbing every job worker shares: partial batch responses, poison-message handling, retries with
 * backoff, log correlation and job metrics. A worker Lambda only supplies the work of its job kind.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeError } from '../core/errors.ts';
import { technicalDetail } from '../core/failures.ts';
import { type BackoffPolicy, fullJitterDelaySeconds } from '../core/jobs/backoff.ts';
import { type JobKind, type JobMessage, parseJobMessage } from '../core/jobs/job.ts';
import type { JobRepo, RetryDelay } from '../core/jobs/ports.ts';
import { type JobWork, type RunJobOutcome, runJob, UnknownJobError } from '../core/jobs/run-job.ts';
import { METRICS, type MetricDefinition } from '../core/metrics.ts';
import { recordDeadline, withDeadline } from './deadline.ts';
import { emit, type MetricsSink, logger as sharedLogger, metrics as sharedMetrics } from './observability.ts';

export type { MetricsSink } from './observability.ts';

export interface JobWorkerOptions {
  kind: JobKind;
  jobs: JobRepo;
  /** The redrive policy's maxReceiveCount: the delivery with this count is the last one. */
  maxReceiveCount: number;
  work: JobWork;
  backoff: BackoffPolicy;
  /** Delays the next delivery of a failed record (ChangeMessageVisibility, or the local queue's). */
  retryDelay: RetryDelay;
  logger?: Logger;
  metrics?: MetricsSink;
  random?: () => number;
}

export type JobWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface Measurement {
  metric: MetricDefinition;
  value: number;
}

const RECORD_LOG_KEYS = ['correlation_id', 'jobId', 'jobKind', 'receiveCount', 'messageId'];

/** A record that can never succeed: it is made visible at once so it reaches the DLQ without waiting. */
class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export function makeJobWorker(options: JobWorkerOptions): JobWorkerHandler {
  if (!Number.isInteger(options.maxReceiveCount) || options.maxReceiveCount < 1) {
    throw new Error(`maxReceiveCount must be a positive integer, got ${options.maxReceiveCount}`);
  }
  const worker = new JobWorker(options);
  const metrics = options.metrics ?? sharedMetrics;
  return async (event, context) => {
    const measurements: Measurement[] = [];
    // A processor per invocation keeps batches apart if a local runtime drives several at once.
    const processor = new BatchProcessor(EventType.SQS);
    let recordsLeft = event.Records.length;
    try {
      // Sequential so that the logger's correlation id belongs to the record being processed. Each record
      // gets its share of the invocation's remaining time, so no model call outlives the function.
      return await processPartialResponse(
        event,
        (record: SQSRecord) => {
          const now = Date.now();
          const deadline = recordDeadline(context.getRemainingTimeInMillis(), recordsLeft, now);
          recordsLeft -= 1;
          return withDeadline(deadline, () => worker.handle(record, measurements));
        },
        processor,
        { context, processInParallel: false },
      );
    } finally {
      worker.logger.removeKeys(RECORD_LOG_KEYS);
      publish(metrics, options.kind, measurements);
    }
  };
}

/** One record's way through the worker: parse, run the job, and decide what the queue does next. */
class JobWorker {
  readonly logger: Logger;
  readonly #options: JobWorkerOptions;
  readonly #random: () => number;

  constructor(options: JobWorkerOptions) {
    this.#options = options;
    this.logger = options.logger ?? sharedLogger;
    this.#random = options.random ?? Math.random;
  }

  async handle(record: SQSRecord, measurements: Measurement[]): Promise<void> {
    const { kind } = this.#options;
    this.logger.removeKeys(RECORD_LOG_KEYS);
    const receiveCount = Math.max(1, Number.parseInt(record.attributes.ApproximateReceiveCount, 10) || 1);
    this.logger.appendKeys({ messageId: record.messageId, receiveCount, jobKind: kind });
    const message = await this.#messageOf(record, measurements);
    this.logger.setCorrelationId(message.traceId ?? message.jobId);
    this.logger.appendKeys({ jobId: message.jobId });
    const sentAt = Number(record.attributes.SentTimestamp);
    if (receiveCount === 1 && Number.isFinite(sentAt) && sentAt > 0) {
      // First deliveries only: later ones include the retry backoff, which is not waiting in line.
      measurements.push({ metric: METRICS.queueLatency, value: Math.max(0, Date.now() - sentAt) });
    }
    try {
      const outcome = await runJob(
        { jobs: this.#options.jobs, log: this.logger },
        message,
        receiveCount,
        this.#options.maxReceiveCount,
        this.#timed(measurements),
      );
      this.#settled(outcome, measurements);
    } catch (error: unknown) {
      await this.#failed(record, receiveCount, error, measurements);
      throw error;
    }
  }

  /** The job message of a record; a record that can never be processed is sent on to the DLQ at once. */
  async #messageOf(record: SQSRecord, measurements: Measurement[]): Promise<JobMessage> {
    const { kind } = this.#options;
    const parsed = parseJobMessage(record.body);
    if (parsed.ok && parsed.message.kind === kind) return parsed.message;
    const problem = parsed.ok
      ? `kind ${parsed.message.kind} does not belong on the ${kind} queue`
      : parsed.problem;
    measurements.push({ metric: METRICS.poisonMessages, value: 1 });
    this.logger.error('Poison message: it can never be processed and goes to the dead-letter queue', {
      problem,
    });
    await this.#delayNextDelivery(record, 0);
    throw new PoisonMessageError(`Message ${record.messageId} is not a valid ${kind} job: ${problem}`);
  }

  #timed(measurements: Measurement[]): JobWork {
    return async (job) => {
      measurements.push({ metric: METRICS.jobsStarted, value: 1 });
      const started = performance.now();
      try {
        return await this.#options.work(job);
      } finally {
        measurements.push({ metric: METRICS.jobDuration, value: performance.now() - started });
      }
    };
  }

  #settled(outcome: RunJobOutcome, measurements: Measurement[]): void {
    if (outcome.status === 'succeeded') {
      measurements.push({ metric: METRICS.jobsSucceeded, value: 1 });
      // `local` rather than nothing: an operator reading the line sees that no model produced the result.
      this.logger.info('Job succeeded', {
        attempts: outcome.job.attempts,
        model: outcome.job.model ?? 'local',
      });
    } else if (outcome.status === 'failed') {
      // Refused input (a bad gzip, a binary upload) is the submitter's mistake, told to them in lastError: a
      // warning and a count of its own, not a failure that raises the failure-rate alarm or pages anyone.
      measurements.push({ metric: outcome.byInput ? METRICS.jobsRefused : METRICS.jobsFailed, value: 1 });
      if (outcome.byInput)
        this.logger.warn('Job refused its input and will not be retried', { reason: outcome.reason });
      else
        this.logger.error('Job failed and will not be retried', {
          reason: outcome.reason,
          error: outcome.detail,
        });
    } else {
      this.logger.info('Duplicate delivery of a finished job ignored');
    }
  }

  /** A failed attempt: poison goes to the DLQ now, the last delivery too; otherwise back off and retry. */
  async #failed(record: SQSRecord, receiveCount: number, error: unknown, measurements: Measurement[]) {
    if (error instanceof UnknownJobError) {
      measurements.push({ metric: METRICS.poisonMessages, value: 1 });
      this.logger.error('Poison message: it names no job of this kind', { error: technicalDetail(error) });
      await this.#delayNextDelivery(record, 0);
    } else if (receiveCount >= this.#options.maxReceiveCount) {
      measurements.push({ metric: METRICS.jobsFailed, value: 1 });
      this.logger.error('Job failed on its last delivery; the message goes to the dead-letter queue', {
        error: technicalDetail(error),
      });
      await this.#delayNextDelivery(record, 0);
    } else {
      const delaySeconds = fullJitterDelaySeconds(receiveCount, this.#options.backoff, this.#random);
      measurements.push({ metric: METRICS.jobRetries, value: 1 });
      this.logger.warn('Job attempt failed; it will be retried', {
        error: technicalDetail(error),
        delaySeconds,
      });
      await this.#delayNextDelivery(record, delaySeconds);
    }
  }

  async #delayNextDelivery(record: SQSRecord, seconds: number): Promise<void> {
    try {
      await this.#options.retryDelay(record.receiptHandle, seconds);
    } catch (error: unknown) {
      // Without the change the record still comes back, after the queue's own visibility timeout.
      this.logger.warn('Could not delay the next delivery', {
        messageId: record.messageId,
        error: describeError(error),
      });
    }
  }
}

/** Synchronous, so that no other batch's dimensions can interleave with this one's. */
function publish(metrics: MetricsSink, kind: JobKind, measurements: readonly Measurement[]): void {
  if (measurements.length === 0) return;
  metrics.addDimension('kind', kind);
  for (const { metric, value } of measurements) emit(metrics, metric, value);
  metrics.publishStoredMetrics();
}
