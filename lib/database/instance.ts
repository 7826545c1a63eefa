import {
  aws_cloudwatch as cloudwatch,
  Duration,
  aws_ec2 as ec2,
  RemovalPolicy,
  aws_rds as rds,
  Stack,
  type aws_secretsmanager as secretsmanager,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InstanceDatabase, StageConfig } from '../stage-config.ts';
import { DATABASE_NAME, type DatabaseTarget, MASTER_USERNAME, POSTGRES_PORT } from './target.ts';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * PostgreSQL 17 on an RDS instance in the isolated subnets, reached through an RDS Proxy that requires TLS:
 * functions reach the proxy, the proxy reaches the database, nothing else gets in. The durable stage's choice.
 */
export function instanceDatabase(
  scope: Construct,
  stage: StageConfig,
  settings: InstanceDatabase,
  vpc: ec2.Vpc,
  functions: ec2.ISecurityGroup,
  /** Further logins the proxy accepts (the app role's). */
  userSecrets: readonly secretsmanager.ISecret[] = [],
): DatabaseTarget & { instance: rds.DatabaseInstance; proxy: rds.DatabaseProxy } {
  const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  const groups = securityGroups(scope, vpc, functions);
  const instance = createInstance(scope, stage, settings, vpc, groups.database);
  acknowledgeRdsHelpers(instance);
  const secret = instance.secret;
  if (!secret) throw new Error('The database instance was created without a generated secret');
  keepCredentialsWith(instance, removalPolicy);
  if (settings.rotationDays !== undefined) {
    instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(settings.rotationDays),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
  }
  const proxy = instance.addProxy('Proxy', {
    secrets: [secret, ...userSecrets],
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [groups.proxy],
    requireTLS: true,
    debugLogging: false,
    // Lambda containers freeze with their connection open; let the proxy drop idle clients quickly.
    idleClientTimeout: Duration.seconds(settings.proxyIdleClientTimeoutSeconds),
    maxConnectionsPercent: 80,
    borrowTimeout: Duration.seconds(30),
  });
  acknowledgeStageChoices(stage, instance, secret);
  return {
    instance,
    proxy,
    endpoint: proxy.endpoint,
    viaProxy: true,
    secret,
    ready: [instance, proxy],
    idleSessionSeconds: settings.proxyIdleClientTimeoutSeconds,
    resumeSeconds: 0,
    cpu: (options) => instance.metricCPUUtilization(options),
    connections: (options) => instance.metricDatabaseConnections(options),
    charts: () => [
      {
        title: 'Database connections',
        metrics: [
          instance.metricDatabaseConnections({ period: FIVE_MINUTES, label: 'database' }),
          new cloudwatch.Metric({
            namespace: 'AWS/RDS',
            metricName: 'ClientConnections',
            dimensionsMap: { ProxyName: proxy.dbProxyName },
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: 'proxy clients',
          }),
        ],
      },
      {
        title: 'Database memory & storage (bytes)',
        metrics: [
          instance.metricFreeableMemory({ period: FIVE_MINUTES }),
          instance.metricFreeStorageSpace({ period: FIVE_MINUTES }),
        ],
      },
    ],
  };
}

/** Functions reach the proxy, the proxy reaches the database: nothing else gets in. */
function securityGroups(scope: Construct, vpc: ec2.Vpc, functions: ec2.ISecurityGroup) {
  const proxy = new ec2.SecurityGroup(scope, 'ProxySg', {
    vpc,
    description: 'RDS Proxy: reachable from the functions only',
    allowAllOutbound: false,
  });
  const database = new ec2.SecurityGroup(scope, 'DatabaseSg', {
    vpc,
    description: 'PostgreSQL: reachable from the proxy (and the rotation function) only',
    allowAllOutbound: false,
  });
  proxy.addIngressRule(functions, ec2.Port.tcp(POSTGRES_PORT), 'functions to proxy');
  proxy.addEgressRule(database, ec2.Port.tcp(POSTGRES_PORT), 'proxy to database');
  // The proxy reads the credentials secret; HTTPS out (through NAT) keeps that working from its ENIs.
  proxy.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'proxy to Secrets Manager');
  database.addIngressRule(proxy, ec2.Port.tcp(POSTGRES_PORT), 'proxy to database');
  return { proxy, database };
}

function createInstance(
  scope: Construct,
  stage: StageConfig,
  settings: InstanceDatabase,
  vpc: ec2.Vpc,
  securityGroup: ec2.SecurityGroup,
): rds.DatabaseInstance {
  return new rds.DatabaseInstance(scope, 'Postgres', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    instanceType: new ec2.InstanceType(settings.instanceClass),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [securityGroup],
    port: POSTGRES_PORT,
    databaseName: DATABASE_NAME,
    credentials: rds.Credentials.fromGeneratedSecret(MASTER_USERNAME),
    multiAz: settings.multiAz,
    storageEncrypted: true,
    storageType: rds.StorageType.GP3,
    allocatedStorage: settings.allocatedStorageGiB,
    maxAllocatedStorage: settings.maxAllocatedStorageGiB,
    backupRetention: Duration.days(settings.backupRetentionDays),
    deleteAutomatedBackups: !stage.durable,
    deletionProtection: stage.durable,
    removalPolicy: stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoMinorVersionUpgrade: true,
    cloudwatchLogsExports: ['postgresql'],
    cloudwatchLogsRetention: stage.functions.logRetention,
    ...(settings.monitoringIntervalSeconds > 0
      ? { monitoringInterval: Duration.seconds(settings.monitoringIntervalSeconds) }
      : {}),
    parameters: {
      // The proxy requires TLS from clients; require it behind the proxy as well.
      'rds.force_ssl': '1',
      log_min_duration_statement: '1000',
    },
  });
}

/**
 * A retained database is useless without its master credentials. `secret` of an instance or cluster is the
 * secret's attachment to it; the password lives in its generated `Secret` child, which keeps CloudFormation's
 * default (deleted with the stack) unless it is given the database's removal policy itself.
 */
export function keepCredentialsWith(
  database: rds.DatabaseInstance | rds.DatabaseCluster,
  policy: RemovalPolicy,
): void {
  const generated = database.node.tryFindChild('Secret');
  if (!(generated instanceof rds.DatabaseSecret)) {
    throw new Error(`${database.node.path} has no generated master secret to keep with it`);
  }
  generated.applyRemovalPolicy(policy);
  database.secret?.applyRemovalPolicy(policy);
}

/** cdk-nag findings on helpers CDK creates for the database (log retention, enhanced monitoring). */
export function acknowledgeRdsHelpers(database: Construct): void {
  // `cloudwatchLogsRetention` is implemented by CDK's shared log-retention function.
  const logRetention = Stack.of(database).node.tryFindChild('LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a');
  if (logRetention) {
    Validations.of(logRetention).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's log-retention function uses the AWS-maintained minimal logging policy.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "CDK's log-retention function sets retention on log groups that RDS creates itself; their names are not known to the template.",
      },
    );
  }
  const monitoringRole = database.node.tryFindChild('MonitoringRole');
  if (monitoringRole) {
    Validations.of(monitoringRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'The AWS-maintained policy that lets RDS publish enhanced monitoring metrics.',
    });
  }
}

/** What a non-durable stage with an instance gives up on purpose (multi-AZ, deletion protection, rotation). */
function acknowledgeStageChoices(
  stage: StageConfig,
  instance: rds.DatabaseInstance,
  secret: secretsmanager.ISecret,
): void {
  if (!stage.durable) {
    Validations.of(instance).acknowledge(
      {
        id: 'AwsSolutions-RDS3',
        reason: 'Personal stages are disposable: single-AZ keeps them cheap. prod is multi-AZ.',
      },
      {
        id: 'AwsSolutions-RDS10',
        reason: 'Personal stages are deleted with their stack on purpose. prod has deletion protection.',
      },
    );
    acknowledgeNoRotation(instance, secret);
  }
  Validations.of(instance).acknowledge({
    id: 'AwsSolutions-RDS11',
    reason:
      'The database sits in isolated subnets behind a security group that admits only the proxy; a non-default port adds nothing.',
  });
}

export function acknowledgeNoRotation(database: Construct, secret: secretsmanager.ISecret): void {
  const reason = {
    id: 'AwsSolutions-SMG4',
    reason: 'Personal stages are short-lived; prod rotates the master credentials every 30 days.',
  };
  Validations.of(database).acknowledge(reason);
  Validations.of(secret).acknowledge(reason);
}
