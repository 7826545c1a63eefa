/**
 * Uploaded logs on AWS: a presigned PUT for exactly the declared size (S3 refuses another Content-Length) to
 * the uploads bucket, and the object read back as a stream. One S3 client per container, made on first use.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LogUploadTarget, OpenLogObject } from '../../core/jobs/kinds/summarize-log/upload.ts';
import { PermanentJobError } from '../../core/jobs/run-job.ts';

let sharedClient: S3Client | undefined;
const s3 = (): S3Client => {
  // Checksums only where S3 requires them: a presigned PUT with a default checksum of an empty body fails.
  sharedClient ??= new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
  return sharedClient;
};

export function s3UploadTarget(bucket: string, client: () => S3Client = s3): LogUploadTarget {
  return {
    async presignPut({ key, size, expiresInSeconds }) {
      // A conditional write (`If-None-Match: *`, signed into the URL): a second PUT to the same URL, while the
      // first file waits for the worker, gets 412 instead of replacing the file that was accepted.
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentLength: size,
        IfNoneMatch: '*',
      });
      const url = await getSignedUrl(client(), command, { expiresIn: expiresInSeconds });
      return {
        url,
        headers: { 'if-none-match': '*' },
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      };
    },
  };
}

export function s3LogObjects(bucket: string, client: () => S3Client = s3): OpenLogObject {
  return async (key) => {
    try {
      const object = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = object.Body;
      if (!body || !(Symbol.asyncIterator in body)) throw new Error(`S3 object ${key} has no readable body`);
      return body as AsyncIterable<Uint8Array>;
    } catch (error: unknown) {
      if (error instanceof NoSuchKey) {
        throw new PermanentJobError('the uploaded file is no longer stored (uploads are kept 7 days)');
      }
      throw error;
    }
  };
}
