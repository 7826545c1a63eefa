import {
  Duration,
  type aws_iam as iam,
  RemovalPolicy,
  Stack,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { JobKind } from '../lambdas/core/jobs/job.ts';
import { type JobKindDefinition, visibilityTimeoutSeconds } from '../lambdas/core/jobs/kind.ts';
import { JOB_KINDS } from '../lambdas/core/jobs/registry.ts';
import { AppFunction, type FunctionNetwork } from './app-function.ts';
import type { StageConfig } from './stage-config.ts';
/** Longer than the source retention: SQS keeps a message's original enqueue time when it moves to the DLQ. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
export const SOURCE_RETENTION = Duration.days(4);

export interface WorkQueue {
  readonly kind: JobKind;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: AppFunction;
}

export interface WorkQueuesProps {
  readonly stage: StageConfig;
  /** The job kinds to deploy (default: every kind of the registry). */
  readonly kinds?: readonly JobKindDefinition<JobKind>[];
  readonly network: FunctionNetwork;
  /** Variables every worker gets besides its own queue's (database, secrets, …). */
  readonly environment: Record<string, string>;
  /** Variables that win over a job kind's own (`worker.environment`): the stage's explicit choices. */
  readonly overrides?: Record<string, string>;
  /** Grants every worker needs besides its own queue's (database secret, LLM key, …). */
  readonly grant?: (worker: AppFunction) => void;
}

/** Per job kind of the registry: a queue, its DLQ, the worker function and the event source mapping between them. */
export class WorkQueues extends Construct {
  readonly queues: readonly WorkQueue[];

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Queues first: a worker's environment names its queue.
    const kinds = props.kinds ?? JOB_KINDS;
    const pairs = kinds.map((spec) => {
      const scopeForKind = new Construct(this, spec.kind);
      const deadLetterQueue = new sqs.Queue(scopeForKind, 'DeadLetters', {
        retentionPeriod: DEAD_LETTER_RETENTION,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy,
      });
      const queue = new sqs.Queue(scopeForKind, 'Queue', {
        retentionPeriod: SOURCE_RETENTION,
        visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(spec)),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.queue.maxReceiveCount },
        removalPolicy,
      });
      return { spec, scopeForKind, queue, deadLetterQueue };
    });

    this.queues = pairs.map(({ spec, scopeForKind, queue, deadLetterQueue }) => {
      const worker = new AppFunction(scopeForKind, 'Worker', {
        stage,
        entry: spec.worker.entry,
        description: `Worker for ${spec.kind} jobs`,
        timeout: Duration.seconds(spec.worker.timeoutSeconds),
        memorySize: spec.worker.memorySize,
        network: props.network,
        gradualDeployment: stage.functions.gradualDeployment,
        tracing: stage.workers.tracing,
        ...(spec.worker.assets ? { assets: spec.worker.assets } : {}),
        environment: {
          ...props.environment,
          ...spec.worker.environment,
          ...props.overrides,
          QUEUE_DRIVER: 'sqs',
          // Its own queue only: the worker delays retries (ChangeMessageVisibility) and sends nothing.
          JOB_QUEUE_URLS: Stack.of(this).toJsonString({ [spec.kind]: queue.queueUrl }),
        },
      });
      props.grant?.(worker);
      worker.target.addEventSource(
        new sources.SqsEventSource(queue, {
          batchSize: spec.queue.batchSize,
          maxBatchingWindow: Duration.seconds(spec.queue.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          // SQS event sources need at least 2; a personal stage allows fewer than prod.
          maxConcurrency: Math.max(2, Math.min(spec.queue.maxConcurrency, stage.workers.maxConcurrency)),
        }),
      );
      return { kind: spec.kind, queue, deadLetterQueue, worker };
    });
  }

  /** JOB_QUEUE_URLS: the JSON map of job kind to queue URL that producers read. */
  queueUrlsJson(): string {
    const map: Record<string, string> = {};
    for (const q of this.queues) map[q.kind] = q.queue.queueUrl;
    return Stack.of(this).toJsonString(map);
  }

  /** Enqueue jobs (SendMessage, plus GetQueueAttributes/GetQueueUrl that the SDK helpers use). */
  grantSend(grantee: iam.IGrantable): void {
    for (const q of this.queues) q.queue.grantSendMessages(grantee);
  }

  /**
   * List, redrive and purge dead letters, and read queue depths (systemHealth). Listing receives with a zero
   * visibility timeout; a redrive is an SQS message move task from the DLQ back to its source queue, which
   * needs these actions on both queues; a purge is PurgeQueue on the DLQ.
   */
  grantDeadLetterAdmin(grantee: iam.IGrantable): void {
    for (const q of this.queues) {
      q.queue.grant(grantee, 'sqs:GetQueueAttributes', 'sqs:SendMessage');
      q.deadLetterQueue.grant(
        grantee,
        'sqs:GetQueueUrl',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:CancelMessageMoveTask',
        'sqs:PurgeQueue',
      );
    }
  }
}
