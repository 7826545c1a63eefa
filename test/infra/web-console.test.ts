import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../bin/stages.ts';
import { WebConsole } from '../../lib/web-console.ts';
import { tempDir } from '../support/temp-dir.ts';

const GRAPHQL_URL = 'https://abc123.appsync-api.eu-west-1.amazonaws.com/graphql';

function synth(stageName: string) {
  const dist = tempDir('ai-ops-web-dist-');
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  const app = new App({ outdir: tempDir('cdk.out-') });
  const stack = new Stack(app, `Console-${stageName}`, {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  const stage = stageConfig({ name: stageName, adminEmail: 'first.admin@example.com' });
  // Deploy-time values, as the AppSync URL and key are in the real stack.
  const graphqlUrl = new CfnParameter(stack, 'GraphqlUrl', { default: GRAPHQL_URL }).valueAsString;
  const apiKey = new CfnParameter(stack, 'ApiKey', { default: 'da2-example' }).valueAsString;
  new WebConsole(stack, 'Console', { stage, graphqlUrl, apiKey, assetPath: dist });
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  const findings = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.resourceLogicalId ?? '?'}`),
  );
  return { template: Template.fromStack(stack), findings };
}

let personal: ReturnType<typeof synth>;
let prod: ReturnType<typeof synth>;
beforeAll(() => {
  personal = synth('alice');
  prod = synth('prod');
}, 60_000);

describe('WebConsole', () => {
  it('keeps the bucket private: all public access blocked, TLS enforced, readable only through OAC', () => {
    personal.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'bucket/' }),
    });
    personal.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    personal.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const policies = JSON.stringify(personal.template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toContain('cloudfront.amazonaws.com');
    expect(policies).toContain('aws:SecureTransport');
  });

  it('serves over HTTPS only, with index.html for client-side routes', () => {
    personal.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only', Compress: true }),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/index.html', ViewerProtocolPolicy: 'https-only' }),
          Match.objectLike({ PathPattern: '/config.json', ViewerProtocolPolicy: 'https-only' }),
        ]),
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('sends security headers with a CSP whose connect-src is the AppSync endpoint', () => {
    const policy = Object.values(
      personal.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    )[0];
    const config = JSON.stringify(policy?.Properties);
    expect(config).toContain("script-src 'self'");
    expect(config).toContain("frame-ancestors 'none'");
    expect(config).toContain('connect-src');
    // The origin is cut from the GraphQL URL at deploy time: https:// + its host.
    expect(config).toContain('"Fn::Split":["/",{"Ref":"GraphqlUrl"}]');
    personal.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000, Preload: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  it('writes config.json with the GraphQL URL and API key at deploy time', () => {
    const deployment = Object.values(personal.template.findResources('Custom::CDKBucketDeployment'))[0];
    const text = JSON.stringify(deployment?.Properties);
    // CDK's markers: the values are substituted into config.json when the deployment runs.
    expect(text).toContain('{"Ref":"GraphqlUrl"}');
    expect(text).toContain('{"Ref":"ApiKey"}');
    expect(text).toContain('"jsonEscape":true');
    // Nothing to invalidate: index.html and config.json are never cached, other files change name.
    expect(text).not.toContain('DistributionPaths');
  });

  it('deletes a personal stage’s files with the stack and keeps prod’s', () => {
    expect(
      Object.keys(personal.template.findResources('Custom::S3AutoDeleteObjects')).length,
    ).toBeGreaterThan(0);
    expect(Object.keys(prod.template.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(0);
    for (const bucket of Object.values(prod.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain' });
    }
  });

  it('passes cdk-nag AwsSolutions checks with every exception acknowledged', () => {
    expect(personal.findings).toEqual([]);
    expect(prod.findings).toEqual([]);
  });
});
