/**
 * S3's object-created notifications on the summarize queue: an uploaded log (key `uploads/<entry>/<job>`)
 * becomes the summarize-log job message the API would have sent, so the rest of the worker (claim, retries,
 * DLQ) is the one every job goes through. S3's test event (sent once when the notification is configured)
 * is dropped; any other body passes through unchanged, job messages included.
 */
import { S3Schema } from '@aws-lambda-powertools/parser/schemas';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { serializeJobMessage } from '../core/jobs/job.ts';
import { summarizeLog } from '../core/jobs/kinds/summarize-log/definition.ts';
import { parseUploadObjectKey } from '../core/jobs/kinds/summarize-log/upload-key.ts';

export type UploadEventRecord =
  | { kind: 'job'; record: SQSRecord }
  | { kind: 's3-test' }
  | { kind: 'other'; record: SQSRecord };

function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** S3 writes keys URL-encoded, spaces as `+`. */
const decodedKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** What one SQS record is: an upload's job, S3's test event, or anything else (left to the job worker). */
export function classifyUploadRecord(record: SQSRecord): UploadEventRecord {
  const body = parsedBody(record.body);
  if (body && typeof body === 'object' && 'Event' in body && body.Event === 's3:TestEvent') {
    return { kind: 's3-test' };
  }
  const event = S3Schema.safeParse(body);
  // S3 sends one record per notification message.
  const key = event.success ? event.data.Records[0]?.s3.object.key : undefined;
  const ids = key === undefined ? null : parseUploadObjectKey(decodedKey(key));
  if (!ids) return { kind: 'other', record };
  const message = serializeJobMessage({ jobId: ids.jobId, kind: summarizeLog.kind });
  return { kind: 'job', record: { ...record, body: message } };
}

/** The batch as job messages: upload notifications mapped to their jobs, S3's test events left out. */
export function withUploadJobs(event: SQSEvent): SQSEvent {
  const records: SQSRecord[] = [];
  for (const record of event.Records) {
    const classified = classifyUploadRecord(record);
    if (classified.kind !== 's3-test') records.push(classified.record);
  }
  return { Records: records };
}
