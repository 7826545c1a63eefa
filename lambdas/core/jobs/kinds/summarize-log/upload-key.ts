/**
 * The object key of an uploaded log: `uploads/<entry id>/<job id>`. The ids in the key let the summarize
 * worker map S3's object-created event to its job without a lookup, and the `uploads/` prefix is all the
 * resolver may write (its IAM policy) and what the bucket's lifecycle expires.
 */
export const UPLOAD_PREFIX = 'uploads/';

/**
 * How long an uploaded file is kept after it arrives (summarized within minutes, kept a week for a redrive or a
 * retry): the bucket's lifecycle, and the local data dir's.
 */
export const UPLOAD_RETENTION_DAYS = 7;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UPLOAD_KEY = new RegExp(`^${UPLOAD_PREFIX}(${UUID})/(${UUID})$`);

export function uploadObjectKey(entryId: string, jobId: string): string {
  return `${UPLOAD_PREFIX}${entryId}/${jobId}`;
}

/** The ids an upload key names, or null for any other key. */
export function parseUploadObjectKey(key: string): { entryId: string; jobId: string } | null {
  const match = UPLOAD_KEY.exec(key.toLowerCase());
  return match?.[1] && match[2] ? { entryId: match[1], jobId: match[2] } : null;
}
