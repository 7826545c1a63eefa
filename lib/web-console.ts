import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  aws_logs,
  type CfnElement,
  aws_cloudfront as cloudfront,
  Duration,
  Fn,
  aws_cloudfront_origins as origins,
  RemovalPolicy,
  Stack,
  aws_s3 as s3,
  aws_s3_deployment as s3deploy,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { consoleCsp, PERMISSIONS_POLICY } from '../web/security-headers.ts';
import { REPO_ROOT } from './app-function.ts';
import type { StageConfig } from './stage-config.ts';

export interface WebConsoleProps {
  readonly stage: StageConfig;
  /** The AppSync GraphQL URL (a deploy-time token). */
  readonly graphqlUrl: string;
  /** The API key clients send as `x-api-key` for signup, login and refreshToken (a deploy-time token). */
  readonly apiKey: string;
  /** Where the browser PUTs uploaded logs (presigned S3 URLs), allowed by the CSP's connect-src. */
  readonly uploadOrigin?: string;
  /** The built console (default: web/dist, which `npm ci` builds). */
  readonly assetPath?: string;
}

const TWO_YEARS = Duration.days(730);

/**
 * The web console on AWS: the built app in a private S3 bucket that only CloudFront can read (Origin Access
 * Control), served over HTTPS only with security headers whose CSP allows the AppSync endpoint, and a
 * `config.json` written at deploy time with the GraphQL URL and API key, so one build serves every stage.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    const { stage } = props;
    const assetPath = props.assetPath ?? join(REPO_ROOT, 'web', 'dist');
    if (!existsSync(join(assetPath, 'index.html'))) {
      throw new Error(`The console is not built (${assetPath}/index.html is missing): run npm run build:web`);
    }
    const removal = stage.durable
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(stage.durable ? 365 : 30) }],
      ...removal,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the console bucket and distribution; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'bucket/',
      ...removal,
    });

    const apiOrigin = Fn.join('', ['https://', Fn.select(2, Fn.split('/', props.graphqlUrl))]);
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `AI Ops console (${stage.name}): CSP, HSTS and friends`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp(
            props.uploadOrigin ? Fn.join(' ', [apiOrigin, props.uploadOrigin]) : apiOrigin,
          ),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: TWO_YEARS,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true }],
      },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const uncached = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      responseHeadersPolicy: headers,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `AI Ops console (${stage.name})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // Deploys change these two without changing their names: never serve a stale copy.
      additionalBehaviors: { '/index.html': uncached, '/config.json': uncached },
      // Client-side routes (/tickets/123) are not objects: S3 answers 403 through OAC; the app handles them.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    this.acknowledgeDistributionRules();
    this.url = `https://${this.distribution.distributionDomainName}`;

    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(assetPath),
        s3deploy.Source.jsonData('config.json', { graphqlUrl: props.graphqlUrl, apiKey: props.apiKey }),
      ],
      // Hashed assets of the previous build stay for tabs that still run it. No invalidation is needed:
      // index.html and config.json are never cached, and every other file's name changes with its content.
      prune: false,
      memoryLimit: 512,
      // Without one of ours, CDK makes a log group kept two years and left behind by `cdk destroy`.
      logGroup: new aws_logs.LogGroup(this, 'DeployLogs', {
        retention: stage.functions.logRetention,
        removalPolicy: removal.removalPolicy,
      }),
    });
    this.acknowledgeDeploymentRules();
  }

  private acknowledgeDistributionRules(): void {
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'An internal tool for a distributed team: no country is excluded; sign-in protects the data.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves static files only; the API behind it has its own WAF (prod). A CloudFront WAF must live in us-east-1, outside this stack.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate cannot pin TLS 1.2; a custom domain with its own certificate (TLSv1.2_2021) is the way to get it.',
    });
  }

  /** BucketDeployment's provider function (CDK-managed) and its role. */
  private acknowledgeDeploymentRules(): void {
    for (const node of this.node.root.node.findAll()) {
      const path = node.node.path;
      if (!path.includes('Custom::CDKBucketDeployment') && !path.includes('Custom::S3AutoDeleteObjects'))
        continue;
      const validations = Validations.of(node);
      validations.acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'A CDK-managed custom resource; CDK picks its runtime.',
      });
      validations.acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK-managed custom resource logs to CloudWatch with the basic execution role.',
      });
      for (const finding of this.deploymentWildcards()) {
        validations.acknowledge({
          id: `AwsSolutions-IAM5[${finding}]`,
          reason:
            'CDK-managed: the deployment reads its asset from the bootstrap bucket and writes the console bucket; CDK scopes the grants to those two buckets.',
        });
      }
    }
  }

  /** The wildcard grants of CDK's BucketDeployment role, as cdk-nag names them. */
  private deploymentWildcards(): string[] {
    const stack = Stack.of(this);
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const site = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    return [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
      `Resource::<${site}.Arn>/*`,
    ];
  }
}
