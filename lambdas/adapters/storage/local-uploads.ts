/**
 * Uploaded logs on one machine: the local endpoint's own "presigned" URL (`/uploads/<entry>/<job>?size=…
 * &expires=…&sig=…`, an HMAC over key, size and expiry with a key only the runtime holds) and the files under
 * the data dir, at the object's key. The URL is relative to the endpoint: clients resolve it against the
 * GraphQL URL they use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogUploadTarget, OpenLogObject } from '../../core/jobs/kinds/summarize-log/upload.ts';
import { parseUploadObjectKey, UPLOAD_PREFIX } from '../../core/jobs/kinds/summarize-log/upload-key.ts';
import { PermanentJobError } from '../../core/jobs/run-job.ts';

const signature = (signingKey: string, key: string, size: number, expires: number): string =>
  createHmac('sha256', signingKey).update(`${key}\n${size}\n${expires}`).digest('base64url');

export function localUploadTarget(signingKey: string, now: () => number = Date.now): LogUploadTarget {
  return {
    async presignPut({ key, size, expiresInSeconds }) {
      const expires = Math.floor(now() / 1000) + expiresInSeconds;
      const query = new URLSearchParams({
        size: String(size),
        expires: String(expires),
        sig: signature(signingKey, key, size, expires),
      });
      return { url: `/${key}?${query}`, headers: {}, expiresAt: new Date(expires * 1000) };
    },
  };
}

export type SignedUpload =
  | { ok: true; key: string; entryId: string; size: number }
  | { ok: false; status: 400 | 403 | 404; message: string };

/** Checks a local upload URL (path and query): the key's shape, then the signature, then the expiry. */
export function verifyUploadUrl(signingKey: string, url: URL, now: number = Date.now()): SignedUpload {
  const key = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const ids = parseUploadObjectKey(key);
  if (!ids) return { ok: false, status: 404, message: 'No such upload' };
  const size = Number(url.searchParams.get('size'));
  const expires = Number(url.searchParams.get('expires'));
  const given = Buffer.from(url.searchParams.get('sig') ?? '');
  const expected = Buffer.from(signature(signingKey, key, size, expires));
  if (!Number.isInteger(size) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      status: 403,
      message: 'The upload URL is not valid: ask createLogUpload for a new one',
    };
  }
  if (expires * 1000 < now) {
    return {
      ok: false,
      status: 403,
      message: 'The upload URL has expired: ask createLogUpload for a new one',
    };
  }
  return { ok: true, key, entryId: ids.entryId, size };
}

/** Where an object lies under the uploads directory (the key is checked: two UUIDs under `uploads/`). */
export function localObjectPath(directory: string, key: string): string {
  if (!parseUploadObjectKey(key)) throw new Error(`Not an upload key: ${key}`);
  return join(directory, key);
}

export function localLogObjects(directory: string): OpenLogObject {
  return async (key) => {
    const path = localObjectPath(directory, key);
    try {
      await stat(path);
    } catch {
      throw new PermanentJobError('the uploaded file is no longer stored');
    }
    return createReadStream(path, { highWaterMark: 1024 * 1024 });
  };
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The bucket's lifecycle, locally: removes uploaded files (and pieces left by an interrupted PUT) older than
 * `days` under the data dir's `uploads/`, then the folders left empty. Returns how many files went.
 */
export async function expireLocalUploads(directory: string, days: number, now = Date.now()): Promise<number> {
  const root = join(directory, UPLOAD_PREFIX);
  const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    const path = join(root, folder.name);
    for (const name of await readdir(path).catch(() => [])) {
      const file = join(path, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() && now - info.mtimeMs > days * DAY_MS) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    // Only an empty folder goes; one with a newer file stays.
    await rmdir(path).catch(() => {});
  }
  return removed;
}
