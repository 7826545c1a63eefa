import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aws_cloudwatch as cloudwatch,
  aws_codedeploy as codedeploy,
  Duration,
  aws_ec2 as ec2,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RUNBOOK, withRunbook } from './runbook.ts';
import type { StageConfig } from './stage-config.ts';

/** The repository root: bundling resolves entries, the lock file and `migrations/` from here. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild emits ESM (`index.mjs`); a few dependencies still call `require` for Node built-ins, which ESM
 * lacks, so the banner recreates it. Aliased to avoid clashing with a bundled `createRequire` import.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __cjsRequire } from 'node:module';const require = __cjsRequire(import.meta.url);";

export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
}

export interface AppFunctionProps {
  readonly stage: StageConfig;
  /** Handler module relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment?: Record<string, string>;
  /** Functions that talk to the database run in the VPC's private subnets. */
  readonly network?: FunctionNetwork;
  /**
   * Files or folders (relative to the repository root) copied next to the bundle, for code that reads them
   * at run time (migrations, the ticket model).
   */
  readonly assets?: readonly string[];
  /**
   * Publish a `live` alias and shift traffic to new versions with a CodeDeploy canary that rolls back
   * when the alias reports errors. Callers must invoke `target` (the alias) for this to mean anything.
   */
  readonly gradualDeployment?: boolean;
  /**
   * `active` (default): traced by the API's sampling decision, or else Lambda's fixed rule (1 request a
   * second, then 5%), which cannot be configured. `pass-through`: traced only when the upstream request
   * (the API call that enqueued the job, through SQS's AWSTraceHeader) was sampled.
   */
  readonly tracing?: 'active' | 'pass-through';
}

function copyAssets(assets: readonly string[]): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      assets.map((asset) => `cp -r "${inputDir}/${asset}" "${outputDir}/${basename(asset)}"`),
  };
}

/** The one way this project defines a Lambda function. */
export class AppFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** What event sources and AppSync invoke: the `live` alias on gradually deployed functions. */
  readonly target: lambda.IFunction;
  readonly alias: lambda.Alias | undefined;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup | undefined;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: stage.functions.logRetention,
      removalPolicy,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: props.tracing === 'pass-through' ? lambda.Tracing.PASS_THROUGH : lambda.Tracing.ACTIVE,
      logGroup,
      // JSON for the platform's own lines too (START/REPORT, init errors, timeouts), so every line of the log
      // group is queryable by field. The application level matches POWERTOOLS_LOG_LEVEL: Lambda filters by it.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[stage.functions.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: {
        STAGE: stage.name,
        POWERTOOLS_SERVICE_NAME: stage.metrics.service,
        POWERTOOLS_METRICS_NAMESPACE: stage.metrics.namespace,
        POWERTOOLS_LOG_LEVEL: stage.functions.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY },
      bundling: bundling(props.assets),
    });
    acknowledgeFunction(this.function);
    if (props.gradualDeployment) {
      const { alias, deploymentGroup } = this.deployGradually(id);
      this.alias = alias;
      this.deploymentGroup = deploymentGroup;
      this.target = alias;
    } else {
      this.alias = undefined;
      this.deploymentGroup = undefined;
      this.target = this.function;
    }
  }

  /** A `live` alias whose new versions take traffic through a canary that errors roll back. */
  private deployGradually(id: string) {
    const alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
    });
    const errors = new cloudwatch.Alarm(this, 'CanaryErrors', {
      alarmDescription: withRunbook(
        `The new version of ${id} failed invocations during its canary: CodeDeploy rolls the live alias back to the previous version (no page)`,
        RUNBOOK.canaryErrors,
      ),
      metric: alias.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
      alias,
      deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [errors],
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });
    Validations.of(deploymentGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason: 'The AWS-maintained service role policy for CodeDeploy Lambda deployments.',
    });
    return { alias, deploymentGroup };
  }
}

/** Local esbuild, ESM, minified, every dependency bundled (the tested version is the deployed one). */
function bundling(assets: readonly string[] | undefined): nodejs.BundlingOptions {
  return {
    forceDockerBundling: false,
    format: nodejs.OutputFormat.ESM,
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // The SDK is bundled, not taken from the runtime: the tested version is the deployed version.
    externalModules: [],
    ...(assets && assets.length > 0 ? { commandHooks: copyAssets(assets) } : {}),
  };
}

function acknowledgeFunction(fn: nodejs.NodejsFunction): void {
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason:
        'The project targets Node.js 22 (DESIGN and CI pin it); a newer runtime is a deliberate upgrade.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS-maintained minimal policy for writing the function logs.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'The AWS-maintained minimal policy for the ENIs of a function in a VPC.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "X-Ray PutTraceSegments/PutTelemetryRecords (and the reconciler's CloudWatch GetMetricData) do not support resource-level permissions.",
    },
  );
}
