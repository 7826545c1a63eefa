/**
 * The AWS prices `npm run cost` uses: us-east-1, on-demand, without free tiers (a personal stack shares the
 * account's free tier with everything else in it). Each price names the page it comes from. They were read
 * from those pages as published in 2025 (checked against the figures quoted in issue 18's review); the
 * machine that runs this has no network, so re-check the pages before quoting a figure outside the team.
 */
export const PRICES_AS_OF = '2025-06 (AWS public price pages, us-east-1)';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const RDS_PG = 'https://aws.amazon.com/rds/postgresql/pricing/';
const AURORA = 'https://aws.amazon.com/rds/aurora/pricing/';
const PROXY = 'https://aws.amazon.com/rds/proxy/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';

export const PRICES = {
  natGatewayHour: { usd: 0.045, unit: 'NAT gateway-hour', source: VPC },
  natGatewayGb: { usd: 0.045, unit: 'GB processed by a NAT gateway', source: VPC },
  publicIpv4Hour: { usd: 0.005, unit: 'public IPv4 address-hour', source: VPC },
  interfaceEndpointAzHour: { usd: 0.01, unit: 'interface endpoint-hour per AZ', source: VPC },
  ec2Hour: {
    't4g.nano': { usd: 0.0042, unit: 'instance-hour', source: EC2 },
    't4g.micro': { usd: 0.0084, unit: 'instance-hour', source: EC2 },
    't4g.small': { usd: 0.0168, unit: 'instance-hour', source: EC2 },
  } as Record<string, Price>,
  ebsGp3GbMonth: { usd: 0.08, unit: 'GB-month of gp3', source: 'https://aws.amazon.com/ebs/pricing/' },
  rdsInstanceHour: {
    'db.t4g.micro': { usd: 0.016, unit: 'single-AZ instance-hour', source: RDS_PG },
    'db.t4g.small': { usd: 0.032, unit: 'single-AZ instance-hour', source: RDS_PG },
    'db.t4g.medium': { usd: 0.065, unit: 'single-AZ instance-hour', source: RDS_PG },
    'db.t4g.large': { usd: 0.129, unit: 'single-AZ instance-hour', source: RDS_PG },
  } as Record<string, Price>,
  /** Multi-AZ doubles the instance and storage prices. */
  rdsGp3GbMonth: { usd: 0.115, unit: 'single-AZ GB-month of gp3', source: RDS_PG },
  auroraAcuHour: { usd: 0.12, unit: 'ACU-hour (Aurora Standard)', source: AURORA },
  auroraStorageGbMonth: { usd: 0.1, unit: 'GB-month', source: AURORA },
  auroraIoMillion: { usd: 0.2, unit: 'million I/O requests', source: AURORA },
  proxyVcpuHour: { usd: 0.015, unit: 'vCPU-hour of the target (2 vCPU minimum)', source: PROXY },
  secretMonth: { usd: 0.4, unit: 'secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/' },
  alarmMetricMonth: { usd: 0.1, unit: 'standard-resolution alarm metric-month', source: CLOUDWATCH },
  dashboardMonth: { usd: 3, unit: 'dashboard-month (beyond 3 per account)', source: CLOUDWATCH },
  getMetricDataThousand: { usd: 0.01, unit: '1,000 metrics requested (GetMetricData)', source: CLOUDWATCH },
  logsIngestGb: { usd: 0.5, unit: 'GB of logs ingested', source: CLOUDWATCH },
  kmsKeyMonth: { usd: 1, unit: 'customer-managed key-month', source: 'https://aws.amazon.com/kms/pricing/' },
  wafAclMonth: { usd: 5, unit: 'web ACL-month', source: 'https://aws.amazon.com/waf/pricing/' },
  wafRuleMonth: { usd: 1, unit: 'rule-month', source: 'https://aws.amazon.com/waf/pricing/' },
  wafRequestMillion: { usd: 0.6, unit: 'million requests', source: 'https://aws.amazon.com/waf/pricing/' },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second (arm64)', source: LAMBDA },
  lambdaX86GbSecond: { usd: 0.0000166667, unit: 'GB-second (x86_64)', source: LAMBDA },
  lambdaRequestMillion: { usd: 0.2, unit: 'million requests', source: LAMBDA },
  sqsRequestMillion: {
    usd: 0.4,
    unit: 'million requests (standard queue)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  appsyncOperationMillion: {
    usd: 4,
    unit: 'million query/mutation operations',
    source: 'https://aws.amazon.com/appsync/pricing/',
  },
  xrayTraceMillion: {
    usd: 5,
    unit: 'million traces recorded',
    source: 'https://aws.amazon.com/xray/pricing/',
  },
} as const;

export type Prices = typeof PRICES;

/** vCPUs of the RDS classes the stages use (RDS Proxy bills per vCPU of its target). */
export const RDS_VCPUS: Record<string, number> = {
  'db.t4g.micro': 2,
  'db.t4g.small': 2,
  'db.t4g.medium': 2,
  'db.t4g.large': 2,
};

export const HOURS_PER_MONTH = 730;
