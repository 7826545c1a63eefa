import {
  aws_ec2 as ec2,
  type aws_iam as iam,
  aws_logs as logs,
  RemovalPolicy,
  aws_rds as rds,
  type aws_secretsmanager as secretsmanager,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { APP_ROLE } from '../lambdas/adapters/db/app-role.ts';
import type { FunctionNetwork } from './app-function.ts';
import { instanceDatabase } from './database/instance.ts';
import { serverlessDatabase } from './database/serverless.ts';
import { DATABASE_NAME, type DatabaseTarget } from './database/target.ts';
import type { StageConfig } from './stage-config.ts';

export { DATABASE_NAME } from './database/target.ts';

/** CDK's default range, spelled out so rules can name it (a token would hide it from cdk-nag). */
const VPC_CIDR = '10.0.0.0/16';

export interface DataProps {
  readonly stage: StageConfig;
}

/**
 * The network and the database: a VPC (public subnets for NAT, private subnets for functions, isolated
 * subnets for the database) and the stage's database, which only the functions' security group reaches.
 * Egress is NAT gateways (prod) or one NAT instance (personal stages); S3 is reached through a free gateway
 * endpoint (large log uploads never cross NAT).
 */
export class Data extends Construct {
  readonly vpc: ec2.Vpc;
  readonly database: DatabaseTarget;
  /** The RDS-generated master credentials (username/password/host/port/dbname JSON): the migrator's only. */
  readonly secret: secretsmanager.ISecret;
  /**
   * The handlers' login, role `ai_ops_app` (migration 0006): it may not alter the audit log. Generated here;
   * the deploy-time migrator sets the role's password from it before any handler runs.
   */
  readonly appSecret: secretsmanager.ISecret;
  /** Security group shared by every function that talks to the database. */
  readonly network: FunctionNetwork;
  readonly databaseName = DATABASE_NAME;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const nat = natProvider(stage);
    this.vpc = createVpc(this, stage, removalPolicy, nat);
    if (nat instanceof ec2.NatInstanceProviderV2) allowNatFromVpc(nat, this.vpc);
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const functions = new ec2.SecurityGroup(this, 'FunctionsSg', {
      vpc: this.vpc,
      description: 'Lambda functions that use the database',
      allowAllOutbound: true,
    });
    this.network = { vpc: this.vpc, securityGroup: functions };
    const appSecret = new rds.DatabaseSecret(this, 'AppSecret', { username: APP_ROLE });
    appSecret.applyRemovalPolicy(removalPolicy);
    Validations.of(appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The app role password is set by the deploy-time migrator; it changes by putting a new value and invoking the migrator (docs/operations.md).',
    });
    this.appSecret = appSecret;
    const settings = stage.database;
    this.database =
      settings.kind === 'instance'
        ? instanceDatabase(this, stage, settings, this.vpc, functions, [appSecret])
        : serverlessDatabase(this, stage, settings, this.vpc, functions);
    this.secret = this.database.secret;
  }

  /** Lets a function connect as the app role (the network is its security group). */
  grantConnect(grantee: iam.IGrantable): void {
    this.appSecret.grantRead(grantee);
  }

  /** The migrator: it connects as the owner and sets the app role's password from the app secret. */
  grantMigrate(grantee: iam.IGrantable): void {
    this.secret.grantRead(grantee);
    this.appSecret.grantRead(grantee);
  }
}

function natProvider(stage: StageConfig): ec2.NatProvider {
  const egress = stage.network.egress;
  if (egress.kind === 'nat-gateway') return ec2.NatProvider.gateway();
  const instanceType = new ec2.InstanceType(egress.instanceType);
  const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
  return ec2.NatProvider.instanceV2({
    instanceType,
    // Resolved from the public SSM parameter at deploy time: synth needs no lookup.
    machineImage: ec2.MachineImage.latestAmazonLinux2023({
      cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
    }),
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
  });
}

/** The NAT instance forwards what the private subnets send; nothing from outside the VPC gets in. */
function allowNatFromVpc(nat: ec2.NatInstanceProviderV2, vpc: ec2.Vpc): void {
  // The VPC is created with VPC_CIDR.
  nat.connections.allowFrom(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.allTcp(), 'VPC to NAT instance');
  // The VPC's only instances are its NAT instances.
  for (const instance of vpc.node.findAll().filter((c) => c instanceof ec2.Instance)) {
    acknowledgeNatInstance(instance);
  }
}

function acknowledgeNatInstance(instance: Construct): void {
  Validations.of(instance).acknowledge(
    {
      id: 'AwsSolutions-EC26',
      reason:
        'The NAT instance keeps nothing on its root volume but the Amazon Linux image; it forwards traffic only.',
    },
    {
      id: 'AwsSolutions-EC28',
      reason:
        'A personal stage NAT instance; basic monitoring is enough and detailed monitoring costs per metric.',
    },
    {
      id: 'AwsSolutions-EC29',
      reason:
        'Personal stages are disposable: the NAT instance goes with the stack. prod uses NAT gateways instead.',
    },
  );
}

/** Public subnets for NAT, private ones for functions, isolated ones for the database; rejected flows logged. */
function createVpc(
  scope: Construct,
  stage: StageConfig,
  removalPolicy: RemovalPolicy,
  natGatewayProvider: ec2.NatProvider,
): ec2.Vpc {
  const flowLogs = new logs.LogGroup(scope, 'FlowLogs', {
    retention: stage.functions.logRetention,
    removalPolicy,
  });
  const egress = stage.network.egress;
  return new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
    maxAzs: stage.network.maxAzs,
    natGateways: egress.kind === 'nat-gateway' ? egress.count : 1,
    natGatewayProvider,
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
