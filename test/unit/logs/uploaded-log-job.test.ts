import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, type GetObjectCommandOutput, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { s3LogObjects } from '../../../lambdas/adapters/storage/s3-uploads.ts';
import type { Job } from '../../../lambdas/core/jobs/job.ts';
import { runSummarizeLog } from '../../../lambdas/core/jobs/kinds/summarize-log/run.ts';
import { uploadObjectKey } from '../../../lambdas/core/jobs/kinds/summarize-log/upload-key.ts';
import { PermanentJobError } from '../../../lambdas/core/jobs/run-job.ts';
import type { LogEntryRecord, LogSummaryResult } from '../../../lambdas/core/use-cases/log-entries.ts';
import {
  createLocalSummarizer,
  createStreamSummarizer,
} from '../../../lambdas/summarizer/local-summarizer.ts';
import { classifyUploadRecord, withUploadJobs } from '../../../lambdas/summarizer/upload-events.ts';
import { sqsRecord } from '../../support/sqs-record.ts';

const ENTRY_ID = '11111111-2222-4333-8444-555555555555';
const JOB_ID = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const KEY = uploadObjectKey(ENTRY_ID, JOB_ID);
const BUCKET = 'ai-ops-uploads';

// Loghub HDFS lines (Zhu et al., Loghub, ISSRE 2023).
const LOG = `${[
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
  '081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating',
  '081109 204106 329 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-7057732666118938934 to /10.251.30.85',
].join('\n')}\n`;

/** An S3 object-created notification as S3 puts it on an SQS queue (one record per message). */
function s3Notification(key: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: '2026-12-05T02:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AROAEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.9' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'uploads',
          bucket: {
            name: BUCKET,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${BUCKET}`,
          },
          object: {
            key,
            size: 1024,
            eTag: 'd41d8cd98f00b204e9800998ecf8427e',
            sequencer: '0055AED6DCD90281E5',
          },
        },
      },
    ],
  });
}

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const objectBody = (bytes: Buffer) => Readable.from([bytes]) as unknown as GetObjectCommandOutput['Body'];

function uploadedEntry(): LogEntryRecord {
  const at = new Date('2026-12-05T02:00:00Z');
  const job = { id: JOB_ID, kind: 'summarize-log', status: 'PROCESSING' } as Job;
  return {
    id: ENTRY_ID,
    ownerId: '00000000-0000-4000-8000-000000000001',
    raw: '',
    objectKey: KEY,
    format: null,
    source: null,
    baselineEntryId: null,
    sizeBytes: 1024,
    lineCount: 0,
    redactions: {},
    summary: null,
    summaryText: null,
    templates: null,
    generatedBy: null,
    createdAt: at,
    updatedAt: at,
    summarizedAt: null,
    job,
  };
}

function jobDeps() {
  const saved: LogSummaryResult[] = [];
  const deps = {
    logEntries: {
      get: async (id: string) => (id === ENTRY_ID ? uploadedEntry() : null),
      baselineFor: async () => null,
      saveSummary: async (_id: string, result: LogSummaryResult) => {
        saved.push(result);
      },
    },
    summarize: createLocalSummarizer('pseudonymise'),
    uploads: {
      open: s3LogObjects(BUCKET, () => new S3Client({ region: 'eu-west-1' })),
      summarize: createStreamSummarizer('pseudonymise'),
    },
  };
  const job = { id: JOB_ID, kind: 'summarize-log', subjectId: ENTRY_ID, ownerId: null } as Job;
  return { deps, job, saved };
}

describe('S3 notifications on the summarize queue', () => {
  it('become the job message named by the object key', () => {
    const mapped = classifyUploadRecord(sqsRecord('m1', s3Notification(KEY)));
    expect(mapped.kind).toBe('job');
    if (mapped.kind !== 'job') return;
    expect(JSON.parse(mapped.record.body)).toEqual({ jobId: JOB_ID, kind: 'summarize-log' });
    expect(mapped.record.messageId).toBe('m1');
  });

  it("drops S3's test event and leaves job messages and foreign keys to the job worker", () => {
    const test = sqsRecord(
      't',
      JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }),
    );
    const message = sqsRecord('j', JSON.stringify({ jobId: JOB_ID, kind: 'summarize-log' }));
    const foreign = sqsRecord('f', s3Notification('elsewhere/file.log'));
    const batch = withUploadJobs({ Records: [test, message, foreign] });
    expect(batch.Records.map((r) => [r.messageId, r.body])).toEqual([
      ['j', message.body],
      ['f', foreign.body],
    ]);
  });
});

describe('an uploaded log read from S3 by the summarize job', () => {
  it('streams the gzip object through the miner and stores the summary with its line count', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY }).resolves({ Body: objectBody(gzipSync(LOG)) });
    const { deps, job, saved } = jobDeps();
    await runSummarizeLog(deps, job);
    expect(saved).toHaveLength(1);
    expect(saved[0]?.lineCount).toBe(3);
    expect(saved[0]?.text).toMatch(/PacketResponder/);
    // Addresses are pseudonymised as the object is read: the raw upload never reaches the summary.
    expect(JSON.stringify(saved[0])).not.toContain('10.251.30.85');
  });

  it('fails the job for good when the object is gone (expired)', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    const { deps, job } = jobDeps();
    await expect(runSummarizeLog(deps, job)).rejects.toBeInstanceOf(PermanentJobError);
  });

  it('fails the job for good on content that is not a log', async () => {
    s3.on(GetObjectCommand).resolves({ Body: objectBody(Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5])) });
    const { deps, job } = jobDeps();
    await expect(runSummarizeLog(deps, job)).rejects.toThrow(/file: is not valid gzip/);
  });
});
