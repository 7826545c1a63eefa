import {
  aws_cloudwatch as cloudwatch,
  Duration,
  aws_ec2 as ec2,
  RemovalPolicy,
  aws_rds as rds,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ServerlessDatabase, StageConfig } from '../stage-config.ts';
import { acknowledgeNoRotation, acknowledgeRdsHelpers, keepCredentialsWith } from './instance.ts';
import { DATABASE_NAME, type DatabaseTarget, MASTER_USERNAME, POSTGRES_PORT } from './target.ts';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * How long a connection attempt may wait on a paused instance. AWS gives about 15 seconds for a resume, more
 * after a long pause; connections are accepted once it is done.
 */
export const RESUME_SECONDS = 30;

/**
 * Aurora PostgreSQL Serverless v2 at minimum capacity 0 in the isolated subnets, reached directly by the
 * functions with TLS (RDS Proxy keeps connections open, so the database would never pause). It pauses after
 * `autoPauseSeconds` without connections; `idle_session_timeout` ends the sessions of frozen Lambda containers,
 * which would otherwise keep it awake.
 */
export function serverlessDatabase(
  scope: Construct,
  stage: StageConfig,
  settings: ServerlessDatabase,
  vpc: ec2.Vpc,
  functions: ec2.ISecurityGroup,
): DatabaseTarget & { cluster: rds.DatabaseCluster } {
  const database = new ec2.SecurityGroup(scope, 'DatabaseSg', {
    vpc,
    description: 'Aurora PostgreSQL: reachable from the functions only',
    allowAllOutbound: false,
  });
  database.addIngressRule(functions, ec2.Port.tcp(POSTGRES_PORT), 'functions to database');
  const cluster = createCluster(scope, stage, settings, vpc, database);
  acknowledgeRdsHelpers(cluster);
  const secret = cluster.secret;
  if (!secret) throw new Error('The database cluster was created without a generated secret');
  keepCredentialsWith(cluster, stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
  acknowledgeCluster(stage, cluster);
  acknowledgeNoRotation(cluster, secret);
  const capacity = new cloudwatch.Metric({
    namespace: 'AWS/RDS',
    metricName: 'ServerlessDatabaseCapacity',
    dimensionsMap: { DBClusterIdentifier: cluster.clusterIdentifier },
    period: FIVE_MINUTES,
    statistic: 'Maximum',
    label: 'capacity (ACU; 0 = paused)',
  });
  return {
    cluster,
    endpoint: cluster.clusterEndpoint.hostname,
    viaProxy: false,
    secret,
    ready: [cluster],
    idleSessionSeconds: settings.idleSessionTimeoutSeconds,
    resumeSeconds: RESUME_SECONDS,
    cpu: (options) => cluster.metricCPUUtilization(options),
    connections: (options) => cluster.metricDatabaseConnections(options),
    charts: () => [
      {
        title: 'Database connections',
        metrics: [cluster.metricDatabaseConnections({ period: FIVE_MINUTES, label: 'database' })],
      },
      {
        title: 'Database capacity (ACU) & memory (bytes)',
        metrics: [capacity, cluster.metricFreeableMemory({ period: FIVE_MINUTES })],
      },
    ],
  };
}

function createCluster(
  scope: Construct,
  stage: StageConfig,
  settings: ServerlessDatabase,
  vpc: ec2.Vpc,
  securityGroup: ec2.SecurityGroup,
): rds.DatabaseCluster {
  const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  return new rds.DatabaseCluster(scope, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
    serverlessV2MinCapacity: settings.minCapacityAcu,
    serverlessV2MaxCapacity: settings.maxCapacityAcu,
    serverlessV2AutoPauseDuration: Duration.seconds(settings.autoPauseSeconds),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [securityGroup],
    port: POSTGRES_PORT,
    defaultDatabaseName: DATABASE_NAME,
    credentials: rds.Credentials.fromGeneratedSecret(MASTER_USERNAME),
    storageEncrypted: true,
    backup: { retention: Duration.days(settings.backupRetentionDays) },
    deletionProtection: stage.durable,
    removalPolicy,
    cloudwatchLogsExports: ['postgresql'],
    cloudwatchLogsRetention: stage.functions.logRetention,
    parameters: {
      'rds.force_ssl': '1',
      log_min_duration_statement: '1000',
      // Milliseconds. A frozen Lambda container keeps its socket open; the server ends the session instead.
      idle_session_timeout: String(settings.idleSessionTimeoutSeconds * 1000),
      idle_in_transaction_session_timeout: '60000',
    },
  });
}

function acknowledgeCluster(stage: StageConfig, cluster: rds.DatabaseCluster): void {
  Validations.of(cluster).acknowledge(
    {
      id: 'AwsSolutions-RDS11',
      reason:
        'The cluster sits in isolated subnets behind a security group that admits only the functions; a non-default port adds nothing.',
    },
    {
      id: 'AwsSolutions-RDS6',
      reason:
        'Functions authenticate with the generated master secret over TLS (rds.force_ssl); IAM database auth would need the RDS signer in every bundle.',
    },
  );
  if (!stage.durable) {
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-RDS10',
      reason: 'Personal stages are deleted with their stack on purpose. prod has deletion protection.',
    });
  }
}
