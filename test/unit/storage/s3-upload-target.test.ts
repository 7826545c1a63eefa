import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3UploadTarget } from '../../../lambdas/adapters/storage/s3-uploads.ts';

describe('the S3 upload URL', () => {
  it('signs a conditional write, so a second PUT to the URL cannot replace the file that was accepted', async () => {
    // Presigning is computed locally: no request reaches AWS.
    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' },
    });
    const put = await s3UploadTarget('logs-bucket', () => client).presignPut({
      key: 'uploads/abc/app.log',
      size: 1234,
      expiresInSeconds: 900,
    });
    expect(put.headers).toEqual({ 'if-none-match': '*' });
    const signed = new URL(put.url).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['if-none-match', 'content-length', 'host']));
  });
});
