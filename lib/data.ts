import {
  Duration,
  aws_ec2 as ec2,
  type aws_iam as iam,
  aws_logs as logs,
  RemovalPolicy,
  aws_rds as rds,
  Stack,
  type aws_secretsmanager as secretsmanager,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FunctionNetwork } from './app-function.ts';
import type { StageConfig } from './stage-config.ts';

export const DATABASE_NAME = 'aiops';
const POSTGRES_PORT = 5432;

export interface DataProps {
  readonly stage: StageConfig;
}

/**
 * The network and the database: a VPC (public subnets for NAT, private subnets for functions, isolated
 * subnets for the database), PostgreSQL 17 in the isolated subnets, and an RDS Proxy that functions reach
 * with TLS. Functions join `network` and read `secret`; nothing else can reach the database.
 */
export class Data extends Construct {
  readonly vpc: ec2.Vpc;
  readonly instance: rds.DatabaseInstance;
  readonly proxy: rds.DatabaseProxy;
  /** The RDS-generated master credentials (username/password/host/port/dbname JSON). */
  readonly secret: secretsmanager.ISecret;
  /** Security group shared by every function that talks to the database. */
  readonly network: FunctionNetwork;
  readonly databaseName = DATABASE_NAME;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.vpc = createVpc(this, stage, removalPolicy);
    const groups = securityGroups(this, this.vpc);
    this.network = { vpc: this.vpc, securityGroup: groups.functions };
    this.instance = createInstance(this, stage, this.vpc, groups.database);
    acknowledgeRdsHelpers(this.instance);
    const secret = this.instance.secret;
    if (!secret) throw new Error('The database instance was created without a generated secret');
    this.secret = secret;
    // A retained database is useless without its credentials.
    secret.applyRemovalPolicy(removalPolicy);
    if (stage.database.rotationDays !== undefined) {
      this.instance.addRotationSingleUser({
        automaticallyAfter: Duration.days(stage.database.rotationDays),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
    }
    this.proxy = this.instance.addProxy('Proxy', {
      secrets: [secret],
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [groups.proxy],
      requireTLS: true,
      debugLogging: false,
      // Lambda containers freeze with their connection open; let the proxy drop idle clients quickly.
      idleClientTimeout: Duration.minutes(5),
      maxConnectionsPercent: 80,
      borrowTimeout: Duration.seconds(30),
    });
    acknowledgeStageChoices(stage, this.instance, secret);
  }

  /** Lets a function connect through the proxy with the master secret (network + secret read). */
  grantConnect(grantee: iam.IGrantable): void {
    this.secret.grantRead(grantee);
  }
}

/** Public subnets for NAT, private ones for functions, isolated ones for the database; rejected flows logged. */
function createVpc(scope: Construct, stage: StageConfig, removalPolicy: RemovalPolicy): ec2.Vpc {
  const flowLogs = new logs.LogGroup(scope, 'FlowLogs', {
    retention: stage.functions.logRetention,
    removalPolicy,
  });
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: stage.network.maxAzs,
    natGateways: stage.network.natGateways,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    flowLogs: {
      rejected: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      },
    },
  });
}

/** Functions reach the proxy, the proxy reaches the database: nothing else gets in. */
function securityGroups(scope: Construct, vpc: ec2.Vpc) {
  const functions = new ec2.SecurityGroup(scope, 'FunctionsSg', {
    vpc,
    description: 'Lambda functions that use the database',
    allowAllOutbound: true,
  });
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
  return { functions, proxy, database };
}

function createInstance(
  scope: Construct,
  stage: StageConfig,
  vpc: ec2.Vpc,
  securityGroup: ec2.SecurityGroup,
): rds.DatabaseInstance {
  return new rds.DatabaseInstance(scope, 'Postgres', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    instanceType: new ec2.InstanceType(stage.database.instanceClass),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [securityGroup],
    port: POSTGRES_PORT,
    databaseName: DATABASE_NAME,
    credentials: rds.Credentials.fromGeneratedSecret('aiops_admin'),
    multiAz: stage.database.multiAz,
    storageEncrypted: true,
    storageType: rds.StorageType.GP3,
    allocatedStorage: stage.database.allocatedStorageGiB,
    maxAllocatedStorage: stage.database.maxAllocatedStorageGiB,
    backupRetention: Duration.days(stage.database.backupRetentionDays),
    deleteAutomatedBackups: !stage.durable,
    deletionProtection: stage.durable,
    removalPolicy: stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoMinorVersionUpgrade: true,
    cloudwatchLogsExports: ['postgresql'],
    cloudwatchLogsRetention: stage.functions.logRetention,
    ...(stage.database.monitoringIntervalSeconds > 0
      ? { monitoringInterval: Duration.seconds(stage.database.monitoringIntervalSeconds) }
      : {}),
    parameters: {
      // The proxy requires TLS from clients; require it behind the proxy as well.
      'rds.force_ssl': '1',
      log_min_duration_statement: '1000',
    },
  });
}

/** cdk-nag findings on helpers CDK creates for the instance (log retention, enhanced monitoring). */
function acknowledgeRdsHelpers(instance: rds.DatabaseInstance): void {
  // `cloudwatchLogsRetention` is implemented by CDK's shared log-retention function.
  const logRetention = Stack.of(instance).node.tryFindChild('LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a');
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
  const monitoringRole = instance.node.tryFindChild('MonitoringRole');
  if (monitoringRole) {
    Validations.of(monitoringRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'The AWS-maintained policy that lets RDS publish enhanced monitoring metrics.',
    });
  }
}

/** What personal stages give up on purpose (multi-AZ, deletion protection, rotation), and the port choice. */
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
      {
        id: 'AwsSolutions-SMG4',
        reason: 'Personal stages are short-lived; prod rotates the master credentials every 30 days.',
      },
    );
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Personal stages are short-lived; prod rotates the master credentials every 30 days.',
    });
  }
  Validations.of(instance).acknowledge({
    id: 'AwsSolutions-RDS11',
    reason:
      'The database sits in isolated subnets behind a security group that admits only the proxy; a non-default port adds nothing.',
  });
}
