import { join } from 'node:path';
import {
  CfnOutput,
  Duration,
  aws_events as events,
  aws_iam as iam,
  Stack,
  type StackProps,
  Tags,
  aws_events_targets as targets,
  triggers,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { summarizeLog } from '../lambdas/core/jobs/kinds/summarize-log/definition.ts';
import { JOB_KINDS } from '../lambdas/core/jobs/registry.ts';
import { ticketTriageSetup } from '../lambdas/triage/local-classifier.ts';
import { Api } from './api.ts';
import { AppFunction, REPO_ROOT } from './app-function.ts';
import { Data } from './data.ts';
import { LogUploads } from './log-uploads.ts';
import { Observability } from './observability.ts';
import { Secrets } from './secrets.ts';
import { LLM_SETTING_VARIABLES, type LlmSetting, type StageConfig } from './stage-config.ts';
import { WebConsole } from './web-console.ts';
import { WorkQueues } from './work-queues.ts';

/**
 * The stage's LLM settings as the functions' variables; unset settings are left out (the code, or a job kind,
 * has defaults). 0 is a value (a temperature), not "unset".
 */
export function llmEnvironment(stage: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const llm = stage.llm ?? {};
  // The table's keys, typed: every setting of LlmSettings but the secret name.
  for (const setting of Object.keys(LLM_SETTING_VARIABLES) as LlmSetting[]) {
    const value = llm[setting];
    if (value !== undefined && value !== '') env[LLM_SETTING_VARIABLES[setting]] = String(value);
  }
  return env;
}

/**
 * The categories the triage worker answers on this stage (canonical names), for the resolver, which checks a
 * person's correction against them without loading the model. A category the model does not know fails synth.
 */
export function ticketCategories(stage: StageConfig): readonly string[] {
  return ticketTriageSetup({
    TICKET_MODEL_PATH: undefined,
    TRIAGE_REVIEW_THRESHOLD: undefined,
    TRIAGE_EXTRA_REVIEW_THRESHOLD: undefined,
    TRIAGE_CATEGORIES: stage.triage?.categories ? [...stage.triage.categories] : undefined,
  }).categories;
}

/** The stage's triage settings as the workers' variables; unset settings are left out. */
export function triageEnvironment(stage: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const triage = stage.triage;
  // 0 is a threshold (never abstain), not "unset".
  if (triage?.reviewThreshold !== undefined) env.TRIAGE_REVIEW_THRESHOLD = String(triage.reviewThreshold);
  if (triage?.extraReviewThreshold !== undefined)
    env.TRIAGE_EXTRA_REVIEW_THRESHOLD = String(triage.extraReviewThreshold);
  if (triage?.categories !== undefined) env.TRIAGE_CATEGORIES = triage.categories.join(',');
  return env;
}

/** The stage's treatment of addresses and host names in logs, for the resolver and the workers. */
export function redactionEnvironment(stage: StageConfig): Record<string, string> {
  const network = stage.redaction?.network;
  return network === undefined ? {} : { NETWORK_REDACTION: network };
}

/** The resolver writes changelog highlights inside the request: AppSync waits 30 seconds. */
export const RESOLVER_LLM_LIMITS = { timeoutMs: 10_000, callBudgetMs: 15_000, maxAttempts: 2 } as const;

/** The resolver's time limits: the stage's `-c llm…` values where tighter, else RESOLVER_LLM_LIMITS. */
export function resolverLlmEnvironment(stage: StageConfig): Record<string, string> {
  const llm = stage.llm;
  const tighter = (value: number | undefined, limit: number) => String(Math.min(value ?? limit, limit));
  return {
    LLM_TIMEOUT_MS: tighter(llm?.timeoutMs, RESOLVER_LLM_LIMITS.timeoutMs),
    LLM_CALL_BUDGET_MS: tighter(llm?.callBudgetMs, RESOLVER_LLM_LIMITS.callBudgetMs),
    LLM_MAX_ATTEMPTS: tighter(llm?.maxAttempts, RESOLVER_LLM_LIMITS.maxAttempts),
  };
}

export interface AiOpsStackProps extends StackProps {
  readonly stage: StageConfig;
  /** Absolute path of the GraphQL schema (default: schema/schema.graphql). */
  readonly schemaPath?: string;
}

const AUTHORIZER_TIMEOUT_SECONDS = 10;
const RESOLVER_TIMEOUT_SECONDS = 30;
const RECONCILER_TIMEOUT_SECONDS = 50;
const MIGRATOR_TIMEOUT_SECONDS = 300;

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
  /** The web console: S3 + CloudFront, configured with the API's URL and public key. */
  readonly console: WebConsole;
  readonly observability: Observability;
  /** Large logs: the uploads bucket, its grants and its notification to the summarize queue. */
  readonly uploads: LogUploads;
  readonly functions: {
    readonly authorizer: AppFunction;
    readonly resolver: AppFunction;
    readonly reconciler: AppFunction;
    readonly migrator: AppFunction;
  };
  readonly #stage: StageConfig;

  constructor(scope: Construct, id: string, props: AiOpsStackProps) {
    const { stage, schemaPath, ...stackProps } = props;
    super(scope, id, {
      description: `AI Ops Assistant (${stage.name})`,
      terminationProtection: stage.durable,
      ...stackProps,
    });
    this.#stage = stage;
    Tags.of(this).add('project', 'ai-ops');
    Tags.of(this).add('stage', stage.name);

    this.data = new Data(this, 'Data', { stage });
    this.secrets = new Secrets(this, 'Secrets', { stage });
    this.workQueues = this.createWorkQueues();
    const authorizer = this.createAuthorizer();
    const resolver = this.createResolver();
    const reconciler = this.createReconciler(resolver);
    const migrator = this.createMigrator([authorizer, resolver, reconciler]);
    this.functions = { authorizer, resolver, reconciler, migrator };
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
      // Presigned upload URLs name the uploads bucket on the region's S3 endpoint.
      uploadOrigin: `https://*.s3.${this.region}.amazonaws.com`,
    });
    this.uploads = this.createUploads(resolver);
    this.observability = new Observability(this, 'Observability', {
      stage,
      api: this.api.graphqlApi,
      functions: { authorizer, resolver, reconciler },
      queues: this.workQueues.queues,
      database: this.data.database,
    });
    // A failing API deploy shows as InternalError answers or authorizer/resolver errors before anything else.
    for (const alarm of this.observability.apiCanaryAlarms) resolver.deploymentGroup?.addAlarm(alarm);
    this.addOutputs();
  }

  /**
   * What every function that reaches the database is told: the host (proxy or cluster), the RDS-generated
   * secret, and how long to wait for a connection: behind a proxy 10 s; on a database that pauses, longer than
   * a resume when the function's timeout allows it.
   */
  private databaseEnv(functionTimeoutSeconds: number): Record<string, string> {
    const database = this.data.database;
    const connectTimeout = database.viaProxy
      ? 10
      : Math.max(5, Math.min(database.resumeSeconds + 5, functionTimeoutSeconds - 10));
    return {
      DB_SECRET_ARN: this.data.appSecret.secretArn,
      DB_HOST: database.endpoint,
      DB_NAME: this.data.databaseName,
      DB_PROXY: String(database.viaProxy),
      DB_CONNECT_TIMEOUT_SECONDS: String(connectTimeout),
      DB_IDLE_SESSION_SECONDS: String(database.idleSessionSeconds),
      // Node 20+ Lambda runtimes leave out the Amazon RDS CAs; a direct connection verifies the cluster's
      // certificate against them (the proxy's certificate chains to public roots).
      ...(database.viaProxy ? {} : { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' }),
    };
  }

  private authEnv(): Record<string, string> {
    return {
      JWT_KEYS_SECRET_ARN: this.secrets.jwtKeys.secretArn,
      JWT_ISSUER: `ai-ops-${this.#stage.name}`,
      JWT_AUDIENCE: 'ai-ops-api',
      ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
      REFRESH_TOKEN_TTL_SECONDS: String(REFRESH_TOKEN_TTL_SECONDS),
      AUTHORIZER_TTL_SECONDS: String(this.#stage.api.authorizerCacheTtlSeconds),
    };
  }

  private queueEnv(): Record<string, string> {
    return { QUEUE_DRIVER: 'sqs', JOB_QUEUE_URLS: this.workQueues.queueUrlsJson() };
  }

  /** A queue, a DLQ and a worker per job kind of the registry. */
  private createWorkQueues(): WorkQueues {
    const stage = this.#stage;
    return new WorkQueues(this, 'Jobs', {
      stage,
      network: this.data.network,
      environment: {
        ...this.databaseEnv(Math.min(...JOB_KINDS.map((kind) => kind.worker.timeoutSeconds))),
        ...triageEnvironment(stage),
        ...redactionEnvironment(stage),
        OPENAI_API_KEY_SECRET_ARN: this.secrets.llmApiKey.secretArn,
      },
      // A `-c llm…` value is the stage's choice: it wins over a job kind's own default (its timeouts).
      overrides: llmEnvironment(stage),
      grant: (worker) => {
        this.data.grantConnect(worker.function);
        this.secrets.llmApiKey.grantRead(worker.function);
      },
    });
  }

  private createAuthorizer(): AppFunction {
    const authorizer = new AppFunction(this, 'Authorizer', {
      stage: this.#stage,
      entry: 'lambdas/authorizer/handler.ts',
      description: 'AppSync Lambda authorizer: verifies the access token, answers role and denied fields',
      // AppSync gives an authorizer 10 seconds at most.
      timeout: Duration.seconds(AUTHORIZER_TIMEOUT_SECONDS),
      memorySize: 512,
      network: this.data.network,
      environment: { ...this.databaseEnv(AUTHORIZER_TIMEOUT_SECONDS), ...this.authEnv() },
    });
    this.data.grantConnect(authorizer.function);
    this.secrets.jwtKeys.grantRead(authorizer.function);
    return authorizer;
  }

  private createResolver(): AppFunction {
    const stage = this.#stage;
    const resolver = new AppFunction(this, 'Resolver', {
      stage,
      entry: 'lambdas/api/handler.ts',
      description: 'GraphQL resolver for every Query and Mutation field',
      // AppSync waits 30 seconds for a data source.
      timeout: Duration.seconds(RESOLVER_TIMEOUT_SECONDS),
      // bcrypt at cost 12 is CPU-bound; memory buys CPU.
      memorySize: 1024,
      network: this.data.network,
      gradualDeployment: stage.functions.gradualDeployment,
      environment: {
        ...this.databaseEnv(RESOLVER_TIMEOUT_SECONDS),
        ...this.authEnv(),
        ...this.queueEnv(),
        // generateChangelog may ask the model for highlights (flag llm.changelog).
        ...llmEnvironment(stage),
        ...resolverLlmEnvironment(stage),
        OPENAI_API_KEY_SECRET_ARN: this.secrets.llmApiKey.secretArn,
        // correctTriage checks a person's category against these; the model stays with the triage worker.
        TICKET_CATEGORIES: ticketCategories(stage).join(','),
        ...redactionEnvironment(stage),
      },
    });
    this.data.grantConnect(resolver.function);
    this.secrets.jwtKeys.grantRead(resolver.function);
    this.secrets.llmApiKey.grantRead(resolver.function);
    this.workQueues.grantSend(resolver.function);
    this.workQueues.grantDeadLetterAdmin(resolver.function);
    return resolver;
  }

  private createReconciler(resolver: AppFunction): AppFunction {
    // Jobs are created by API calls only: where the database pauses, the reconciler skips runs while the
    // resolver has not been invoked lately instead of waking the database every minute.
    const gated = !this.data.database.viaProxy;
    const reconciler = new AppFunction(this, 'Reconciler', {
      stage: this.#stage,
      entry: 'lambdas/reconciler/handler.ts',
      description: 'Re-enqueues accepted jobs that never reached their queue',
      timeout: Duration.seconds(RECONCILER_TIMEOUT_SECONDS),
      memorySize: 256,
      network: this.data.network,
      environment: {
        ...this.databaseEnv(RECONCILER_TIMEOUT_SECONDS),
        ...this.queueEnv(),
        ...(gated ? { RECONCILE_WHEN_INVOKED: resolver.function.functionName } : {}),
      },
    });
    this.data.grantConnect(reconciler.function);
    // EventBridge invokes it asynchronously, and Lambda would retry a failed run twice (after one and three
    // minutes) on top of the schedule: the next scheduled run is the retry.
    reconciler.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    if (gated) {
      reconciler.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
      );
    }
    this.workQueues.grantSend(reconciler.function);
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Runs the job reconciler every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed run is made up by the next one a minute later: no delivery retries that could overlap it.
      targets: [
        new targets.LambdaFunction(reconciler.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
    return reconciler;
  }

  /**
   * The uploads bucket: the resolver presigns PUTs into it, S3 tells the summarize queue of each new object,
   * and the summarize worker reads it.
   */
  private createUploads(resolver: AppFunction): LogUploads {
    const summarize = this.workQueues.queues.find((q) => q.kind === summarizeLog.kind);
    if (!summarize) throw new Error(`No ${summarizeLog.kind} queue to notify of uploads`);
    const uploads = new LogUploads(this, 'Uploads', {
      stage: this.#stage,
      consoleOrigin: this.console.url,
      queue: summarize.queue,
    });
    uploads.grantUpload(resolver.function);
    resolver.function.addEnvironment('UPLOAD_BUCKET', uploads.bucket.bucketName);
    uploads.grantReadUploads(summarize.worker.function);
    summarize.worker.function.addEnvironment('UPLOAD_BUCKET', uploads.bucket.bucketName);
    return uploads;
  }

  /** The deploy-time migrator, and its trigger, which runs before any function that uses the database. */
  private createMigrator(databaseUsers: readonly AppFunction[]): AppFunction {
    const migrator = new AppFunction(this, 'Migrator', {
      stage: this.#stage,
      entry: 'lambdas/migrator/handler.ts',
      description: 'Applies database migrations and bootstraps the first admin on deploy',
      timeout: Duration.seconds(MIGRATOR_TIMEOUT_SECONDS),
      memorySize: 512,
      network: this.data.network,
      environment: {
        ...this.databaseEnv(MIGRATOR_TIMEOUT_SECONDS),
        // The owner runs the migrations and gives the app role the login the other functions use.
        DB_SECRET_ARN: this.data.secret.secretArn,
        APP_DB_SECRET_ARN: this.data.appSecret.secretArn,
        ADMIN_BOOTSTRAP_SECRET_ARN: this.secrets.adminBootstrap.secretArn,
      },
      // The bundle finds them next to itself (lambdas/adapters/db/migrate.ts defaultMigrationsFolder).
      assets: ['migrations'],
    });
    this.data.grantMigrate(migrator.function);
    this.secrets.adminBootstrap.grantRead(migrator.function);
    // It consumes the bootstrap secret (removes the password) once the first admin has signed in.
    this.secrets.adminBootstrap.grantWrite(migrator.function);
    // Runs whenever the migrator's bundle (code or migrations) changes; a thrown error fails the deploy.
    const migrations = new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: migrator.function,
      timeout: Duration.minutes(5),
      executeAfter: [...this.data.database.ready, this.secrets.adminBootstrap, this.data.appSecret],
    });
    migrations.executeBefore(...databaseUsers, ...this.workQueues.queues.map((q) => q.worker));
    return migrator;
  }

  private addOutputs(): void {
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
    new CfnOutput(this, 'OpenAiApiKeySecretArn', {
      value: this.secrets.llmApiKey.secretArn,
      description:
        'The secret the functions read the LLM key from (the named one with -c llmApiKeySecretName)',
    });
    new CfnOutput(this, 'AdminBootstrapSecretArn', { value: this.secrets.adminBootstrap.secretArn });
    new CfnOutput(this, 'KeygenFunctionName', { value: this.secrets.keygen.function.functionName });
  }
}
