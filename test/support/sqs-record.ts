import type { SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda's event source mapping delivers it (first delivery, sent `ageMs` ago). */
export function sqsRecord(id: string, body: string, ageMs = 0): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now() - ageMs),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:summarize',
    awsRegion: 'local',
  };
}
