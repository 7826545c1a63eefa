import {
  type CfnElement,
  Duration,
  aws_iam as iam,
  RemovalPolicy,
  Stack,
  aws_s3 as s3,
  aws_s3_notifications as s3n,
  type aws_sqs as sqs,
  Validations,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { UPLOAD_URL_TTL_SECONDS } from '../lambdas/core/jobs/kinds/summarize-log/upload.ts';
import { UPLOAD_PREFIX, UPLOAD_RETENTION_DAYS } from '../lambdas/core/jobs/kinds/summarize-log/upload-key.ts';
import type { StageConfig } from './stage-config.ts';

/** Parts of a multipart upload that never completed are removed after this. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export interface LogUploadsProps {
  readonly stage: StageConfig;
  /** The console's origin (`https://…`): its browser PUTs files straight to the bucket. */
  readonly consoleOrigin: string;
  /** Where object-created events go: the summarize queue, whose worker maps them to their jobs. */
  readonly queue: sqs.IQueue;
}

/**
 * Large logs (createLogUpload): a private bucket, encrypted with S3-managed keys (no KMS key to pay for),
 * TLS only, written through presigned PUTs under `uploads/` (CORS lets the console's browser do it), and
 * emptied by lifecycle rules. Each object-created event goes to the summarize queue (no queue of its own:
 * its worker, retries and DLQ are the ones every summary goes through).
 */
export class LogUploads extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogUploadsProps) {
    super(scope, id);
    const { stage } = props;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      cors: [
        {
          allowedOrigins: [props.consoleOrigin],
          allowedMethods: [s3.HttpMethods.PUT],
          allowedHeaders: ['*'],
          maxAge: UPLOAD_URL_TTL_SECONDS,
        },
      ],
      lifecycleRules: [
        {
          id: 'expire-uploads',
          prefix: UPLOAD_PREFIX,
          expiration: Duration.days(UPLOAD_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS),
        },
      ],
      ...(stage.durable
        ? { removalPolicy: RemovalPolicy.RETAIN }
        : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }),
    });
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(props.queue), {
      prefix: UPLOAD_PREFIX,
    });
    acknowledgeNotificationsHandler(this);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects live at most 7 days and are written only through presigned URLs that createLogUpload issues to a signed-in user; that call, its owner and the upload are recorded in the entry history.',
    });
  }

  /** The resolver presigns PUTs: s3:PutObject under `uploads/` and nothing else. */
  grantUpload(grantee: iam.IGrantable & IConstruct): void {
    this.grantOnUploads(grantee, 's3:PutObject');
  }

  /** The summarize worker reads the uploads: s3:GetObject under `uploads/`. */
  grantReadUploads(grantee: iam.IGrantable & IConstruct): void {
    this.grantOnUploads(grantee, 's3:GetObject');
  }

  private grantOnUploads(grantee: iam.IGrantable & IConstruct, action: string): void {
    const resource = this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
    iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [resource] });
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${UPLOAD_PREFIX}*]`,
      reason: `Each upload is its own object under ${UPLOAD_PREFIX} (named by its entry and job); ${action} only.`,
    });
  }
}

/** CDK's singleton function that writes bucket notifications (a custom resource) at the stack's root. */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const stack = Stack.of(scope);
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The CDK-managed bucket-notifications custom resource logs to CloudWatch with the basic execution role.',
    });
  }
}
