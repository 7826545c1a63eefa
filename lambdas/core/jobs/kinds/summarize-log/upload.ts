/**
 * Large logs through object storage: `createLogUpload` creates the entry with its summarize job waiting for
 * the upload (AWAITING_UPLOAD) and answers a short-lived URL to PUT the file to (a presigned S3 URL on AWS,
 * the local endpoint's HMAC-signed URL locally). The upload's arrival sends the job's message (S3's
 * object-created event through SQS, or the local PUT once the file is on disk); the worker then streams the
 * object. Nothing is redacted before storage here: the object is read once, through the redacting miner.
 */
import type { Caller } from '../../../auth/roles.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors.ts';
import { idempotentRequest } from '../../../idempotency.ts';
import type { LogEntryRecord, LogEntryRepo } from '../../../use-cases/log-entries.ts';
import { jobMessageFor } from '../../job.ts';
import type { JobQueue } from '../../ports.ts';
import { summarizeLog } from './definition.ts';

/** Largest log accepted through an upload (1 GiB, gzip or plain; the limit holds on the decompressed bytes). */
export const MAX_UPLOAD_BYTES = 1024 ** 3;
/** Longest file name accepted (a name, not a path). */
export const MAX_FILENAME_CHARS = 255;
/** How long an upload URL may be used. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** Where a client PUTs the file: a URL valid until `expiresAt`, with the headers the PUT must carry. */
export interface UploadUrl {
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

/** The storage side of an upload: a URL allowing one PUT of exactly `size` bytes to `key`. */
export interface LogUploadTarget {
  presignPut(input: { key: string; size: number; expiresInSeconds: number }): Promise<UploadUrl>;
}

/** An uploaded object read as a stream of bytes (S3 GetObject on AWS, a file locally). */
export type OpenLogObject = (key: string) => Promise<AsyncIterable<Uint8Array>>;

export interface LogUploadRequest {
  filename: string;
  size: number;
  format: string | null;
  source: string | null;
  idempotencyKey: string | null;
  traceId: string | null;
}

export interface LogUpload {
  entry: LogEntryRecord;
  upload: UploadUrl;
}

export interface CreateLogUploadDeps {
  logEntries: Pick<LogEntryRepo, 'create'>;
  uploads: LogUploadTarget;
}

/** The file name as recorded: its last path segment, trimmed; one line of at most MAX_FILENAME_CHARS. */
export function uploadFilename(filename: string): string {
  const name = (filename.split(/[\\/]/).pop() ?? '').trim();
  if (name === '') throw new ValidationError('filename', 'must name the file, e.g. app.log or app.log.gz');
  if (name.length > MAX_FILENAME_CHARS) {
    throw new ValidationError('filename', `must be at most ${MAX_FILENAME_CHARS} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new ValidationError('filename', 'must be one line of text');
  return name;
}

export function assertUploadSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_UPLOAD_BYTES) {
    throw new ValidationError(
      'size',
      `must be the file's size in bytes, from 1 to ${MAX_UPLOAD_BYTES} (1 GiB)`,
    );
  }
}

/**
 * The entry, its job (AWAITING_UPLOAD) and the creation record in one transaction, then an upload URL. With
 * an idempotency key already used, the first entry and a fresh URL for the same object.
 */
export async function createLogUpload(
  deps: CreateLogUploadDeps,
  caller: Caller,
  request: LogUploadRequest,
): Promise<LogUpload> {
  const filename = uploadFilename(request.filename);
  assertUploadSize(request.size);
  const { entry } = await deps.logEntries.create(
    {
      ownerId: caller.userId,
      upload: true,
      filename,
      raw: '',
      format: request.format,
      source: request.source,
      sizeBytes: request.size,
      lineCount: 0,
      redactions: {},
    },
    { kind: summarizeLog.kind, traceId: request.traceId },
    idempotentRequest(request.idempotencyKey, () => ({
      filename,
      size: request.size,
      format: request.format,
      source: request.source,
    })),
  );
  if (!entry.objectKey) throw new ConflictError('idempotencyKey was used for a log submitted inline');
  const upload = await deps.uploads.presignPut({
    key: entry.objectKey,
    size: entry.sizeBytes,
    expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
  });
  return { entry, upload };
}

export interface ReceiveUploadDeps {
  logEntries: Pick<LogEntryRepo, 'get'>;
  queue: JobQueue;
}

/**
 * An upload has arrived (locally: the file is complete on disk): send the job the S3 notification would.
 * Only an entry still awaiting its upload takes one; the caller answers the PUT after this returns, so an
 * upload the client saw accepted always has its message on the (durable) queue.
 */
export async function receiveLogUpload(deps: ReceiveUploadDeps, entryId: string): Promise<LogEntryRecord> {
  const entry = await deps.logEntries.get(entryId);
  if (!entry?.objectKey) throw new NotFoundError('Log upload');
  if (entry.job.status !== 'AWAITING_UPLOAD') {
    throw new ConflictError(`this log was already uploaded (its summary is ${entry.job.status})`);
  }
  await deps.queue.send(jobMessageFor(entry.job));
  return entry;
}
