import { NotFoundError } from '../../core/errors.ts';
import type { LogUploadTarget, OpenLogObject } from '../../core/jobs/kinds/summarize-log/upload.ts';
import { PermanentJobError } from '../../core/jobs/run-job.ts';
import type { UploadConfig } from '../../shared/config.ts';
import { localLogObjects, localUploadTarget } from './local-uploads.ts';
import { s3LogObjects, s3UploadTarget } from './s3-uploads.ts';

/** The resolver's side: where createLogUpload points clients (S3 on AWS, the local endpoint locally). */
export function uploadTargetFromConfig(config: UploadConfig): LogUploadTarget {
  if (config.UPLOAD_BUCKET) return s3UploadTarget(config.UPLOAD_BUCKET);
  if (config.UPLOAD_SIGNING_KEY) return localUploadTarget(config.UPLOAD_SIGNING_KEY);
  return {
    presignPut: async () => {
      throw new NotFoundError('An uploads store on this deployment');
    },
  };
}

/** The worker's side: the same objects read as streams. */
export function logObjectsFromConfig(config: UploadConfig): OpenLogObject {
  if (config.UPLOAD_BUCKET) return s3LogObjects(config.UPLOAD_BUCKET);
  if (config.UPLOAD_DIR) return localLogObjects(config.UPLOAD_DIR);
  return async () => {
    throw new PermanentJobError('this worker has no uploads store configured (UPLOAD_BUCKET or UPLOAD_DIR)');
  };
}
