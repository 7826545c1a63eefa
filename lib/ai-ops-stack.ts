import { join } from 'node:path';
import {
  Annotations,
  CfnOutput,
  Duration,
  aws_events as events,
  Stack,
  type StackProps,
  Tags,
  aws_events_targets as targets,
  triggers,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { AppFunction, REPO_ROOT } from './app-function.ts';
import { Data } from './data.ts';
import { Observability } from './observability.ts';
import { Secrets } from './secrets.ts';
import type { StageConfig } from './stage-config.ts';
import { WebConsole } from './web-console.ts';
import { WorkQueues } from './work-queues.ts';
import { partitionWorkers, RESOLVER_LLM_ENV, TICKET_MODEL_ASSET, type WorkerSpec } from './workers.ts';

/** The stage's LLM settings as the functions' variables; unset settings are left out (the code has defaults). */
export function llmEnvironment(stage: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const llm = stage.llm;
  if (llm?.baseUrl) env.OPENAI_BASE_URL = llm.baseUrl;
  if (llm?.summaryModel) env.AI_SUMMARY_MODEL = llm.summaryModel;
  if (llm?.triageModel) env.AI_TRIAGE_MODEL = llm.triageModel;
  if (llm?.changelogModel) env.AI_CHANGELOG_MODEL = llm.changelogModel;
  if (llm?.tokenLimitParam) env.LLM_TOKEN_LIMIT_PARAM = llm.tokenLimitParam;
  // 0 is a temperature, not "unset".
  if (llm?.temperature !== undefined) env.LLM_TEMPERATURE = String(llm.temperature);
  if (llm?.reasoningEffort) env.LLM_REASONING_EFFORT = llm.reasoningEffort;
  if (llm?.maxAnswerTokens !== undefined) env.LLM_MAX_ANSWER_TOKENS = String(llm.maxAnswerTokens);
  if (llm?.jobTokenBudget !== undefined) env.LLM_JOB_TOKEN_BUDGET = String(llm.jobTokenBudget);
  return env;
}

/** The stage's triage settings as the workers' variables; unset settings are left out. */
export function triageEnvironment(stage: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const triage = stage.triage;
  // 0 is a threshold (never abstain), not "unset".
  if (triage?.reviewThreshold !== undefined) env.TRIAGE_REVIEW_THRESHOLD = String(triage.reviewThreshold);
  if (triage?.categories !== undefined) env.TRIAGE_CATEGORIES = triage.categories.join(',');
  return env;
}

export interface AiOpsStackProps extends StackProps {
  readonly stage: StageConfig;
  /** Usually WORKERS; a worker whose handler file is missing is skipped with a synth warning. */
  readonly workers: readonly WorkerSpec[];
  /** Absolute path of the GraphQL schema (default: schema/schema.graphql). */
  readonly schemaPath?: string;
}

/** Access tokens are short-lived; refresh tokens rotate (DESIGN §7). */
const ACCESS_TOKEN_TTL_SECONDS = 900;
const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/**
 * One stack per stage (`AiOps-<stage>`): network and database, secrets, work queues with their workers,
 * the API with its authorizer and resolver functions, the reconciler, the deploy-time migrator, and the
 * dashboard and alarms.
 */
export class AiOpsStack extends Stack {
  readonly data: Data;
  readonly secrets: Secrets;
  readonly workQueues: WorkQueues;
  readonly api: Api;
  readonly observability: Observability;
  readonly console: WebConsole;
  readonly functions: {
    readonly authorizer: AppFunction;
    readonly resolver: AppFunction;
    readonly reconciler: AppFunction;
    readonly migrator: AppFunction;
  };

  constructor(scope: Construct, id: string, props: AiOpsStackProps) {
    const { stage, workers, schemaPath, ...stackProps } = props;
    super(scope, id, {
      description: `AI Ops Assistant (${stage.name})`,
      terminationProtection: stage.durable,
      ...stackProps,
    });
    Tags.of(this).add('project', 'ai-ops');
    Tags.of(this).add('stage', stage.name);

    this.data = new Data(this, 'Data', { stage });
    this.secrets = new Secrets(this, 'Secrets', { stage });
    const network = this.data.network;

    const databaseEnv = {
      DB_SECRET_ARN: this.data.secret.secretArn,
      DB_PROXY_ENDPOINT: this.data.proxy.endpoint,
      DB_NAME: this.data.databaseName,
    };
    const authEnv = {
      JWT_KEYS_SECRET_ARN: this.secrets.jwtKeys.secretArn,
      JWT_ISSUER: `ai-ops-${stage.name}`,
      JWT_AUDIENCE: 'ai-ops-api',
      ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
      REFRESH_TOKEN_TTL_SECONDS: String(REFRESH_TOKEN_TTL_SECONDS),
      AUTHORIZER_TTL_SECONDS: String(stage.api.authorizerCacheTtlSeconds),
    };

    const { present, missing } = partitionWorkers(workers);
    for (const worker of missing) {
      Annotations.of(this).addWarningV2(
        `ai-ops:worker-missing:${worker.kind}`,
        `No ${worker.kind} worker deployed: ${worker.entry} does not exist yet`,
      );
    }
    this.workQueues = new WorkQueues(this, 'Jobs', {
      stage,
      workers: present,
      network,
      environment: {
        ...databaseEnv,
        ...llmEnvironment(stage),
        ...triageEnvironment(stage),
        OPENAI_API_KEY_SECRET_ARN: this.secrets.openAiApiKey.secretArn,
      },
      grant: (worker) => {
        this.data.grantConnect(worker.function);
        this.secrets.openAiApiKey.grantRead(worker.function);
      },
    });
    const queueEnv = { QUEUE_DRIVER: 'sqs', JOB_QUEUE_URLS: this.workQueues.queueUrlsJson() };

    const authorizer = new AppFunction(this, 'Authorizer', {
      stage,
      entry: 'lambdas/authorizer/handler.ts',
      description: 'AppSync Lambda authorizer: verifies the access token, answers role and denied fields',
      // AppSync gives an authorizer 10 seconds at most.
      timeout: Duration.seconds(10),
      memorySize: 512,
      network,
      environment: { ...databaseEnv, ...authEnv },
    });
    this.data.grantConnect(authorizer.function);
    this.secrets.jwtKeys.grantRead(authorizer.function);

    const resolver = new AppFunction(this, 'Resolver', {
      stage,
      entry: 'lambdas/api/handler.ts',
      description: 'GraphQL resolver for every Query and Mutation field',
      // AppSync waits 30 seconds for a data source.
      timeout: Duration.seconds(30),
      // bcrypt at cost 12 is CPU-bound; memory buys CPU.
      memorySize: 1024,
      network,
      gradualDeployment: stage.functions.gradualDeployment,
      environment: {
        ...databaseEnv,
        ...authEnv,
        ...queueEnv,
        // generateChangelog may ask the model for highlights (flag llm.changelog).
        ...llmEnvironment(stage),
        ...RESOLVER_LLM_ENV,
        OPENAI_API_KEY_SECRET_ARN: this.secrets.openAiApiKey.secretArn,
      },
      // correctTriage checks categories against the shipped ticket model.
      assets: [TICKET_MODEL_ASSET],
    });
    this.data.grantConnect(resolver.function);
    this.secrets.jwtKeys.grantRead(resolver.function);
    this.secrets.openAiApiKey.grantRead(resolver.function);
    this.workQueues.grantSend(resolver.function);
    this.workQueues.grantDeadLetterAdmin(resolver.function);

    const reconciler = new AppFunction(this, 'Reconciler', {
      stage,
      entry: 'lambdas/reconciler/handler.ts',
      description: 'Re-enqueues accepted jobs that never reached their queue',
      timeout: Duration.seconds(50),
      memorySize: 256,
      network,
      environment: { ...databaseEnv, ...queueEnv },
    });
    this.data.grantConnect(reconciler.function);
    this.workQueues.grantSend(reconciler.function);
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Runs the job reconciler every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed run is made up by the next one a minute later: no retries that could overlap it.
      targets: [
        new targets.LambdaFunction(reconciler.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });

    const migrator = new AppFunction(this, 'Migrator', {
      stage,
      entry: 'lambdas/migrator/handler.ts',
      description: 'Applies database migrations and bootstraps the first admin on deploy',
      timeout: Duration.minutes(5),
      memorySize: 512,
      network,
      environment: { ...databaseEnv, ADMIN_BOOTSTRAP_SECRET_ARN: this.secrets.adminBootstrap.secretArn },
      // The bundle finds them next to itself (lambdas/adapters/db/migrate.ts defaultMigrationsFolder).
      assets: ['migrations'],
    });
    this.data.grantConnect(migrator.function);
    this.secrets.adminBootstrap.grantRead(migrator.function);
    this.functions = { authorizer, resolver, reconciler, migrator };

    // Runs whenever the migrator's bundle (code or migrations) changes; a thrown error fails the deploy.
    const migrations = new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: migrator.function,
      timeout: Duration.minutes(5),
      executeAfter: [this.data.instance, this.data.proxy, this.secrets.adminBootstrap],
    });
    const databaseUsers = [authorizer, resolver, reconciler, ...this.workQueues.queues.map((q) => q.worker)];
    migrations.executeBefore(...databaseUsers);
    this.secrets.jwtKeysReady.executeBefore(authorizer, resolver);

    this.api = new Api(this, 'Graphql', {
      stage,
      schemaPath: schemaPath ?? join(REPO_ROOT, 'schema', 'schema.graphql'),
      authorizer,
      resolver,
    });

    this.console = new WebConsole(this, 'Console', {
      stage,
      graphqlUrl: this.api.graphqlApi.graphqlUrl,
      // The same value as the ApiKeyId output: AppSync's key id is the key clients send.
      apiKey: this.api.apiKey.attrApiKeyId,
    });

    this.observability = new Observability(this, 'Observability', {
      stage,
      api: this.api.graphqlApi,
      functions: { authorizer, resolver, reconciler },
      queues: this.workQueues.queues,
      database: this.data.instance,
      proxy: this.data.proxy,
    });

    new CfnOutput(this, 'GraphqlUrl', { value: this.api.graphqlApi.graphqlUrl });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The web console' });
    new CfnOutput(this, 'ApiKeyId', {
      value: this.api.apiKey.attrApiKeyId,
      description:
        'AppSync uses the key id as the key: clients send it as x-api-key (signup, login, refreshToken only)',
    });
    new CfnOutput(this, 'ApiId', { value: this.api.graphqlApi.apiId });
    new CfnOutput(this, 'DashboardUrl', { value: this.observability.dashboardUrl() });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
    new CfnOutput(this, 'OpenAiApiKeySecretArn', { value: this.secrets.openAiApiKey.secretArn });
    new CfnOutput(this, 'AdminBootstrapSecretArn', { value: this.secrets.adminBootstrap.secretArn });
    new CfnOutput(this, 'KeygenFunctionName', { value: this.secrets.keygen.function.functionName });
  }
}
