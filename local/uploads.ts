/**
 * The local endpoint's side of createLogUpload: `PUT /uploads/<entry>/<job>?size=…&expires=…&sig=…` streams
 * the body to a file under the data dir (never held in memory), holds it to the declared size, moves it into
 * place, then sends the summarize job the S3 notification would send on AWS. The PUT is answered only after
 * the job's message is on the durable queue: an upload the client saw accepted is never lost, and one that
 * was not (a crash, a refused write) can be PUT again while the entry awaits it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatabaseConnection } from '../lambdas/adapters/db/client.ts';
import { createLogEntryRepo } from '../lambdas/adapters/db/log-entry-repo.ts';
import { queueAdaptersFromConfig } from '../lambdas/adapters/queue/queue-from-config.ts';
import { localObjectPath, verifyUploadUrl } from '../lambdas/adapters/storage/local-uploads.ts';
import { AppError } from '../lambdas/core/errors.ts';
import { receiveLogUpload } from '../lambdas/core/jobs/kinds/summarize-log/upload.ts';
import type { QueueConfig, UploadConfig } from '../lambdas/shared/config.ts';

export interface LocalUploadsOptions {
  /** The uploads directory (the data dir: keys start with `uploads/`). */
  directory: string;
  signingKey: string;
  /** Whether the entry still waits for its file (a finished one is not overwritten). */
  awaiting: (entryId: string) => Promise<boolean>;
  /** The file is in place: send the entry's job (receiveLogUpload). */
  received: (entryId: string) => Promise<void>;
  now?: () => number;
}

/** The upload settings of one local run: files under the data dir, a signing key that lives as long as it. */
export function localUploadConfig(dataDir: string): Required<Omit<UploadConfig, 'UPLOAD_BUCKET'>> {
  return { UPLOAD_DIR: dataDir, UPLOAD_SIGNING_KEY: randomBytes(32).toString('base64url') };
}

const ALREADY_UPLOADED = 'This log was already uploaded; create a new upload to send another file';

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Counts the bytes going through and passes no more than `size` of them: the rest of a body that is too long
 * is read and dropped, so the client still gets the 400 that says why (destroying the request would not).
 */
function sizeGuard(size: number): Transform & { received: () => number } {
  let received = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = size - received;
      received += chunk.length;
      if (room <= 0) done();
      else done(null, chunk.length > room ? chunk.subarray(0, room) : chunk);
    },
  });
  return Object.assign(guard, { received: () => received });
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function createUploadHandler(options: LocalUploadsOptions): UploadRoute {
  return async (req, res) => {
    try {
      const entryId = await storeUpload(req, options);
      answer(res, 200, { entryId, status: 'QUEUED' });
    } catch (error: unknown) {
      // Whatever is left of the body is not read: close the connection rather than drain up to a gigabyte.
      res.setHeader('connection', 'close');
      if (error instanceof UploadRefused) answer(res, error.status, { message: error.message });
      else if (error instanceof AppError)
        answer(res, error.errorType === 'ConflictError' ? 409 : 400, { message: error.message });
      else throw error;
    }
  };
}

async function storeUpload(req: IncomingMessage, options: LocalUploadsOptions): Promise<string> {
  if (req.method !== 'PUT') throw new UploadRefused(405, 'Upload the file with PUT');
  const url = new URL(req.url ?? '/', 'http://local');
  const signed = verifyUploadUrl(options.signingKey, url, (options.now ?? Date.now)());
  if (!signed.ok) throw new UploadRefused(signed.status, signed.message);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== signed.size) {
    throw new UploadRefused(
      400,
      `Content-Length is ${declared} bytes but the upload was created for ${signed.size}`,
    );
  }
  if (!(await options.awaiting(signed.entryId))) {
    throw new UploadRefused(409, ALREADY_UPLOADED);
  }
  const target = localObjectPath(options.directory, signed.key);
  await mkdir(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${randomUUID()}.part`);
  try {
    const guard = sizeGuard(signed.size);
    await pipeline(req, guard, createWriteStream(partial));
    if (guard.received() !== signed.size) {
      throw new UploadRefused(
        400,
        `Received ${guard.received()} bytes but the upload was created for ${signed.size}`,
      );
    }
    // One file per upload, as S3's conditional write keeps it: link fails when a first PUT's file is there,
    // so a second PUT to the same URL (before the worker has claimed the job) cannot replace it.
    const first = await link(partial, target).then(
      () => true,
      (error: unknown) => {
        if (error && typeof error === 'object' && 'code' in error && error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (!first) {
      // The first PUT's file is complete. If the process stopped before that PUT sent its job, the job is sent
      // now, or the file would wait until the reconciler fails it; a second message for a job is handled as a
      // queue's redelivery is.
      if (await options.awaiting(signed.entryId)) await options.received(signed.entryId);
      throw new UploadRefused(409, ALREADY_UPLOADED);
    }
  } finally {
    await rm(partial, { force: true });
  }
  await options.received(signed.entryId);
  return signed.entryId;
}

export type UploadRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The upload route of the local endpoint over the runtime's database and queue. */
export function localUploadRoute(
  connection: DatabaseConnection,
  config: { queue: QueueConfig; uploads: UploadConfig },
): UploadRoute {
  const { UPLOAD_DIR, UPLOAD_SIGNING_KEY } = config.uploads;
  if (!UPLOAD_DIR || !UPLOAD_SIGNING_KEY)
    throw new Error('Local uploads need UPLOAD_DIR and UPLOAD_SIGNING_KEY');
  const logEntries = createLogEntryRepo(connection.db);
  const queue = queueAdaptersFromConfig(config.queue, connection.sql).jobQueue;
  return createUploadHandler({
    directory: UPLOAD_DIR,
    signingKey: UPLOAD_SIGNING_KEY,
    awaiting: async (entryId) => (await logEntries.get(entryId))?.job.status === 'AWAITING_UPLOAD',
    received: async (entryId) => {
      await receiveLogUpload({ logEntries, queue }, entryId);
    },
  });
}
