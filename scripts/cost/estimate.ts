/**
 * Monthly cost of a synthesized stack: at rest (nothing used) and per million jobs of each kind, from the
 * resources in its CloudFormation template, the price table (prices.ts) and the usage assumptions below.
 * An estimate, not a bill: it counts what the template fixes (NAT, database, proxy, secrets, alarms,
 * dashboards, endpoints, WAF, schedules, long polling) and models per-job usage with stated assumptions.
 */
import { HOURS_PER_MONTH, PRICES, type Prices, RDS_VCPUS } from './prices.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export interface CostLine {
  item: string;
  usd: number;
}

/** What one job costs besides its worker: the API calls around it and the work per record. */
export interface JobUsage {
  /** Worker seconds per job (the function's memory comes from the template). */
  workerSeconds: number;
  /** GraphQL operations per job: the mutation and the client's status polls. */
  apiOperations: number;
}

export const ASSUMPTIONS = {
  /** Resolver and authorizer time per operation (ms); the authorizer's answer is cached per token. */
  resolverMs: 60,
  authorizerMs: 30,
  authorizerCallsPerOperation: 0.1,
  /** SQS requests per job: the send, plus receives and deletes shared by a batch. */
  sqsRequestsPerJob: 1.5,
  /** JSON log bytes per invocation, platform lines included. */
  logBytesPerInvocation: 1536,
  /** Jobs an awake Aurora Serverless v2 writer serves per ACU-second (about six short queries per job). */
  auroraJobsPerAcuSecond: 20,
  /** Reconciler run length (s) and the Lambda SQS pollers per event source mapping at rest. */
  reconcilerSeconds: 0.3,
  sqsPollersPerMapping: 5,
  /** An Aurora cluster's storage while idle (GB) and an instance's NAT root volume (GB). */
  auroraStorageGb: 1,
  natRootVolumeGb: 8,
  /** Jobs spread evenly over the month (X-Ray's per-second reservoir is then used at its fullest). */
  secondsPerMonth: HOURS_PER_MONTH * 3600,
  jobs: {
    // A 10,000-line log: mining runs at about 250,000 lines/s (docs/log-mining.md), plus reads and writes.
    'summarize-log': { workerSeconds: 0.3, apiOperations: 2 },
    'triage-ticket': { workerSeconds: 0.1, apiOperations: 2 },
  } as Record<string, JobUsage>,
};

const MONTH = HOURS_PER_MONTH;

function ofType(template: CfnTemplate, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : fallback;

function priced(table: Record<string, { usd: number }>, key: string): number {
  const price = table[key];
  if (!price) throw new Error(`No price for ${key}: add it to scripts/cost/prices.ts`);
  return price.usd;
}

function networkAtRest(template: CfnTemplate, p: Prices): CostLine[] {
  const lines: CostLine[] = [];
  const gateways = ofType(template, 'AWS::EC2::NatGateway').length;
  if (gateways > 0) {
    lines.push({ item: `${gateways} NAT gateway(s)`, usd: gateways * p.natGatewayHour.usd * MONTH });
  }
  for (const [, props] of ofType(template, 'AWS::EC2::Instance')) {
    const type = str(props.InstanceType);
    const hourly = priced(p.ec2Hour, type) + p.publicIpv4Hour.usd;
    const volume = ASSUMPTIONS.natRootVolumeGb * p.ebsGp3GbMonth.usd;
    lines.push({ item: `NAT instance ${type} + public IPv4 + root volume`, usd: hourly * MONTH + volume });
  }
  const addresses = ofType(template, 'AWS::EC2::EIP').length;
  if (addresses > 0) {
    lines.push({ item: `${addresses} Elastic IP(s) (NAT)`, usd: addresses * p.publicIpv4Hour.usd * MONTH });
  }
  for (const [id, props] of ofType(template, 'AWS::EC2::VPCEndpoint')) {
    if (str(props.VpcEndpointType) !== 'Interface') continue;
    const azs = Array.isArray(props.SubnetIds) ? props.SubnetIds.length : 1;
    lines.push({ item: `interface endpoint ${id}`, usd: azs * p.interfaceEndpointAzHour.usd * MONTH });
  }
  return lines;
}

function databaseAtRest(template: CfnTemplate, p: Prices): CostLine[] {
  const lines: CostLine[] = [];
  const instances = ofType(template, 'AWS::RDS::DBInstance');
  for (const [, props] of instances) {
    const type = str(props.DBInstanceClass);
    if (type === 'db.serverless') continue;
    const copies = props.MultiAZ === true ? 2 : 1;
    const storage = num(props.AllocatedStorage) * p.rdsGp3GbMonth.usd * copies;
    const compute = priced(p.rdsInstanceHour, type) * copies * MONTH;
    lines.push({ item: `RDS ${type}${copies > 1 ? ' multi-AZ' : ''} + storage`, usd: compute + storage });
  }
  for (const [, props] of ofType(template, 'AWS::RDS::DBCluster')) {
    const scaling = (props.ServerlessV2ScalingConfiguration ?? {}) as Record<string, unknown>;
    const minAcu = num(scaling.MinCapacity);
    const compute = minAcu * p.auroraAcuHour.usd * MONTH;
    const storage = ASSUMPTIONS.auroraStorageGb * p.auroraStorageGbMonth.usd;
    lines.push({ item: `Aurora Serverless v2 at ${minAcu} ACU (paused) + storage`, usd: compute + storage });
  }
  for (const _proxy of ofType(template, 'AWS::RDS::DBProxy')) {
    const classes = instances.map(([, props]) => str(props.DBInstanceClass));
    const vcpus = Math.max(2, ...classes.map((c) => RDS_VCPUS[c] ?? 2));
    lines.push({ item: `RDS Proxy (${vcpus} vCPU)`, usd: vcpus * p.proxyVcpuHour.usd * MONTH });
  }
  return lines;
}

function alarmMetrics(props: Record<string, unknown>): number {
  if (!Array.isArray(props.Metrics)) return 1;
  return props.Metrics.filter((metric) => metric && typeof metric === 'object' && 'MetricStat' in metric)
    .length;
}

function managementAtRest(template: CfnTemplate, p: Prices): CostLine[] {
  const secrets = ofType(template, 'AWS::SecretsManager::Secret').length;
  const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
  const metrics = alarms.reduce((sum, [, props]) => sum + alarmMetrics(props), 0);
  const dashboards = ofType(template, 'AWS::CloudWatch::Dashboard').length;
  const keys = ofType(template, 'AWS::KMS::Key').length;
  const lines: CostLine[] = [
    { item: `${secrets} secret(s)`, usd: secrets * p.secretMonth.usd },
    { item: `${alarms.length} alarm(s) over ${metrics} metric(s)`, usd: metrics * p.alarmMetricMonth.usd },
    { item: `${dashboards} dashboard(s)`, usd: dashboards * p.dashboardMonth.usd },
  ];
  if (keys > 0) lines.push({ item: `${keys} KMS key(s)`, usd: keys * p.kmsKeyMonth.usd });
  for (const [, props] of ofType(template, 'AWS::WAFv2::WebACL')) {
    const rules = Array.isArray(props.Rules) ? props.Rules.length : 0;
    lines.push({
      item: `WAF web ACL + ${rules} rule(s)`,
      usd: p.wafAclMonth.usd + rules * p.wafRuleMonth.usd,
    });
  }
  return lines;
}

interface FunctionInfo {
  memoryGb: number;
  gbSecond: number;
  environment: Record<string, unknown>;
  tracing: string;
}

function functionInfo(template: CfnTemplate, logicalIdPrefix: string, p: Prices): FunctionInfo {
  const found = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(logicalIdPrefix));
  if (!found) throw new Error(`No Lambda function ${logicalIdPrefix}* in the template`);
  const [, props] = found;
  const arm = Array.isArray(props.Architectures) && props.Architectures.includes('arm64');
  const environment = ((props.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
  return {
    memoryGb: num(props.MemorySize, 128) / 1024,
    gbSecond: arm ? p.lambdaArmGbSecond.usd : p.lambdaX86GbSecond.usd,
    environment,
    tracing: str(((props.TracingConfig ?? {}) as Record<string, unknown>).Mode),
  };
}

function invocations(fn: FunctionInfo, count: number, seconds: number, p: Prices): number {
  const compute = count * seconds * fn.memoryGb * fn.gbSecond;
  const requests = (count / 1e6) * p.lambdaRequestMillion.usd;
  const logs = (count * ASSUMPTIONS.logBytesPerInvocation * p.logsIngestGb.usd) / 1024 ** 3;
  return compute + requests + logs;
}

function schedulesAtRest(template: CfnTemplate, p: Prices): CostLine[] {
  const lines: CostLine[] = [];
  const perMinute = ofType(template, 'AWS::Events::Rule').filter(
    ([, props]) => str(props.ScheduleExpression) === 'rate(1 minute)',
  );
  if (perMinute.length > 0) {
    const reconciler = functionInfo(template, 'ReconcilerFunction', p);
    const runs = MONTH * 60;
    let usd = invocations(reconciler, runs, ASSUMPTIONS.reconcilerSeconds, p);
    if (str(reconciler.environment.RECONCILE_WHEN_INVOKED) !== '') {
      usd += (runs / 1000) * p.getMetricDataThousand.usd;
    }
    lines.push({ item: 'reconciler every minute', usd });
  }
  const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping').length;
  // Each poller long-polls (20 s) without pause, messages or not.
  const polls = mappings * ASSUMPTIONS.sqsPollersPerMapping * ((MONTH * 3600) / 20);
  lines.push({
    item: `SQS long polling (${mappings} event source mapping(s))`,
    usd: (polls / 1e6) * p.sqsRequestMillion.usd,
  });
  return lines;
}

/** The monthly cost of the stack with nobody using it. */
export function costAtRest(template: CfnTemplate, p: Prices = PRICES): CostLine[] {
  return [
    ...networkAtRest(template, p),
    ...databaseAtRest(template, p),
    ...managementAtRest(template, p),
    ...schedulesAtRest(template, p),
  ];
}

/** Traces X-Ray records out of `requests` spread evenly over the month, under a reservoir + rate rule. */
export function tracesRecorded(requests: number, reservoirPerSecond: number, rate: number): number {
  const reservoir = Math.min(requests, reservoirPerSecond * ASSUMPTIONS.secondsPerMonth);
  return reservoir + rate * (requests - reservoir);
}

/** The API's sampling rule, or Lambda's fixed default (1 per second, then 5%) where there is none. */
function apiSampling(template: CfnTemplate): { reservoir: number; rate: number } {
  const [rule] = ofType(template, 'AWS::XRay::SamplingRule');
  const props = (rule?.[1].SamplingRule ?? {}) as Record<string, unknown>;
  return rule
    ? { reservoir: num(props.ReservoirSize), rate: num(props.FixedRate) }
    : { reservoir: 1, rate: 0.05 };
}

/** The cost of a million jobs of `kind` beyond the stack at rest, LLM excluded. */
export function costPerMillionJobs(template: CfnTemplate, kind: string, p: Prices = PRICES): CostLine[] {
  const usage = ASSUMPTIONS.jobs[kind];
  if (!usage) throw new Error(`No usage assumptions for job kind ${kind}`);
  const jobs = 1e6;
  const operations = jobs * usage.apiOperations;
  const worker = functionInfo(template, `Jobs${kind.replaceAll('-', '')}Worker`, p);
  const resolver = functionInfo(template, 'ResolverFunction', p);
  const authorizer = functionInfo(template, 'AuthorizerFunction', p);
  const sampling = apiSampling(template);
  // An active worker adds Lambda's fixed rule (1 request a second, then 5%); a pass-through one only joins
  // the traces of sampled API requests, already counted.
  const traces =
    tracesRecorded(operations, sampling.reservoir, sampling.rate) +
    (worker.tracing === 'Active' ? tracesRecorded(jobs, 1, 0.05) : 0);
  const lines: CostLine[] = [
    { item: 'AppSync operations', usd: (operations / 1e6) * p.appsyncOperationMillion.usd },
    {
      item: 'resolver + authorizer',
      usd:
        invocations(resolver, operations, ASSUMPTIONS.resolverMs / 1000, p) +
        invocations(
          authorizer,
          operations * ASSUMPTIONS.authorizerCallsPerOperation,
          ASSUMPTIONS.authorizerMs / 1000,
          p,
        ),
    },
    {
      item: `worker (${usage.workerSeconds} s per job)`,
      usd: invocations(worker, jobs, usage.workerSeconds, p),
    },
    { item: 'SQS requests', usd: ((jobs * ASSUMPTIONS.sqsRequestsPerJob) / 1e6) * p.sqsRequestMillion.usd },
    {
      item: `X-Ray (${Math.round(traces).toLocaleString('en-US')} traces)`,
      usd: (traces / 1e6) * p.xrayTraceMillion.usd,
    },
  ];
  const serverless = ofType(template, 'AWS::RDS::DBCluster').length > 0;
  if (serverless) {
    const acuHours = jobs / ASSUMPTIONS.auroraJobsPerAcuSecond / 3600;
    lines.push({ item: 'Aurora compute while awake', usd: acuHours * p.auroraAcuHour.usd });
  }
  if (ofType(template, 'AWS::WAFv2::WebACL').length > 0) {
    lines.push({ item: 'WAF requests', usd: (operations / 1e6) * p.wafRequestMillion.usd });
  }
  return lines;
}

export const total = (lines: readonly CostLine[]): number => lines.reduce((sum, line) => sum + line.usd, 0);
