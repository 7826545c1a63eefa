import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ABORT_INCOMPLETE_UPLOAD_DAYS, UPLOAD_EXPIRY_DAYS } from '../../lib/log-uploads.ts';
import { resourcesOf, type SynthesizedStage, synthStage } from './support/synth.ts';

let personal: SynthesizedStage;

beforeAll(() => {
  personal = synthStage('alice', { alarmEmail: 'ops@example.com' });
}, 120_000);

const uploadsBucketId = (s: SynthesizedStage): string => {
  const id = s.stack.getLogicalId(s.stack.uploads.bucket.node.defaultChild as never);
  expect(resourcesOf(s.template, 'AWS::S3::Bucket')[id]).toBeDefined();
  return id;
};

/** Every IAM statement of a role's policies that mentions the uploads bucket. */
function statementsOnUploads(s: SynthesizedStage, bucketId: string) {
  const out: Array<{ roles: unknown; Action: unknown; Resource: unknown }> = [];
  for (const policy of Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))) {
    const document = policy.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> };
    for (const statement of document.Statement) {
      if (JSON.stringify(statement.Resource).includes(bucketId)) {
        out.push({ roles: policy.Properties?.Roles, Action: statement.Action, Resource: statement.Resource });
      }
    }
  }
  return out;
}

describe('the uploads bucket', () => {
  it('is private, encrypted, TLS-only, with CORS for the console and lifecycle expiry', () => {
    const id = uploadsBucketId(personal);
    personal.template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        CorsConfiguration: {
          CorsRules: [
            Match.objectLike({
              AllowedMethods: ['PUT'],
              AllowedOrigins: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
            }),
          ],
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Prefix: 'uploads/',
              ExpirationInDays: UPLOAD_EXPIRY_DAYS,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
              Status: 'Enabled',
            }),
          ],
        },
      }),
    });
    // TLS only: the bucket policy denies any request without secure transport.
    const policies = Object.values(resourcesOf(personal.template, 'AWS::S3::BucketPolicy')).filter((policy) =>
      JSON.stringify(policy.Properties?.Bucket).includes(id),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('sends object-created events under uploads/ to the summarize queue', () => {
    const id = uploadsBucketId(personal);
    const summarize = personal.stack.workQueues.queues.find((q) => q.kind === 'summarize-log');
    if (!summarize) throw new Error('no summarize queue');
    const queueId = personal.stack.getLogicalId(summarize.queue.node.defaultChild as never);
    personal.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: id },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ],
      },
    });
  });

  it('lets the resolver only put and the summarize worker only get, under uploads/', () => {
    const id = uploadsBucketId(personal);
    const statements = statementsOnUploads(personal, id);
    const roleOf = (fn: { role?: { node: { defaultChild?: unknown } } }) =>
      personal.stack.getLogicalId(fn.role?.node.defaultChild as never);
    const resolverRole = roleOf(personal.stack.functions.resolver.function);
    const summarize = personal.stack.workQueues.queues.find((q) => q.kind === 'summarize-log');
    const workerRole = roleOf(summarize?.worker.function ?? {});
    const uploadsArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/uploads/*']] };
    const granted = statements.filter((s) => JSON.stringify(s.roles).match(/Resolver|Worker/));
    expect(granted).toEqual(
      expect.arrayContaining([
        { roles: [{ Ref: resolverRole }], Action: 's3:PutObject', Resource: uploadsArn },
        { roles: [{ Ref: workerRole }], Action: 's3:GetObject', Resource: uploadsArn },
      ]),
    );
    expect(granted).toHaveLength(2);
  });

  it('passes cdk-nag and tells the resolver and the summarize worker the bucket', () => {
    expect(personal.nagFindings).toEqual([]);
    const id = uploadsBucketId(personal);
    const functions = Object.values(resourcesOf(personal.template, 'AWS::Lambda::Function'));
    const withBucket = functions.filter((fn) =>
      JSON.stringify(fn.Properties?.Environment ?? {}).includes(`"UPLOAD_BUCKET":{"Ref":"${id}"}`),
    );
    expect(withBucket).toHaveLength(2);
  });
});
