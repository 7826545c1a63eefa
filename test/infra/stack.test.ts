import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_FACTOR } from '../../lambdas/core/jobs/kind.ts';
import {
  LARGEST_UPLOAD_SECONDS,
  summarizeLog,
} from '../../lambdas/core/jobs/kinds/summarize-log/definition.ts';
import { UPLOAD_RETENTION_DAYS } from '../../lambdas/core/jobs/kinds/summarize-log/upload-key.ts';
import { JOB_KINDS, jobKindDefinition } from '../../lambdas/core/jobs/registry.ts';
import { ALARM_THRESHOLDS, METRICS_NAMESPACE } from '../../lambdas/core/metrics.ts';
import { MODEL_FORMAT } from '../../lambdas/core/tickets/model.ts';
import { recordDeadline } from '../../lambdas/shared/deadline.ts';
import { AUTHORIZATION_HEADER_PATTERN } from '../../lib/api.ts';
import { REPO_ROOT } from '../../lib/app-function.ts';
import { ABORT_INCOMPLETE_UPLOAD_DAYS } from '../../lib/log-uploads.ts';
import { rootFields } from '../../lib/schema-fields.ts';
import { INITIAL_SECRET_GENERATION } from '../../lib/secrets.ts';
import { emittedMetrics } from '../support/emitted-metrics.ts';
import { runbookAnchors } from '../support/runbook.ts';
import {
  acknowledgementsOf,
  type Resources,
  resourcesOf,
  type SynthesizedStage,
  synthStage,
} from './support/synth.ts';

let personal: SynthesizedStage;
let prod: SynthesizedStage;

beforeAll(() => {
  // Bundling every function is the slow part: each stage is synthesized once for the whole file. The bound is a
  // hang guard, not a speed check: on a shared 2-core machine the two synths took 130 s.
  personal = synthStage('alice', { alarmEmail: 'ops@example.com' });
  prod = synthStage('prod');
}, 300_000);

/** The logical id of a construct's CloudFormation resource (following default children down). */
function logicalId(stack: Stack, construct: IConstruct): string {
  let current: IConstruct | undefined = construct;
  while (current && !(current instanceof CfnElement)) current = current.node.defaultChild;
  if (!(current instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation element`);
  return stack.getLogicalId(current);
}

function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  expect(values).toHaveLength(1);
  const [value] = values;
  if (value === undefined) throw new Error('no value');
  return value;
}

function props(resources: Resources, id: string): Record<string, unknown> {
  const resource = resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties ?? {};
}

/** Every IAM statement of the template, with the resource that carries it. */
function iamStatements(
  s: SynthesizedStage,
): Array<{ owner: string; Action: unknown; Resource: unknown; Effect: unknown }> {
  const out: Array<{ owner: string; Action: unknown; Resource: unknown; Effect: unknown }> = [];
  const documents: Array<[string, unknown]> = [];
  for (const [id, r] of Object.entries(resourcesOf(s.template, 'AWS::IAM::Policy'))) {
    documents.push([id, r.Properties?.PolicyDocument]);
  }
  for (const [id, r] of Object.entries(resourcesOf(s.template, 'AWS::IAM::Role'))) {
    const policies = r.Properties?.Policies;
    if (Array.isArray(policies)) for (const p of policies) documents.push([id, p.PolicyDocument]);
  }
  for (const [owner, document] of documents) {
    const statements = (document as { Statement?: unknown[] } | undefined)?.Statement ?? [];
    for (const statement of statements)
      out.push({ owner, ...(statement as { Action: unknown; Resource: unknown; Effect: unknown }) });
  }
  return out;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('every stage', () => {
  const both = () => [personal, prod];

  it('names the stack AiOps-<stage>', () => {
    expect(personal.stack.stackName).toBe('AiOps-alice');
    expect(prod.stack.stackName).toBe('AiOps-prod');
  });

  it('authorizes with the Lambda authorizer by default, with a result cache and a token validation expression', () => {
    for (const s of both()) {
      s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
        AuthenticationType: 'AWS_LAMBDA',
        LambdaAuthorizerConfig: {
          AuthorizerResultTtlInSeconds: s.stage.api.authorizerCacheTtlSeconds,
          AuthorizerUri: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.functions.authorizer.function), 'Arn'] },
          IdentityValidationExpression: AUTHORIZATION_HEADER_PATTERN,
        },
      });
    }
    const pattern = new RegExp(AUTHORIZATION_HEADER_PATTERN);
    expect(pattern.test('Bearer aaa.bbb.ccc')).toBe(true);
    expect(pattern.test('bearer aaa.bbb.ccc')).toBe(true);
    expect(pattern.test('aaa.bbb.ccc')).toBe(false);
    expect(pattern.test('Bearer aaa.bbb')).toBe(false);
  });

  it('offers API_KEY only as an additional mode, with an explicit expiry', () => {
    for (const s of both()) {
      s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
        AdditionalAuthenticationProviders: [{ AuthenticationType: 'API_KEY' }],
      });
      const key = only(resourcesOf(s.template, 'AWS::AppSync::ApiKey'));
      expect(key.Properties?.Expires).toBe(Math.floor(s.stage.api.apiKeyExpiresAt.getTime() / 1000));
    }
  });

  it('resolves every Query and Mutation field through the resolver function, turning error envelopes into errorType', () => {
    const fields = rootFields(readFileSync(join(REPO_ROOT, 'schema', 'schema.graphql'), 'utf8'));
    expect(fields.map((f) => f.fieldName)).toEqual(
      expect.arrayContaining(['me', 'signup', 'login', 'refreshToken']),
    );
    for (const s of both()) {
      const dataSource = only(resourcesOf(s.template, 'AWS::AppSync::DataSource'));
      expect(dataSource.Properties?.Type).toBe('AWS_LAMBDA');
      const resolvers = Object.values(resourcesOf(s.template, 'AWS::AppSync::Resolver'));
      expect(resolvers.map((r) => `${r.Properties?.TypeName}.${r.Properties?.FieldName}`).sort()).toEqual(
        fields.map((f) => `${f.typeName}.${f.fieldName}`).sort(),
      );
      for (const resolver of resolvers) {
        expect(resolver.Properties).toMatchObject({
          Kind: 'UNIT',
          Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
          DataSourceName: dataSource.Properties?.Name,
        });
        const code = String(resolver.Properties?.Code);
        expect(code).toContain("operation: 'Invoke'");
        expect(code).toContain(
          'util.error(ctx.result.__error.message, ctx.result.__error.type, null, ctx.result.__error.info)',
        );
        expect(code).toContain("util.error('Internal error', 'InternalError')");
      }
    }
  });

  it('limits query depth and resolver count, traces with X-Ray, and logs fields at ERROR without verbose content', () => {
    for (const s of both()) {
      s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
        QueryDepthLimit: s.stage.api.queryDepthLimit,
        ResolverCountLimit: s.stage.api.resolverCountLimit,
        XrayEnabled: true,
        LogConfig: {
          FieldLogLevel: 'ERROR',
          ExcludeVerboseContent: true,
          CloudWatchLogsRoleArn: Match.anyValue(),
        },
      });
      s.template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', Match.anyValue()]] },
        RetentionInDays: s.stage.functions.logRetention,
      });
    }
  });

  it('gives every work queue a dead-letter queue after 5 receives, and the DLQ keeps messages longer', () => {
    for (const s of both()) {
      const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
      const sources = Object.entries(queues).filter(([, q]) => q.Properties?.RedrivePolicy);
      const deadLetterIds = new Set<string>();
      expect(sources).toHaveLength(JOB_KINDS.length);
      for (const [, source] of sources) {
        const redrive = source.Properties?.RedrivePolicy as {
          deadLetterTargetArn: { 'Fn::GetAtt': [string, string] };
          maxReceiveCount: number;
        };
        expect(redrive.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
        const [dlqId] = redrive.deadLetterTargetArn['Fn::GetAtt'];
        deadLetterIds.add(dlqId);
        const dlq = props(queues, dlqId);
        expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
        expect(Number(dlq.MessageRetentionPeriod)).toBeGreaterThan(
          Number(source.Properties?.MessageRetentionPeriod ?? 345_600),
        );
      }
      expect(deadLetterIds.size).toBe(JOB_KINDS.length);
      expect(Object.keys(queues)).toHaveLength(2 * JOB_KINDS.length);
    }
  });

  it('encrypts every queue and denies access without TLS', () => {
    for (const s of both()) {
      const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
      const policies = Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy'));
      for (const [id, queue] of Object.entries(queues)) {
        expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
        const enforced = policies.some(
          (p) =>
            JSON.stringify(p.Properties?.Queues).includes(`"${id}"`) &&
            JSON.stringify(p.Properties?.PolicyDocument).includes('"aws:SecureTransport":"false"'),
        );
        expect(enforced, `${id} enforces TLS`).toBe(true);
      }
    }
  });

  it("sets each queue's visibility timeout to at least six times its worker's timeout", () => {
    for (const s of both()) {
      const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
      const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
      for (const q of s.stack.workQueues.queues) {
        const timeout = Number(props(functions, logicalId(s.stack, q.worker.function)).Timeout);
        const visibility = Number(props(queues, logicalId(s.stack, q.queue)).VisibilityTimeout);
        expect(visibility).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * timeout);
      }
    }
  });

  it('feeds each worker from its queue with partial batch failures, a batch window and bounded concurrency', () => {
    for (const s of both()) {
      const mappings = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(JOB_KINDS.length);
      for (const q of s.stack.workQueues.queues) {
        const spec = jobKindDefinition(q.kind);
        const mapping = mappings.find(
          (m) =>
            JSON.stringify(m.Properties?.EventSourceArn) ===
            JSON.stringify({ 'Fn::GetAtt': [logicalId(s.stack, q.queue), 'Arn'] }),
        );
        expect(mapping?.Properties).toMatchObject({
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BatchSize: spec.queue.batchSize,
          MaximumBatchingWindowInSeconds: spec.queue.maxBatchingWindowSeconds,
          ScalingConfig: { MaximumConcurrency: s.stage.workers.maxConcurrency },
        });
      }
    }
  });

  it('gives a summarize record, even the first of a full batch, the time a 1 GiB upload takes', () => {
    // Records of a batch run one after another, each with an even share of the invocation (recordDeadline); an
    // upload that outlives its share fails the attempt, so a big one batched with others used to fail 5 times.
    for (const s of both()) {
      const q = s.stack.workQueues.queues.find((candidate) => candidate.kind === summarizeLog.kind);
      if (!q) throw new Error('no summarize queue');
      const timeoutMs =
        1000 *
        Number(
          props(resourcesOf(s.template, 'AWS::Lambda::Function'), logicalId(s.stack, q.worker.function))
            .Timeout,
        );
      const mapping = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).find((m) =>
        JSON.stringify(m.Properties?.EventSourceArn).includes(logicalId(s.stack, q.queue)),
      );
      const batchSize = Number(mapping?.Properties?.BatchSize);
      expect(batchSize).toBeGreaterThanOrEqual(1);
      const firstRecordSeconds = recordDeadline(timeoutMs, batchSize, 0) / 1000;
      expect(firstRecordSeconds).toBeGreaterThanOrEqual(LARGEST_UPLOAD_SECONDS);
    }
  });

  it('runs every application function on Node.js 22 / ARM64 with tracing, source maps and Powertools settings', () => {
    for (const s of both()) {
      const appFunctions = Object.values(resourcesOf(s.template, 'AWS::Lambda::Function')).filter(
        (f) =>
          (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
            ?.STAGE,
      );
      // authorizer, resolver, reconciler, migrator, keygen and one per worker
      expect(appFunctions).toHaveLength(5 + JOB_KINDS.length);
      for (const f of appFunctions) {
        // Workers on personal stages only join sampled API traces; everything else is traced actively.
        const worker = String(f.Properties?.Description ?? '').startsWith('Worker for');
        const mode = worker && s.stage.workers.tracing === 'pass-through' ? 'PassThrough' : 'Active';
        expect(f.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: mode },
          Handler: 'index.handler',
          LoggingConfig: {
            LogGroup: { Ref: expect.any(String) },
            LogFormat: 'JSON',
            ApplicationLogLevel: s.stage.functions.logLevel,
          },
          Environment: {
            Variables: {
              STAGE: s.stage.name,
              NODE_OPTIONS: '--enable-source-maps',
              POWERTOOLS_SERVICE_NAME: `ai-ops-${s.stage.name}`,
              POWERTOOLS_METRICS_NAMESPACE: 'AiOps',
              POWERTOOLS_LOG_LEVEL: s.stage.functions.logLevel,
            },
          },
        });
      }
    }
  });

  it('gives each function the environment its handler reads', () => {
    const s = personal;
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    const envOf = (fn: IConstruct) =>
      (props(functions, logicalId(s.stack, fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
    const database = [
      'DB_SECRET_ARN',
      'DB_HOST',
      'DB_NAME',
      'DB_PROXY',
      'DB_CONNECT_TIMEOUT_SECONDS',
      'DB_IDLE_SESSION_SECONDS',
    ];
    const auth = [
      'JWT_KEYS_SECRET_ARN',
      'JWT_ISSUER',
      'JWT_AUDIENCE',
      'ACCESS_TOKEN_TTL_SECONDS',
      'REFRESH_TOKEN_TTL_SECONDS',
      'AUTHORIZER_TTL_SECONDS',
    ];
    const queue = ['QUEUE_DRIVER', 'JOB_QUEUE_URLS'];
    const { authorizer, resolver, reconciler, migrator } = s.stack.functions;
    expect(Object.keys(envOf(authorizer.function))).toEqual(expect.arrayContaining([...database, ...auth]));
    expect(Object.keys(envOf(resolver.function))).toEqual(
      expect.arrayContaining([...database, ...auth, ...queue]),
    );
    expect(Object.keys(envOf(reconciler.function))).toEqual(expect.arrayContaining([...database, ...queue]));
    expect(Object.keys(envOf(migrator.function))).toEqual(
      expect.arrayContaining([...database, 'ADMIN_BOOTSTRAP_SECRET_ARN']),
    );
    expect(envOf(resolver.function).QUEUE_DRIVER).toBe('sqs');
    expect(envOf(resolver.function).DB_NAME).toBe('aiops');
    expect(envOf(authorizer.function).AUTHORIZER_TTL_SECONDS).toBe(
      String(s.stage.api.authorizerCacheTtlSeconds),
    );
    const queueUrls = JSON.stringify(envOf(resolver.function).JOB_QUEUE_URLS);
    for (const kind of JOB_KINDS) expect(queueUrls).toContain(`\\"${kind.kind}\\":\\"`);
    for (const q of s.stack.workQueues.queues) {
      const env = envOf(q.worker.function);
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([...database, ...queue, 'OPENAI_API_KEY_SECRET_ARN']),
      );
      expect(env).toMatchObject({ QUEUE_DRIVER: 'sqs' });
      // Its own queue only.
      const ownQueue = JSON.stringify(env.JOB_QUEUE_URLS);
      expect(ownQueue).toContain(`\\"${q.kind}\\":\\"`);
      expect(ownQueue).toContain(logicalId(s.stack, q.queue));
      for (const other of s.stack.workQueues.queues.filter((o) => o !== q)) {
        expect(ownQueue).not.toContain(logicalId(s.stack, other.queue));
      }
    }
  });

  it('gives the resolver and the workers the LLM key secret and time budgets that fit their timeouts', () => {
    const s = personal;
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    const envOf = (fn: IConstruct) =>
      (props(functions, logicalId(s.stack, fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
    const resolverEnv = envOf(s.stack.functions.resolver.function);
    expect(Object.keys(resolverEnv)).toEqual(expect.arrayContaining(['OPENAI_API_KEY_SECRET_ARN']));
    expect(Number(resolverEnv.LLM_CALL_BUDGET_MS)).toBeLessThan(30_000);
    for (const q of s.stack.workQueues.queues) {
      const budget = Number(envOf(q.worker.function).LLM_CALL_BUDGET_MS);
      expect(budget).toBeGreaterThan(0);
      expect(budget).toBeLessThan((jobKindDefinition(q.kind).worker.timeoutSeconds * 1000) / 2);
    }
    const grants = iamStatements(s).filter(
      (st) =>
        JSON.stringify(st.Resource).includes('OpenAi') &&
        JSON.stringify(st.Action).includes('GetSecretValue'),
    );
    expect(grants.length).toBeGreaterThan(0);
  });

  it('lets the resolver enqueue jobs, read queue depths and list, redrive and purge dead letters', () => {
    const s = personal;
    const resolverRole = s.stack.functions.resolver.function.role;
    if (!resolverRole) throw new Error('resolver has no role');
    const roleId = logicalId(s.stack, resolverRole);
    const statements = iamStatements(s).filter((st) => {
      const policy = resourcesOf(s.template, 'AWS::IAM::Policy')[st.owner];
      return JSON.stringify(policy?.Properties?.Roles ?? []).includes(`"${roleId}"`);
    });
    const actions = new Set(statements.flatMap((st) => asList(st.Action)));
    for (const action of [
      'sqs:SendMessage',
      'sqs:ReceiveMessage',
      'sqs:StartMessageMoveTask',
      'sqs:PurgeQueue',
      'sqs:GetQueueAttributes',
    ]) {
      expect(actions.has(action), action).toBe(true);
    }
    expect(actions.has('secretsmanager:GetSecretValue')).toBe(true);
    expect(actions.has('secretsmanager:PutSecretValue')).toBe(false);
  });

  it('grants no wildcard actions, and wildcard resources only where AWS offers no resource-level permission', () => {
    const allowedOnAnyResource = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      // CDK's log-retention function (RDS log exports): the log groups are created by RDS, not the template.
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      // The personal-stage reconciler reads the resolver's Invocations metric (no resource-level permission).
      'cloudwatch:GetMetricData',
    ]);
    for (const s of both()) {
      for (const statement of iamStatements(s)) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of asList(statement.Action))
          expect(String(action), statement.owner).not.toMatch(/(^\*$|:\*$)/);
        if (asList(statement.Resource).includes('*')) {
          for (const action of asList(statement.Action)) {
            expect(
              allowedOnAnyResource.has(String(action)),
              `${statement.owner}: ${String(action)} on *`,
            ).toBe(true);
          }
        }
      }
    }
  });

  it('runs the reconciler every minute', () => {
    for (const s of both()) {
      s.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.functions.reconciler.function), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 0 },
          }),
        ],
      });
    }
  });

  it('runs each scheduled reconciliation once: Lambda does not retry a failed run into the next ones', () => {
    // EventBridge invokes asynchronously: its RetryPolicy covers delivery only, and Lambda retries a run that
    // fails twice more (after one and three minutes) unless the function's own async settings say otherwise.
    for (const s of both()) {
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(s.stack, s.stack.functions.reconciler.function) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    }
  });

  it('pages when the reconciler fails, or cannot send what it found, five minutes running', () => {
    for (const s of both()) {
      const reconciler = logicalId(s.stack, s.stack.functions.reconciler.function);
      const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter((a) =>
        /JobsReconcileFailures/.test(JSON.stringify(a.Properties)),
      );
      expect(alarms).toHaveLength(1);
      const [alarm] = alarms;
      expect(alarm?.Properties).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: ALARM_THRESHOLDS.reconcilerFailingMinutes,
        DatapointsToAlarm: ALARM_THRESHOLDS.reconcilerFailingMinutes,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(ALARM_THRESHOLDS.reconcilerFailingMinutes).toBeGreaterThanOrEqual(3);
      const queries = alarm?.Properties?.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: CfnMetric; Period: number; Stat: string };
      }[];
      const errors = queries.find((q) => q.MetricStat?.Metric.MetricName === 'Errors');
      expect(JSON.stringify(errors?.MetricStat?.Metric.Dimensions)).toContain(reconciler);
      const sends = queries.find((q) => q.MetricStat?.Metric.MetricName === 'JobsReconcileFailures');
      for (const q of [errors, sends]) expect(q?.MetricStat).toMatchObject({ Period: 60, Stat: 'Sum' });
      const expression = queries.find((q) => q.Expression)?.Expression ?? '';
      expect(expression).toContain(`FILL(${errors?.Id}, 0)`);
      expect(expression).toContain(`FILL(${sends?.Id}, 0)`);
    }
  });

  it('applies migrations on deploy, after the database and before every function that uses it', () => {
    for (const s of both()) {
      const triggers = resourcesOf(s.template, 'Custom::Trigger');
      const migrateId = logicalId(s.stack, s.stack.node.findChild('MigrateOnDeploy'));
      const migrate = triggers[migrateId];
      expect(JSON.stringify(migrate?.Properties?.HandlerArn)).toContain('MigratorFunctionCurrentVersion');
      expect(migrate?.Properties?.InvocationType).toBe('RequestResponse');
      expect(migrate?.DependsOn).toEqual(
        expect.arrayContaining(s.stack.data.database.ready.map((c) => logicalId(s.stack, c))),
      );
      const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
      const users = [
        s.stack.functions.authorizer,
        s.stack.functions.resolver,
        s.stack.functions.reconciler,
        ...s.stack.workQueues.queues.map((q) => q.worker),
      ];
      for (const user of users) {
        expect(functions[logicalId(s.stack, user.function)]?.DependsOn, user.node.path).toContain(migrateId);
      }
    }
  });

  /** The folder CDK bundled a function into. */
  const bundleOf = (s: SynthesizedStage, fn: IConstruct): string => {
    const metadata = resourcesOf(s.template, 'AWS::Lambda::Function')[logicalId(s.stack, fn)];
    const assetPath = (metadata as { Metadata?: Record<string, unknown> } | undefined)?.Metadata?.[
      'aws:asset:path'
    ];
    const app = s.stack.node.root;
    if (!(app instanceof App)) throw new Error('stack is not in an App');
    expect(typeof assetPath).toBe('string');
    return join(app.outdir, String(assetPath));
  };

  it('copies the migrations folder into the migrator bundle', () => {
    const bundle = bundleOf(personal, personal.stack.functions.migrator.function);
    expect(existsSync(join(bundle, 'index.mjs'))).toBe(true);
    expect(existsSync(join(bundle, 'migrations', 'meta', '_journal.json'))).toBe(true);
  });

  it('keeps the ticket model out of the resolver, which gets the triage categories instead', () => {
    const s = personal;
    const resolver = bundleOf(s, s.stack.functions.resolver.function);
    expect(existsSync(join(resolver, 'default.model.bin'))).toBe(false);
    expect(readFileSync(join(resolver, 'index.mjs'), 'utf8')).not.toContain(MODEL_FORMAT);
    const triage = s.stack.workQueues.queues.find((q) => q.kind === 'triage-ticket');
    if (!triage) throw new Error('no triage worker');
    const worker = bundleOf(s, triage.worker.function);
    expect(existsSync(join(worker, 'default.model.bin'))).toBe(true);
    expect(readFileSync(join(worker, 'index.mjs'), 'utf8')).toContain(MODEL_FORMAT);
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    const env = props(functions, logicalId(s.stack, s.stack.functions.resolver.function)).Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables.TICKET_CATEGORIES).toBe('BUG,FEATURE,QUESTION,INCIDENT,TASK,SECURITY');
  });

  it('puts no secret value in the template: initial values are generated with pinned options', () => {
    // CloudFormation writes a new value when these change: that would replace the JWT keys or an operator's
    // OpenAI key. Changing them on a deployed stage is never right.
    expect(INITIAL_SECRET_GENERATION).toEqual({
      passwordLength: 32,
      excludePunctuation: true,
      requireEachIncludedType: true,
    });
    for (const s of both()) {
      const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
      for (const [id, secret] of Object.entries(secrets)) {
        expect(secret.Properties?.SecretString, id).toBeUndefined();
      }
      expect(props(secrets, logicalId(s.stack, s.stack.secrets.jwtKeys)).GenerateSecretString).toEqual({
        PasswordLength: 32,
        ExcludePunctuation: true,
        RequireEachIncludedType: true,
      });
      expect(props(secrets, logicalId(s.stack, s.stack.secrets.openAiApiKey)).GenerateSecretString).toEqual({
        PasswordLength: 32,
        ExcludePunctuation: true,
        RequireEachIncludedType: true,
        SecretStringTemplate: '{"unset":true}',
        GenerateStringKey: 'nonce',
      });
    }
  });

  it('generates the JWT key set on deploy, before the functions that read it', () => {
    for (const s of both()) {
      const keygenTriggerId = logicalId(s.stack, s.stack.secrets.jwtKeysReady);
      expect(
        JSON.stringify(resourcesOf(s.template, 'Custom::Trigger')[keygenTriggerId]?.Properties?.HandlerArn),
      ).toContain('KeygenFunctionCurrentVersion');
      const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
      for (const user of [s.stack.functions.authorizer, s.stack.functions.resolver]) {
        expect(functions[logicalId(s.stack, user.function)]?.DependsOn).toContain(keygenTriggerId);
      }
    }
  });

  it('generates the admin bootstrap password and takes its e-mail from context', () => {
    for (const s of both()) {
      const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
      expect(
        props(secrets, logicalId(s.stack, s.stack.secrets.adminBootstrap)).GenerateSecretString,
      ).toMatchObject({
        SecretStringTemplate: JSON.stringify({ email: 'first.admin@example.com' }),
        GenerateStringKey: 'password',
        PasswordLength: 32,
      });
    }
  });

  it('keeps the database encrypted in isolated subnets, with generated credentials and PostgreSQL 17', () => {
    const isolatedOf = (s: SynthesizedStage) =>
      s.stack.data.vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(s.stack, subnet) }));
    const instance = only(resourcesOf(prod.template, 'AWS::RDS::DBInstance'));
    expect(instance.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '17',
      StorageEncrypted: true,
    });
    const cluster = only(resourcesOf(personal.template, 'AWS::RDS::DBCluster'));
    expect(cluster.Properties).toMatchObject({ Engine: 'aurora-postgresql', StorageEncrypted: true });
    expect(String(cluster.Properties?.EngineVersion)).toMatch(/^17\./);
    for (const s of both()) {
      for (const db of Object.values(resourcesOf(s.template, 'AWS::RDS::DBInstance'))) {
        expect(db.Properties?.PubliclyAccessible).not.toBe(true);
      }
      const credentials = [
        ...Object.values(resourcesOf(s.template, 'AWS::RDS::DBInstance')),
        ...Object.values(resourcesOf(s.template, 'AWS::RDS::DBCluster')),
      ].filter((db) => db.Properties?.MasterUserPassword);
      expect(credentials).toHaveLength(1);
      expect(JSON.stringify(credentials[0]?.Properties?.MasterUserPassword)).toContain(
        '{{resolve:secretsmanager:',
      );
      const subnetGroup = only(resourcesOf(s.template, 'AWS::RDS::DBSubnetGroup'));
      expect(subnetGroup.Properties?.SubnetIds).toEqual(isolatedOf(s));
    }
  });

  /** Where the ingress rules of the database's security group come from. */
  const databaseIngressSources = (s: SynthesizedStage): string[] => {
    const groups = Object.entries(resourcesOf(s.template, 'AWS::EC2::SecurityGroup'));
    const [databaseSg] = groups.find(([id]) => id.includes('DatabaseSg')) ?? [];
    if (!databaseSg) throw new Error('no database security group');
    return Object.values(resourcesOf(s.template, 'AWS::EC2::SecurityGroupIngress'))
      .filter(
        (rule) =>
          JSON.stringify(rule.Properties?.GroupId) ===
          JSON.stringify({ 'Fn::GetAtt': [databaseSg, 'GroupId'] }),
      )
      .map((rule) => JSON.stringify(rule.Properties?.SourceSecurityGroupId));
  };

  it('connects every function but the migrator as the app role, which the prod proxy accepts too', () => {
    for (const s of both()) {
      const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
      const envOf = (fn: IConstruct) => {
        const environment = props(functions, logicalId(s.stack, fn)).Environment as {
          Variables: Record<string, unknown>;
        };
        return environment.Variables;
      };
      const app = { Ref: logicalId(s.stack, s.stack.data.appSecret) };
      const owner = { Ref: logicalId(s.stack, s.stack.data.secret) };
      const users = [
        s.stack.functions.authorizer,
        s.stack.functions.resolver,
        s.stack.functions.reconciler,
        ...s.stack.workQueues.queues.map((q) => q.worker),
      ];
      for (const user of users) expect(envOf(user.function).DB_SECRET_ARN, user.node.path).toEqual(app);
      const migrator = envOf(s.stack.functions.migrator.function);
      expect(migrator.DB_SECRET_ARN).toEqual(owner);
      expect(migrator.APP_DB_SECRET_ARN).toEqual(app);
      const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
      const secret = props(secrets, logicalId(s.stack, s.stack.data.appSecret));
      expect(JSON.stringify(secret.GenerateSecretString)).toContain('\\"username\\":\\"ai_ops_app\\"');
      // Only the migrator may read the owner's credentials (and the proxy and rotation, which are not functions).
      const ownerReaders = iamStatements(s)
        .filter((st) => JSON.stringify(st.Resource).includes(JSON.stringify(owner)))
        .map((st) => st.owner);
      expect(ownerReaders.some((reader) => reader.includes('Migrator'))).toBe(true);
      for (const reader of ownerReaders) expect(reader).toMatch(/Migrator|Proxy|Rotation/);
    }
    const proxy = only(resourcesOf(prod.template, 'AWS::RDS::DBProxy'));
    expect(proxy.Properties?.Auth).toHaveLength(2);
  });

  it('requires TLS at the prod proxy and lets only the proxy reach the database', () => {
    prod.template.hasResourceProperties('AWS::RDS::DBProxy', {
      RequireTLS: true,
      EngineFamily: 'POSTGRESQL',
    });
    const sources = databaseIngressSources(prod);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/ProxySg|Rotation/);
  });

  it('lets only the functions reach a personal stage database, over TLS', () => {
    const sources = databaseIngressSources(personal);
    expect(sources).toEqual([expect.stringContaining('FunctionsSg')]);
    const parameters = only(resourcesOf(personal.template, 'AWS::RDS::DBClusterParameterGroup'));
    expect(parameters.Properties?.Parameters).toMatchObject({ 'rds.force_ssl': '1' });
  });

  it('raises the DESIGN §8 alarms, each notifying the SNS topic on alarm and on recovery', () => {
    for (const s of both()) {
      const alarms = Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter(
        ([id]) => !id.includes('CanaryErrors'),
      );
      const topicRef = { Ref: logicalId(s.stack, s.stack.observability.topic) };
      for (const [id, alarm] of alarms) {
        expect(alarm.Properties?.AlarmActions, id).toEqual([topicRef]);
        expect(alarm.Properties?.OKActions, id).toEqual([topicRef]);
      }
      const metricsOf = (alarm: { Properties?: Record<string, unknown> }) => JSON.stringify(alarm.Properties);
      const count = (pattern: RegExp) => alarms.filter(([, a]) => pattern.test(metricsOf(a))).length;
      const queues = s.stack.workQueues.queues.length;
      expect(count(/ApproximateNumberOfMessagesVisible/)).toBe(queues);
      expect(count(/ApproximateAgeOfOldestMessage/)).toBe(queues);
      expect(count(/JobsFailed/)).toBe(queues);
      expect(count(/5XXError/)).toBe(1);
      expect(
        alarms.filter(
          ([, a]) => a.Properties?.ExtendedStatistic === 'p99' && a.Properties?.Namespace === 'AWS/AppSync',
        ),
      ).toHaveLength(1);
      expect(count(/"Throttles"/)).toBe(3 + queues);
      expect(alarms.filter(([, a]) => a.Properties?.MetricName === 'CPUUtilization')).toHaveLength(1);
      expect(alarms.filter(([, a]) => a.Properties?.MetricName === 'DatabaseConnections')).toHaveLength(1);
    }
  });

  it('tells the paged engineer in every alarm what happened and where the runbook section is, by a readable name', () => {
    const headings = runbookAnchors();
    for (const s of both()) {
      const alarms = Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThan(15);
      for (const [id, alarm] of alarms) {
        const p = alarm.Properties ?? {};
        const description = JSON.stringify(p.AlarmDescription);
        const link = /Runbook: docs\/operations\.md#([a-z0-9_-]+)/.exec(description);
        expect(link, `${id}: ${description}`).not.toBeNull();
        expect(headings, `${id} links to a missing section`).toContain(link?.[1]);
        expect(description.length, id).toBeGreaterThan(80);
        expect(description.length, id).toBeLessThanOrEqual(1024);
        if (!id.includes('CanaryErrors')) {
          expect(JSON.stringify(p.AlarmName), id).toMatch(new RegExp(`^"AiOps-${s.stage.name}-[\\w-]+"$`));
        }
        // Error counts are emitted only when something fails: no datapoint means nothing failed.
        expect(p.TreatMissingData, id).toBe('notBreaching');
        const evaluation = Number(p.EvaluationPeriods);
        expect(Number(p.DatapointsToAlarm ?? evaluation), id).toBeLessThanOrEqual(evaluation);
      }
      const names = alarms.flatMap(([id, a]) =>
        id.includes('CanaryErrors') ? [] : [JSON.stringify(a.Properties?.AlarmName)],
      );
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('computes failure rates with FILL, so 100% failure (no success datapoint) still alarms', () => {
    for (const s of both()) {
      const rates = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter((a) =>
        /JobsFailed|5XXError/.test(JSON.stringify(a.Properties)),
      );
      expect(rates).toHaveLength(s.stack.workQueues.queues.length + 1);
      for (const alarm of rates) {
        const metrics = alarm.Properties?.Metrics as { Expression?: string; Id: string }[];
        const expression = metrics.find((m) => m.Expression)?.Expression ?? '';
        const inputs = metrics.filter((m) => !m.Expression).map((m) => m.Id);
        for (const id of inputs) expect(expression).toContain(`FILL(${id}, 0)`);
      }
    }
  });

  it('pages on a quiet kind whose every job fails (3 an hour), and not on one failed job or a busy kind at 1%', () => {
    for (const s of both()) {
      const alarms = Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter(([, a]) =>
        /JobsFailed/.test(JSON.stringify(a.Properties?.Metrics)),
      );
      expect(alarms).toHaveLength(s.stack.workQueues.queues.length);
      for (const [id, alarm] of alarms) {
        const p = alarm.Properties ?? {};
        const queries = p.Metrics as {
          Id: string;
          Expression?: string;
          MetricStat?: { Metric: CfnMetric; Period: number };
        }[];
        const idOf = (name: string) =>
          queries.find((q) => q.MetricStat?.Metric.MetricName === name)?.Id ?? name;
        const [failed, ok] = [idOf('JobsFailed'), idOf('JobsSucceeded')];
        for (const q of queries) if (q.MetricStat) expect(q.MetricStat.Period, id).toBe(300);
        const expression = queries.find((q) => q.Expression)?.Expression ?? '';
        // One five-minute period's datapoint, for that period's failed and succeeded jobs.
        const breaches = (f: number, o: number) =>
          evaluateMetricMath(expression, { [failed]: f, [ok]: o }) >= Number(p.Threshold);
        // The alarm over a run of periods: M breaching datapoints within any N in a row (missing = not breaching).
        const pages = (periods: Array<[number, number]>) => {
          const n = Number(p.EvaluationPeriods);
          const m = Number(p.DatapointsToAlarm ?? n);
          const breaching = periods.map(([f, o]) => breaches(f, o));
          return breaching.some(
            (_, end) => breaching.slice(Math.max(0, end - n + 1), end + 1).filter(Boolean).length >= m,
          );
        };
        const hour = (jobs: Record<number, [number, number]>) =>
          Array.from({ length: 12 }, (_, i): [number, number] => jobs[i] ?? [0, 0]);
        expect(pages(hour({ 0: [1, 0], 4: [1, 0], 8: [1, 0] })), `${id}: 3 jobs an hour, all failed`).toBe(
          true,
        );
        expect(pages(hour({ 3: [1, 0] })), `${id}: one failed job`).toBe(false);
        expect(pages(hour({ 0: [1, 0], 4: [0, 1], 8: [0, 1] })), `${id}: one of three failed`).toBe(false);
        const busy = (f: number) =>
          hour(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i, [f, 100 - f]])));
        expect(pages(busy(1)), `${id}: 1% of a busy kind`).toBe(false);
        expect(pages(busy(20)), `${id}: 20% of a busy kind`).toBe(true);
        expect(p.TreatMissingData, id).toBe('notBreaching');
      }
    }
  });

  it('alarms on InternalError answers and on authorizer and resolver Lambda errors, which the resolver canary also watches', () => {
    for (const s of both()) {
      const alarms = resourcesOf(s.template, 'AWS::CloudWatch::Alarm');
      const internal = Object.entries(alarms).filter(
        ([, a]) => a.Properties?.MetricName === 'InternalErrors',
      );
      expect(internal).toHaveLength(1);
      const errorsOf = (fn: IConstruct) =>
        Object.entries(alarms).filter(
          ([id, a]) =>
            !id.includes('CanaryErrors') &&
            a.Properties?.MetricName === 'Errors' &&
            JSON.stringify(a.Properties?.Dimensions).includes(logicalId(s.stack, fn)),
        );
      expect(errorsOf(s.stack.functions.authorizer.function)).toHaveLength(1);
      expect(errorsOf(s.stack.functions.resolver.function)).toHaveLength(1);
      expect(s.stack.observability.apiCanaryAlarms).toHaveLength(3);
    }
    const group = prod.stack.functions.resolver.deploymentGroup;
    if (!group) throw new Error('prod resolver has no deployment group');
    const groupAlarms = JSON.stringify(
      props(resourcesOf(prod.template, 'AWS::CodeDeploy::DeploymentGroup'), logicalId(prod.stack, group))
        .AlarmConfiguration,
    );
    for (const alarm of prod.stack.observability.apiCanaryAlarms) {
      expect(groupAlarms).toContain(logicalId(prod.stack, alarm));
    }
    expect(groupAlarms).toContain('CanaryErrors');
  });

  it('counts as API server errors the InternalError and ServiceUnavailable answers (HTTP 200) besides AppSync 5XXError, per request, as the local rule does', () => {
    for (const s of both()) {
      const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter((a) =>
        /5XXError/.test(JSON.stringify(a.Properties?.Metrics)),
      );
      expect(alarms).toHaveLength(1);
      const properties = alarms[0]?.Properties ?? {};
      expect(properties).toMatchObject({
        Threshold: ALARM_THRESHOLDS.api5xxPercent,
        EvaluationPeriods: ALARM_THRESHOLDS.api5xxPeriods,
        DatapointsToAlarm: ALARM_THRESHOLDS.api5xxPeriods,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      // A failover answers ServiceUnavailable for a minute or two: it must not fill every period that pages.
      expect(ALARM_THRESHOLDS.api5xxPeriods).toBeGreaterThanOrEqual(3);
      const queries = properties.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: CfnMetric; Period: number; Stat: string };
      }[];
      const idOf = (namespace: string, name: string, stat: string) => {
        const found = queries.filter(
          (q) =>
            q.MetricStat?.Metric.Namespace === namespace &&
            q.MetricStat.Metric.MetricName === name &&
            q.MetricStat.Stat === stat,
        );
        expect(found, name).toHaveLength(1);
        expect(found[0]?.MetricStat?.Period, name).toBe(300);
        return found[0]?.Id ?? '';
      };
      const { namespace, service } = s.stage.metrics;
      const http5xx = idOf('AWS/AppSync', '5XXError', 'Sum');
      const internal = idOf(namespace, 'InternalErrors', 'Sum');
      const unavailable = idOf(namespace, 'ServiceUnavailableErrors', 'Sum');
      const requests = idOf('AWS/AppSync', 'Latency', 'SampleCount');
      for (const id of [internal, unavailable]) {
        const metric = queries.find((q) => q.Id === id)?.MetricStat?.Metric;
        expect(metric?.Dimensions).toEqual([{ Name: 'service', Value: service }]);
      }
      const expression = queries.find((q) => q.Expression)?.Expression ?? '';
      expect(expression).toContain(
        `100 * (FILL(${http5xx}, 0) + FILL(${internal}, 0) + FILL(${unavailable}, 0)) / FILL(${requests}, 0)`,
      );
    }
  });

  it('pages when the API answers ServiceUnavailable five minutes running, which no AppSync 5XXError sees', () => {
    for (const s of both()) {
      const alarms = Object.entries(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).filter(
        ([, a]) => a.Properties?.MetricName === 'ServiceUnavailableErrors',
      );
      expect(alarms).toHaveLength(1);
      const [id, alarm] = alarms[0] ?? ['', {}];
      expect(alarm.Properties).toMatchObject({
        Namespace: s.stage.metrics.namespace,
        Dimensions: [{ Name: 'service', Value: s.stage.metrics.service }],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: ALARM_THRESHOLDS.serviceUnavailableMinutes,
        DatapointsToAlarm: ALARM_THRESHOLDS.serviceUnavailableMinutes,
        TreatMissingData: 'notBreaching',
      });
      // Longer than a paused database's resume and a failover, which clients are told to retry through.
      expect(ALARM_THRESHOLDS.serviceUnavailableMinutes).toBeGreaterThanOrEqual(3);
      // A database outage is not the new code's fault: it must not roll a deploy back.
      const canary = s.stack.observability.apiCanaryAlarms.map((a) => logicalId(s.stack, a));
      expect(canary).not.toContain(id);
    }
  });

  it('names the dashboard after the stage and the region, since dashboard names are global to the account', () => {
    for (const s of both()) {
      const dashboard = only(resourcesOf(s.template, 'AWS::CloudWatch::Dashboard'));
      expect(dashboard.Properties?.DashboardName).toEqual({
        'Fn::Join': ['', [`AiOps-${s.stage.name}-`, { Ref: 'AWS::Region' }]],
      });
    }
  });

  it('samples API traces with an X-Ray rule on the API, bounding what X-Ray records', () => {
    for (const s of both()) {
      const rule = only(resourcesOf(s.template, 'AWS::XRay::SamplingRule'));
      expect(rule.Properties?.SamplingRule).toMatchObject({
        RuleName: `ai-ops-${s.stage.name}`,
        ServiceType: 'AWS::AppSync::GraphQLAPI',
        FixedRate: s.stage.api.traceSampling.rate,
        ReservoirSize: s.stage.api.traceSampling.perSecond,
        ResourceARN: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.api.graphqlApi), 'Arn'] },
      });
      expect(s.stage.api.traceSampling.rate).toBeLessThanOrEqual(0.05);
    }
  });

  it('sends AppSync the schema without descriptions, with the same types and fields', () => {
    const source = readFileSync(join(REPO_ROOT, 'schema', 'schema.graphql'), 'utf8');
    expect(source).toMatch(/^\s*"/m);
    for (const s of both()) {
      const schema = only(resourcesOf(s.template, 'AWS::AppSync::GraphQLSchema'));
      const sent = String(schema.Properties?.Definition);
      expect(sent).not.toMatch(/"/);
      expect(sent).not.toContain('#');
      expect(rootFields(sent)).toEqual(rootFields(source));
      expect(sent).toContain('@aws_api_key');
    }
  });

  it('subscribes the -c alarmEmail address to the alarm topic', () => {
    personal.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    prod.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('builds a dashboard with API, function, queue and database health', () => {
    for (const s of both()) {
      const body = JSON.stringify(
        only(resourcesOf(s.template, 'AWS::CloudWatch::Dashboard')).Properties?.DashboardBody,
      );
      for (const needle of [
        'AWS/AppSync',
        '4XXError',
        '5XXError',
        'p99',
        'Errors',
        'Throttles',
        'Duration',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateAgeOfOldestMessage',
        'CPUUtilization',
        'DatabaseConnections',
        'JobsSucceeded',
      ]) {
        expect(body, needle).toContain(needle);
      }
    }
  });

  it('reads in every alarm and dashboard widget only application metrics that some handler emits', async () => {
    const emitted = new Set(
      (await emittedMetrics()).map(({ name, dimensions }) => `${name} [${dimensions}]`),
    );
    for (const s of both()) {
      const read = applicationMetricsRead(s);
      expect(read.size).toBeGreaterThan(10);
      for (const key of read) expect(emitted, key).toContain(key);
    }
  });

  it('outputs the GraphQL URL, the API key id and the dashboard URL', () => {
    for (const s of both()) {
      s.template.hasOutput('GraphqlUrl', { Value: Match.anyValue() });
      s.template.hasOutput('ApiKeyId', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'ApiKeyId'] } });
      s.template.hasOutput('DashboardUrl', { Value: Match.anyValue() });
    }
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions findings', () => {
    expect(personal.nagFindings).toEqual([]);
    expect(prod.nagFindings).toEqual([]);
  });

  it('gives every cdk-nag acknowledgement a reason', () => {
    for (const s of both()) {
      const nag = acknowledgementsOf(s.stack).filter(([, id]) => id.includes('AwsSolutions-'));
      expect(nag.length).toBeGreaterThan(0);
      for (const [path, id, reason] of nag) expect(reason.length, `${path} ${id}`).toBeGreaterThan(30);
    }
  });
});

describe('stages differ', () => {
  it("keeps each stage's application metrics its own: its functions emit, and its alarms and dashboard read, only its service", () => {
    expect(personal.stage.metrics.service).toBe('ai-ops-alice');
    expect(prod.stage.metrics.service).toBe('ai-ops-prod');
    for (const s of [personal, prod]) {
      const { namespace, service } = s.stage.metrics;
      for (const f of Object.values(resourcesOf(s.template, 'AWS::Lambda::Function'))) {
        const variables = (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        if (!variables?.STAGE) continue;
        expect(variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: service,
          POWERTOOLS_METRICS_NAMESPACE: namespace,
        });
      }
      const application = metricsRead(s).filter((m) => !m.namespace.startsWith('AWS/'));
      expect(application.length).toBeGreaterThan(10);
      for (const m of application) {
        const key = `${s.stage.name}: ${m.namespace}/${m.name}`;
        expect(m.namespace, key).toBe(namespace);
        expect(m.dimensions.service, key).toBe(service);
      }
    }
  });

  it('keeps personal stages small and disposable', () => {
    const { template } = personal;
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    template.resourceCountIs('AWS::Lambda::Alias', 0);
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { IntrospectionConfig: 'ENABLED' });
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.DeletionPolicy).toBe('Delete');
    }
  });

  it('puts a personal stage on Aurora Serverless v2 that pauses at 0 ACU, with no proxy and no NAT gateway', () => {
    const { template, stack } = personal;
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
    const cluster = only(resourcesOf(template, 'AWS::RDS::DBCluster'));
    expect(cluster.Properties?.ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0,
      MaxCapacity: 2,
      SecondsUntilAutoPause: 300,
    });
    const writer = only(resourcesOf(template, 'AWS::RDS::DBInstance'));
    expect(writer.Properties).toMatchObject({
      DBInstanceClass: 'db.serverless',
      Engine: 'aurora-postgresql',
    });
    const parameters = only(resourcesOf(template, 'AWS::RDS::DBClusterParameterGroup'));
    expect(parameters.Properties?.Parameters).toMatchObject({ idle_session_timeout: '120000' });
    // Egress: one small NAT instance, and S3 through a free gateway endpoint.
    const nat = only(resourcesOf(template, 'AWS::EC2::Instance'));
    expect(nat.Properties).toMatchObject({ InstanceType: 't4g.nano', SourceDestCheck: false });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
    const dashboard = JSON.stringify(only(resourcesOf(template, 'AWS::CloudWatch::Dashboard')).Properties);
    expect(dashboard).toContain('ServerlessDatabaseCapacity');
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    // Functions connect straight to the cluster, verify its certificate, and wait longer than a resume.
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const envOf = (fn: IConstruct) =>
      (props(functions, logicalId(stack, fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
    const resolverEnv = envOf(stack.functions.resolver.function);
    expect(resolverEnv).toMatchObject({ DB_PROXY: 'false', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
    expect(Number(resolverEnv.DB_CONNECT_TIMEOUT_SECONDS)).toBeGreaterThan(15);
    expect(Number(resolverEnv.DB_CONNECT_TIMEOUT_SECONDS)).toBeLessThan(30);
    expect(Number(envOf(stack.functions.authorizer.function).DB_CONNECT_TIMEOUT_SECONDS)).toBeLessThan(10);
    // The reconciler does not wake the database every minute.
    expect(envOf(stack.functions.reconciler.function).RECONCILE_WHEN_INVOKED).toEqual({
      Ref: logicalId(stack, stack.functions.resolver.function),
    });
  });

  it('makes prod durable: multi-AZ, deletion protection, retained data and at least 7 days of backups', () => {
    const { template, stack } = prod;
    const instance = only(resourcesOf(template, 'AWS::RDS::DBInstance'));
    expect(instance.Properties).toMatchObject({
      DBInstanceClass: 'db.t4g.medium',
      MultiAZ: true,
      DeletionProtection: true,
    });
    expect(Number(instance.Properties?.BackupRetentionPeriod)).toBeGreaterThanOrEqual(7);
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const secret of [stack.secrets.jwtKeys, stack.secrets.adminBootstrap, stack.data.secret]) {
      expect(template.toJSON().Resources[logicalId(stack, secret)].DeletionPolicy).toBe('Retain');
    }
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue')))
      expect(queue.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    expect(stack.terminationProtection).toBe(true);
  });

  it("keeps every log group the stack creates for the stage's retention, and deletes a personal stage's with it", () => {
    for (const [s, policy] of [
      [prod, 'Retain'],
      [personal, 'Delete'],
    ] as const) {
      const groups = Object.entries(s.template.findResources('AWS::Logs::LogGroup'));
      expect(groups.length).toBeGreaterThanOrEqual(10);
      for (const [id, group] of groups) {
        expect(group.Properties?.RetentionInDays, `${s.stage.name} ${id}`).toBe(
          s.stage.functions.logRetention,
        );
        expect(group.DeletionPolicy, `${s.stage.name} ${id}`).toBe(policy);
      }
    }
  });

  it("retains every prod secret, the database's master credentials included, and deletes a personal stage's", () => {
    for (const [s, policy] of [
      [prod, 'Retain'],
      [personal, 'Delete'],
    ] as const) {
      const secrets = Object.entries(s.template.findResources('AWS::SecretsManager::Secret'));
      expect(secrets.length).toBeGreaterThanOrEqual(5);
      for (const [id, secret] of secrets) {
        expect(secret.DeletionPolicy, `${s.stage.name} ${id}`).toBe(policy);
        expect(secret.UpdateReplacePolicy, `${s.stage.name} ${id}`).toBe(policy);
      }
    }
    // The secret the database's master password comes from is the one retained.
    const instance = only(resourcesOf(prod.template, 'AWS::RDS::DBInstance'));
    const password = JSON.stringify(instance.Properties?.MasterUserPassword);
    const masterSecret = Object.keys(prod.template.findResources('AWS::SecretsManager::Secret')).find((id) =>
      password.includes(`"${id}"`),
    );
    expect(masterSecret).toBeDefined();
  });

  it('leaves prod as it was: an instance behind RDS Proxy, NAT gateways per AZ, the same stateful resources', () => {
    const { template } = prod;
    const dashboard = JSON.stringify(only(resourcesOf(template, 'AWS::CloudWatch::Dashboard')).Properties);
    expect(dashboard).toContain('ClientConnections');
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::Instance', 0);
    template.resourceCountIs('AWS::RDS::DBProxy', 1);
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
    // Logical ids as on main before this stage split: a changed id would make CloudFormation replace them.
    for (const [type, id] of PROD_STATEFUL_IDS) {
      expect(Object.keys(resourcesOf(template, type)), type).toContain(id);
    }
  });

  it('turns introspection off on prod', () => {
    prod.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { IntrospectionConfig: 'DISABLED' });
  });

  it('puts a WAF rate-based rule in front of the prod API', () => {
    prod.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: prod.stage.api.wafRateLimitPer5Minutes, AggregateKeyType: 'IP' },
          },
        }),
      ]),
    });
    prod.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [logicalId(prod.stack, prod.stack.api.graphqlApi), 'Arn'] },
    });
  });

  it('deploys the resolver and the workers on prod through a live alias with a canary rolled back by alarms', () => {
    const { template, stack } = prod;
    const gradual = [stack.functions.resolver, ...stack.workQueues.queues.map((q) => q.worker)];
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', gradual.length);
    for (const fn of gradual) {
      if (!fn.alias || !fn.deploymentGroup) throw new Error(`${fn.node.path} has no alias`);
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AlarmConfiguration: {
          Enabled: true,
          Alarms: [{ Name: { Ref: Match.stringLikeRegexp('CanaryErrors') } }],
        },
        AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_STOP_ON_ALARM']) },
      });
    }
    const resolverAlias = stack.functions.resolver.alias;
    if (!resolverAlias) throw new Error('no resolver alias');
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      LambdaConfig: { LambdaFunctionArn: { Ref: logicalId(stack, resolverAlias) } },
    });
    for (const mapping of Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))) {
      expect(JSON.stringify(mapping.Properties?.FunctionName)).toContain(':live');
    }
  });
});

/** Stateful prod resources and their logical ids on main at 3ce7c54 (before the personal-stage split). */
const PROD_STATEFUL_IDS: ReadonlyArray<[string, string]> = [
  ['AWS::EC2::VPC', 'DataVpcEE187D0A'],
  ['AWS::EC2::NatGateway', 'DataVpcpublicSubnet1NATGateway1B4AF458'],
  ['AWS::EC2::NatGateway', 'DataVpcpublicSubnet2NATGatewayDB3A35E9'],
  ['AWS::RDS::DBSubnetGroup', 'DataPostgresSubnetGroupD8DCC9AD'],
  ['AWS::RDS::DBParameterGroup', 'DataPostgresParameterGroupA91387F3'],
  ['AWS::RDS::DBInstance', 'DataPostgresA4594A5A'],
  ['AWS::RDS::DBProxy', 'DataPostgresProxy36918E62'],
  ['AWS::SecretsManager::Secret', 'AiOpsprodDataPostgresSecretD80DA6063fdaad7efa858a3daf9490cf0a702aeb'],
  ['AWS::SecretsManager::RotationSchedule', 'DataPostgresSecretAttachmentRotationScheduleEAC2F517'],
  ['AWS::SecretsManager::Secret', 'SecretsJwtKeys07340D7D'],
  ['AWS::SecretsManager::Secret', 'SecretsOpenAiApiKeyFA599C5E'],
  ['AWS::SecretsManager::Secret', 'SecretsAdminBootstrapB7CBD90D'],
  ['AWS::SQS::Queue', 'JobssummarizelogQueue5F04EA36'],
  ['AWS::SQS::Queue', 'JobssummarizelogDeadLetters9D4B883E'],
  ['AWS::SQS::Queue', 'JobstriageticketQueue94CAFAEB'],
  ['AWS::SQS::Queue', 'JobstriageticketDeadLetters985DB781'],
];

interface MetricRead {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

interface CfnMetric {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
}

/**
 * The value of a CloudWatch metric-math expression of the forms the stack writes (IF, FILL, + - * /, comparisons)
 * for one datapoint of its inputs: FILL(id, 0) reads the input, IF is the conditional.
 */
function evaluateMetricMath(expression: string, inputs: Record<string, number>): number {
  const filled = expression.replace(/FILL\((\w+), 0\)/g, (_, id: string) => String(inputs[id] ?? 0));
  if (!/^[\d\s.+\-*/()<>=,IF]*$/.test(filled)) throw new Error(`cannot evaluate ${expression}`);
  const IF = (condition: boolean | number, then: number, otherwise: number) => (condition ? then : otherwise);
  return new Function('IF', `return ${filled};`)(IF) as number;
}

/** Every metric the stage's alarms and dashboard widgets read (dimension values that are tokens: `TOKEN`). */
function metricsRead(s: SynthesizedStage): MetricRead[] {
  const read: MetricRead[] = [];
  const add = (metric: CfnMetric) => {
    if (!metric.Namespace || !metric.MetricName) return;
    const dimensions = Object.fromEntries(
      (metric.Dimensions ?? []).map((d) => [d.Name, typeof d.Value === 'string' ? d.Value : 'TOKEN']),
    );
    read.push({ namespace: metric.Namespace, name: metric.MetricName, dimensions });
  };
  for (const alarm of Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'))) {
    const properties = alarm.Properties as CfnMetric & { Metrics?: { MetricStat?: { Metric: CfnMetric } }[] };
    add(properties);
    for (const query of properties.Metrics ?? []) if (query.MetricStat) add(query.MetricStat.Metric);
  }
  const dashboard = only(resourcesOf(s.template, 'AWS::CloudWatch::Dashboard'));
  const joined = dashboard.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] } | undefined;
  const parts = joined?.['Fn::Join'][1] ?? [];
  const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
    widgets: { properties?: { metrics?: unknown[][] } }[];
  };
  for (const widget of body.widgets) {
    for (const line of widget.properties?.metrics ?? []) {
      // [namespace, name, dimension, value, dimension, value, …, {options}]
      const [namespace, name, ...rest] = line.filter((part) => typeof part === 'string') as string[];
      const dimensions = rest.flatMap((Name, i) =>
        i % 2 === 0 ? [{ Name, Value: rest[i + 1] ?? 'TOKEN' }] : [],
      );
      add({ Namespace: namespace, MetricName: name, Dimensions: dimensions });
    }
  }
  return read;
}

/** A metric of the AiOps namespace that the stage's alarms or dashboard read, as `Name [dim,dim]`. */
function applicationMetricsRead(s: SynthesizedStage): Set<string> {
  return new Set(
    metricsRead(s)
      .filter((m) => m.namespace === METRICS_NAMESPACE)
      .map((m) => `${m.name} [${Object.keys(m.dimensions).sort()}]`),
  );
}

// Large logs (createLogUpload): lib/log-uploads.ts
const uploadsBucketId = (s: SynthesizedStage): string => {
  const id = s.stack.getLogicalId(s.stack.uploads.bucket.node.defaultChild as never);
  expect(resourcesOf(s.template, 'AWS::S3::Bucket')[id]).toBeDefined();
  return id;
};

/** Every IAM statement of a role's policies that mentions the uploads bucket. */
function statementsOnUploads(s: SynthesizedStage, bucketId: string) {
  const out: Array<{ roles: unknown; Action: unknown; Resource: unknown }> = [];
  for (const policy of Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))) {
    const document = policy.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> };
    for (const statement of document.Statement) {
      if (JSON.stringify(statement.Resource).includes(bucketId)) {
        out.push({ roles: policy.Properties?.Roles, Action: statement.Action, Resource: statement.Resource });
      }
    }
  }
  return out;
}

describe('the uploads bucket', () => {
  it('is private, encrypted, TLS-only, with CORS for the console and lifecycle expiry', () => {
    const id = uploadsBucketId(personal);
    personal.template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        CorsConfiguration: {
          CorsRules: [
            Match.objectLike({
              AllowedMethods: ['PUT'],
              AllowedOrigins: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
            }),
          ],
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Prefix: 'uploads/',
              ExpirationInDays: UPLOAD_RETENTION_DAYS,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
              Status: 'Enabled',
            }),
          ],
        },
      }),
    });
    // TLS only: the bucket policy denies any request without secure transport.
    const policies = Object.values(resourcesOf(personal.template, 'AWS::S3::BucketPolicy')).filter((policy) =>
      JSON.stringify(policy.Properties?.Bucket).includes(id),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('sends object-created events under uploads/ to the summarize queue', () => {
    const id = uploadsBucketId(personal);
    const summarize = personal.stack.workQueues.queues.find((q) => q.kind === 'summarize-log');
    if (!summarize) throw new Error('no summarize queue');
    const queueId = personal.stack.getLogicalId(summarize.queue.node.defaultChild as never);
    personal.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: id },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ],
      },
    });
  });

  it('lets the resolver only put and the summarize worker only get, under uploads/', () => {
    const id = uploadsBucketId(personal);
    const statements = statementsOnUploads(personal, id);
    const roleOf = (fn: { role?: { node: { defaultChild?: unknown } } }) =>
      personal.stack.getLogicalId(fn.role?.node.defaultChild as never);
    const resolverRole = roleOf(personal.stack.functions.resolver.function);
    const summarize = personal.stack.workQueues.queues.find((q) => q.kind === 'summarize-log');
    const workerRole = roleOf(summarize?.worker.function ?? {});
    const uploadsArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/uploads/*']] };
    const granted = statements.filter((s) => JSON.stringify(s.roles).match(/Resolver|Worker/));
    expect(granted).toEqual(
      expect.arrayContaining([
        { roles: [{ Ref: resolverRole }], Action: 's3:PutObject', Resource: uploadsArn },
        { roles: [{ Ref: workerRole }], Action: 's3:GetObject', Resource: uploadsArn },
      ]),
    );
    expect(granted).toHaveLength(2);
  });

  it('passes cdk-nag and tells the resolver and the summarize worker the bucket', () => {
    expect(personal.nagFindings).toEqual([]);
    const id = uploadsBucketId(personal);
    const functions = Object.values(resourcesOf(personal.template, 'AWS::Lambda::Function'));
    const withBucket = functions.filter((fn) =>
      JSON.stringify(fn.Properties?.Environment ?? {}).includes(`"UPLOAD_BUCKET":{"Ref":"${id}"}`),
    );
    expect(withBucket).toHaveLength(2);
  });
});
