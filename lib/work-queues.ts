import {
  Duration,
  type aws_iam as iam,
  RemovalPolicy,
  Stack,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppFunction, type FunctionNetwork } from './app-function.ts';
import type { StageConfig } from './stage-config.ts';
import type { WorkerSpec } from './workers.ts';

/** Deliveries before a message moves to the DLQ; workers read it (MAX_RECEIVE_COUNT) to fail the job on the last one. */
export const MAX_RECEIVE_COUNT = 5;
/** AWS guidance for SQS event sources: visibility at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Longer than the source retention: SQS keeps a message's original enqueue time when it moves to the DLQ. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
export const SOURCE_RETENTION = Duration.days(4);

export interface WorkQueue {
  readonly kind: string;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: AppFunction;
}

export interface WorkQueuesProps {
  readonly stage: StageConfig;
  readonly workers: readonly WorkerSpec[];
  readonly network: FunctionNetwork;
  /** Variables every worker gets besides its own queue's (database, secrets, …). */
  readonly environment: Record<string, string>;
  /** Grants every worker needs besides its own queue's (database secret, LLM key, …). */
  readonly grant?: (worker: AppFunction) => void;
}

/** Per worker: a queue, its DLQ, the worker function and the event source mapping between them. */
export class WorkQueues extends Construct {
  readonly queues: readonly WorkQueue[];

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Queues first: a worker's environment names its queue.
    const pairs = props.workers.map((spec) => {
      const scopeForKind = new Construct(this, spec.kind);
      const deadLetterQueue = new sqs.Queue(scopeForKind, 'DeadLetters', {
        retentionPeriod: DEAD_LETTER_RETENTION,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy,
      });
      const visibilitySeconds =
        spec.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR + spec.maxBatchingWindow.toSeconds();
      const queue = new sqs.Queue(scopeForKind, 'Queue', {
        retentionPeriod: SOURCE_RETENTION,
        visibilityTimeout: Duration.seconds(visibilitySeconds),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
        removalPolicy,
      });
      return { spec, scopeForKind, queue, deadLetterQueue };
    });

    this.queues = pairs.map(({ spec, scopeForKind, queue, deadLetterQueue }) => {
      const worker = new AppFunction(scopeForKind, 'Worker', {
        stage,
        entry: spec.entry,
        description: `Worker for ${spec.kind} jobs`,
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        network: props.network,
        gradualDeployment: stage.functions.gradualDeployment,
        ...(spec.assets ? { assets: spec.assets } : {}),
        environment: {
          ...props.environment,
          ...spec.environment,
          QUEUE_DRIVER: 'sqs',
          // Its own queue only: the worker delays retries (ChangeMessageVisibility) and sends nothing.
          JOB_QUEUE_URLS: Stack.of(this).toJsonString({ [spec.kind]: queue.queueUrl }),
          MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        },
      });
      props.grant?.(worker);
      worker.target.addEventSource(
        new sources.SqsEventSource(queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: spec.maxBatchingWindow,
          reportBatchItemFailures: true,
          maxConcurrency: Math.max(2, stage.workers.maxConcurrency),
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
   * List and redrive dead letters. Listing receives with a zero visibility timeout; a redrive is an SQS
   * message move task from the DLQ back to its source queue, which needs these actions on both queues.
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
      );
    }
  }
}
