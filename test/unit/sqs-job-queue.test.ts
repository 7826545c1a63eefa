import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  listSqsDeadLetters,
  parseQueueArn,
  redriveSqsDeadLetters,
  SqsDeadLetters,
  SqsJobQueue,
  sqsRetryDelay,
} from '../../lambdas/adapters/queue/sqs-job-queue.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { systemHealth } from '../../lambdas/core/use-cases/operations.ts';

const sqsMock = mockClient(SQSClient);
const client = new SQSClient({ region: 'eu-west-1' });
const SUMMARIZE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/summarize-queue';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/summarize-dlq';
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:summarize-queue';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:summarize-dlq';
const JOB_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

beforeEach(() => {
  sqsMock.reset();
});

describe('SqsJobQueue', () => {
  it('sends the ids as a JSON body to the queue of the job kind, with the trace id as an attribute', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const queue = new SqsJobQueue(client, { 'summarize-log': SUMMARIZE_URL });

    await queue.send({ jobId: JOB_ID, kind: 'summarize-log', traceId: 'trace-1' }, { delaySeconds: 5 });

    const [call] = sqsMock.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toEqual({
      QueueUrl: SUMMARIZE_URL,
      MessageBody: JSON.stringify({ jobId: JOB_ID, kind: 'summarize-log', traceId: 'trace-1' }),
      DelaySeconds: 5,
      MessageAttributes: { traceId: { DataType: 'String', StringValue: 'trace-1' } },
    });
  });

  it('omits the trace attribute when there is no trace id', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    await new SqsJobQueue(client, { 'summarize-log': SUMMARIZE_URL }).send({
      jobId: JOB_ID,
      kind: 'summarize-log',
    });
    const input = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.MessageAttributes).toBeUndefined();
    expect(JSON.parse(input?.MessageBody ?? '')).toEqual({ jobId: JOB_ID, kind: 'summarize-log' });
  });

  it('refuses a kind without a configured queue and a delay SQS would reject', async () => {
    const queue = new SqsJobQueue(client, { 'summarize-log': SUMMARIZE_URL });
    await expect(queue.send({ jobId: JOB_ID, kind: 'triage-ticket' })).rejects.toThrow(/triage-ticket/);
    await expect(
      queue.send({ jobId: JOB_ID, kind: 'summarize-log' }, { delaySeconds: 901 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('passes SQS failures to the caller, who leaves the job to the reconciler', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));
    const queue = new SqsJobQueue(client, { 'summarize-log': SUMMARIZE_URL });
    await expect(queue.send({ jobId: JOB_ID, kind: 'summarize-log' })).rejects.toThrow('ServiceUnavailable');
  });
});

describe('sqsRetryDelay', () => {
  it('changes the visibility of the received message, in whole seconds', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    await sqsRetryDelay(client, SUMMARIZE_URL)('receipt-1', 7.6);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toEqual({
      QueueUrl: SUMMARIZE_URL,
      ReceiptHandle: 'receipt-1',
      VisibilityTimeout: 8,
    });
  });
});

describe('SQS dead letters', () => {
  const deadLetter = (id: string) => ({
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: JSON.stringify({ jobId: JOB_ID, kind: 'summarize-log' }),
    Attributes: {
      ApproximateReceiveCount: '5',
      SentTimestamp: '1700000000000',
      DeadLetterQueueSourceArn: SOURCE_ARN,
    },
  });

  it('peeks with a zero visibility timeout, so the dead letters stay in the queue', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [deadLetter('a'), deadLetter('b')] })
      .resolvesOnce({ Messages: [deadLetter('b'), { ...deadLetter('c'), Body: 'not json' }] })
      .resolves({ Messages: [] });

    const letters = await listSqsDeadLetters(client, DLQ_URL, 10);

    expect(letters.map((l) => l.messageId)).toEqual(['a', 'b', 'c']);
    expect(letters[0]).toEqual({
      messageId: 'a',
      body: JSON.stringify({ jobId: JOB_ID, kind: 'summarize-log' }),
      jobId: JOB_ID,
      kind: 'summarize-log',
      receiveCount: 5,
      sentAt: new Date(1_700_000_000_000),
      sourceQueue: SOURCE_ARN,
    });
    expect(letters[2]).toMatchObject({ jobId: null, kind: null, body: 'not json' });
    for (const call of sqsMock.commandCalls(ReceiveMessageCommand)) {
      expect(call.args[0].input).toMatchObject({
        QueueUrl: DLQ_URL,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
      });
    }
  });

  it('stops at the limit', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [deadLetter('a'), deadLetter('b'), deadLetter('c')] });
    expect(await listSqsDeadLetters(client, DLQ_URL, 2)).toHaveLength(2);
    await expect(listSqsDeadLetters(client, DLQ_URL, 0)).rejects.toMatchObject({ field: 'limit' });
  });

  it('redrives with a message move task from the DLQ to the source queue', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const result = await redriveSqsDeadLetters(client, {
      deadLetterQueueArn: DLQ_ARN,
      sourceQueueArn: SOURCE_ARN,
    });
    expect(result).toEqual({ moved: null, taskHandle: 'task-1' });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: SOURCE_ARN,
    });
  });

  it('finds the DLQ of a job kind through the source queue’s redrive policy', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        QueueArn: SOURCE_ARN,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 }),
      },
    });
    sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: DLQ_URL });
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    const admin = new SqsDeadLetters(client, { 'summarize-log': SUMMARIZE_URL });

    expect(await admin.list('summarize-log', 10)).toEqual([]);
    expect(await admin.redrive('summarize-log')).toEqual({ moved: null, taskHandle: 'task-2' });

    expect(sqsMock.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({
      QueueName: 'summarize-dlq',
      QueueOwnerAWSAccountId: '123456789012',
    });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.QueueUrl).toBe(DLQ_URL);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: SOURCE_ARN,
    });
    // The lookup is cached per kind.
    expect(sqsMock.commandCalls(GetQueueAttributesCommand)).toHaveLength(1);
  });

  it('reports a kind whose queue has no DLQ or no queue at all as a ValidationError on kind', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: SOURCE_ARN } });
    const admin = new SqsDeadLetters(client, { 'summarize-log': SUMMARIZE_URL });
    await expect(admin.list('summarize-log', 10)).rejects.toMatchObject({ field: 'kind' });
    await expect(admin.redrive('triage-ticket')).rejects.toMatchObject({ field: 'kind' });
  });

  it('parses queue ARNs and rejects anything else', () => {
    expect(parseQueueArn(DLQ_ARN)).toEqual({
      queueName: 'summarize-dlq',
      accountId: '123456789012',
      region: 'eu-west-1',
    });
    expect(() => parseQueueArn('arn:aws:sns:eu-west-1:123456789012:topic')).toThrow(ValidationError);
  });
});

describe('SqsDeadLetters as queue statistics and purge', () => {
  /** The work queue with a redrive policy, and depths for the work queue and its DLQ. */
  function queuesWith(work: Record<string, string>, dead: Record<string, string>) {
    sqsMock
      .on(GetQueueAttributesCommand, {
        QueueUrl: SUMMARIZE_URL,
        AttributeNames: ['QueueArn', 'RedrivePolicy'],
      })
      .resolves({
        Attributes: {
          QueueArn: SOURCE_ARN,
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 }),
        },
      });
    sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: DLQ_URL });
    sqsMock
      .on(GetQueueAttributesCommand, {
        QueueUrl: SUMMARIZE_URL,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      })
      .resolves({ Attributes: work });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).resolves({ Attributes: dead });
  }

  it('reads depth, in flight, delayed and dead letters from the queue attributes', async () => {
    queuesWith(
      {
        ApproximateNumberOfMessages: '7',
        ApproximateNumberOfMessagesNotVisible: '2',
        ApproximateNumberOfMessagesDelayed: '1',
      },
      { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' },
    );
    const stats = new SqsDeadLetters(client, { 'summarize-log': SUMMARIZE_URL });
    expect(await stats.read('summarize-log')).toEqual({
      visible: 7,
      inFlight: 2,
      delayed: 1,
      oldestAgeSeconds: null,
      deadLetters: 4,
    });
  });

  it('feeds systemHealth, with the oldest waiting job standing in for the age SQS does not report', async () => {
    queuesWith({ ApproximateNumberOfMessages: '4' }, { ApproximateNumberOfMessages: '2' });
    const stats = new SqsDeadLetters(client, { 'summarize-log': SUMMARIZE_URL });
    const outcomes = { succeeded: 10, failed: 0, p95DurationMs: 120, oldestWaitingSeconds: 3600 };
    const health = await systemHealth(
      {
        sources: async () => ({
          queues: stats,
          jobs: { lastHour: async () => new Map([['summarize-log', outcomes]]) },
          probeDatabase: async () => 4,
        }),
        now: () => new Date('2026-12-01T10:00:00Z'),
      },
      {
        caller: { userId: JOB_ID, role: 'OPS', sessionId: 's', email: 'ops@example.com' },
        kinds: [{ kind: 'summarize-log', description: 'Summarizes logs' }],
      },
    );
    expect(health.queues[0]?.reading).toEqual({
      visible: 4,
      inFlight: 0,
      delayed: 0,
      oldestAgeSeconds: 3600,
      deadLetters: 2,
    });
    expect(health.status).toBe('FAILING');
    expect(health.problems).toEqual([
      'summarize-log: 2 dead letters to look at',
      'summarize-log: the oldest message has waited 60 minutes',
    ]);
  });

  it('purges the DLQ, reporting how many it held, and names a purge already running', async () => {
    queuesWith({}, { ApproximateNumberOfMessages: '5' });
    sqsMock
      .on(PurgeQueueCommand)
      .resolvesOnce({})
      .rejectsOnce(new PurgeQueueInProgress({ message: 'in progress', $metadata: {} }));
    const admin = new SqsDeadLetters(client, { 'summarize-log': SUMMARIZE_URL });
    expect(await admin.purge('summarize-log')).toEqual({ purged: 5 });
    expect(sqsMock.commandCalls(PurgeQueueCommand)[0]?.args[0].input).toEqual({ QueueUrl: DLQ_URL });
    await expect(admin.purge('summarize-log')).rejects.toMatchObject({
      errorType: 'ConflictError',
      message: expect.stringMatching(/already running/),
    });
  });
});
