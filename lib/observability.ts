import {
  Aws,
  aws_cloudwatch_actions as actions,
  type aws_appsync as appsync,
  aws_cloudwatch as cloudwatch,
  Duration,
  Stack,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LLM_TASKS } from '../lambdas/core/llm/ports.ts';
import { ALARM_THRESHOLDS, METRICS, type MetricDefinition } from '../lambdas/core/metrics.ts';
import type { AppFunction } from './app-function.ts';
import type { DatabaseTarget } from './database/target.ts';
import { RUNBOOK, type RunbookSection, withRunbook } from './runbook.ts';
import type { StageConfig } from './stage-config.ts';
import type { WorkQueue } from './work-queues.ts';

// The thresholds live beside the metric definitions: the Prometheus alert rules (observability/) share them.
export { ALARM_THRESHOLDS } from '../lambdas/core/metrics.ts';

export interface ObservabilityProps {
  readonly stage: StageConfig;
  readonly api: appsync.IGraphqlApi;
  /** Functions that serve requests or run on a schedule, by display name. */
  readonly functions: Readonly<Record<string, AppFunction>> & {
    readonly authorizer: AppFunction;
    readonly resolver: AppFunction;
    readonly reconciler: AppFunction;
  };
  readonly queues: readonly WorkQueue[];
  readonly database: DatabaseTarget;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

interface MetricOptions {
  readonly statistic: string;
  readonly period?: Duration;
  readonly label?: string;
}

/**
 * One of the application's metrics (lambdas/core/metrics.ts) as a stage's functions emit it: the stage's
 * namespace and `service` dimension (the values its functions get as POWERTOOLS_*), and the definition's own
 * dimensions, each given a value.
 */
export function applicationMetric<D extends string>(
  source: StageConfig['metrics'],
  definition: MetricDefinition<D>,
  dimensions: Readonly<Record<D, string>>,
  options: MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.namespace,
    metricName: definition.name,
    dimensionsMap: { service: source.service, ...dimensions },
    statistic: options.statistic,
    period: options.period ?? FIVE_MINUTES,
    ...(options.label ? { label: options.label } : {}),
  });
}

type Labelled = [string, AppFunction];

/**
 * `100 * part / (part + rest)` once any event happened, else 0. FILL turns a metric with no datapoint in the
 * period into 0: at 100% failure there is no success datapoint, and without FILL the expression has no value
 * and a NOT_BREACHING alarm stays OK.
 */
export function rateExpression(part: string, rest: string): string {
  const total = `(FILL(${part}, 0) + FILL(${rest}, 0))`;
  return `IF(${total} > 0, 100 * FILL(${part}, 0) / ${total}, 0)`;
}

const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
  new cloudwatch.GraphWidget({ title, left, width, height: 6 });

const labelled = (entries: readonly Labelled[], pick: (fn: AppFunction) => cloudwatch.Metric) =>
  entries.map(([name, fn]) => pick(fn).with({ label: name }));

/** The dashboard and the alarms of DESIGN §8; every alarm notifies the topic (and `-c alarmEmail=`). */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  /**
   * What a failing API deploy shows first: InternalError answers and Lambda errors of the resolver and the
   * authorizer. The resolver's canary (CodeDeploy) rolls back on any of them, besides its alias's own errors.
   */
  readonly apiCanaryAlarms: cloudwatch.Alarm[] = [];
  readonly #props: ObservabilityProps;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.#props = props;
    this.topic = this.createTopic();
    for (const queue of props.queues) this.addQueueAlarms(queue);
    this.addApiAlarms();
    this.addRequestFunctionAlarms();
    this.addUnavailableAlarm();
    this.addReconcilerAlarm();
    this.addThrottleAlarms();
    this.addDatabaseAlarms();
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Stacks of one stage may live in several regions of an account; dashboards are global names.
      dashboardName: `AiOps-${props.stage.name}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });
    this.addDashboardRows();
  }

  /** https URL of the dashboard in the console of the stack's region. */
  dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private createTopic(): sns.Topic {
    const { stage } = this.#props;
    const topic = new sns.Topic(this, 'Alarms', {
      displayName: `AI Ops ${stage.name} alarms`,
      enforceSSL: true,
    });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key costs more than the data is worth.',
    });
    if (stage.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));
    return topic;
  }

  /** An application metric of this stage (`applicationMetric` with the stage's namespace and service). */
  private metric<D extends string>(
    definition: MetricDefinition<D>,
    dimensions: Readonly<Record<D, string>>,
    options: MetricOptions,
  ): cloudwatch.Metric {
    return applicationMetric(this.#props.stage.metrics, definition, dimensions, options);
  }

  private apiMetric(metricName: string, statistic: string, label?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AppSync',
      metricName,
      dimensionsMap: { GraphQLAPIId: this.#props.api.apiId },
      statistic,
      period: FIVE_MINUTES,
      ...(label ? { label } : {}),
    });
  }

  /** Per job kind: a dead letter, a message waiting too long, too many jobs failing for good. */
  private addQueueAlarms(q: WorkQueue): void {
    this.alarm(`${q.kind}-DeadLetters`, {
      description: `Messages of ${q.kind} exhausted their retries and wait in the dead-letter queue: read their reasons with deadLetters, fix the cause, then redriveDeadLetters (or purgeDeadLetters)`,
      runbook: RUNBOOK.deadLetters,
      metric: q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ONE_MINUTE,
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    this.alarm(`${q.kind}-OldestMessage`, {
      description: `The oldest ${q.kind} message has waited ${ALARM_THRESHOLDS.oldestMessageSeconds / 60} minutes or more in each of the last 2 five-minute periods: the workers are not keeping up or not running`,
      runbook: RUNBOOK.oldestMessage,
      metric: q.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: ALARM_THRESHOLDS.oldestMessageSeconds,
      evaluationPeriods: 2,
    });
    const jobs = (definition: MetricDefinition<'kind'>) =>
      this.metric(definition, { kind: q.kind }, { statistic: 'Sum' });
    const { workerFailurePercent, workerFailurePeriods, workerFailureWindowPeriods } = ALARM_THRESHOLDS;
    this.alarm(`${q.kind}-FailureRate`, {
      description: `${workerFailurePercent}% or more of the finished ${q.kind} jobs failed for good in ${workerFailurePeriods} of the last ${workerFailureWindowPeriods} five-minute periods`,
      runbook: RUNBOOK.failureRate,
      metric: new cloudwatch.MathExpression({
        label: `${q.kind} failure %`,
        expression: rateExpression('failed', 'ok'),
        usingMetrics: { ok: jobs(METRICS.jobsSucceeded), failed: jobs(METRICS.jobsFailed) },
        period: FIVE_MINUTES,
      }),
      threshold: workerFailurePercent,
      evaluationPeriods: workerFailureWindowPeriods,
      datapointsToAlarm: workerFailurePeriods,
    });
  }

  /**
   * The share of requests that failed on the server's side. AppSync's 5XXError alone misses most of them:
   * InternalError and ServiceUnavailable answers travel over HTTP 200, so their EMF counts are added, as the
   * local rule (observability/) counts both error types among the answered fields.
   */
  private addApiAlarms(): void {
    const periods = ALARM_THRESHOLDS.api5xxPeriods;
    this.alarm('Api5xxRate', {
      description: `${ALARM_THRESHOLDS.api5xxPercent}% or more of API requests failed on the server's side (HTTP 5xx, or errorType InternalError or ServiceUnavailable) in each of the last ${periods} five-minute periods`,
      runbook: RUNBOOK.api5xxRate,
      metric: new cloudwatch.MathExpression({
        label: 'server error %',
        expression:
          'IF(FILL(requests, 0) > 0, 100 * (FILL(http5xx, 0) + FILL(internal, 0) + FILL(unavailable, 0)) / FILL(requests, 0), 0)',
        usingMetrics: {
          http5xx: this.apiMetric('5XXError', 'Sum', '5xx'),
          internal: this.metric(METRICS.internalErrors, {}, { statistic: 'Sum' }),
          unavailable: this.metric(METRICS.serviceUnavailableErrors, {}, { statistic: 'Sum' }),
          requests: this.apiMetric('Latency', 'SampleCount', 'Requests'),
        },
        period: FIVE_MINUTES,
      }),
      threshold: ALARM_THRESHOLDS.api5xxPercent,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
    });
    this.alarm('ApiP99Latency', {
      description: `API p99 latency was ${ALARM_THRESHOLDS.apiP99LatencyMs} ms or more in each of the last 3 five-minute periods`,
      runbook: RUNBOOK.apiP99Latency,
      metric: this.apiMetric('Latency', 'p99'),
      threshold: ALARM_THRESHOLDS.apiP99LatencyMs,
      evaluationPeriods: 3,
    });
  }

  /**
   * ServiceUnavailable answers (the database cannot be reached) arrive over HTTP 200 like InternalError ones,
   * so AppSync's 5XXError never counts them, and a database that is down has no CPU to alarm on. Clients retry
   * them, and a paused personal-stage database or a prod failover answers them for a minute or two: only
   * answers in every minute of several page. Not a canary alarm: an outage is not the new code's doing.
   */
  private addUnavailableAlarm(): void {
    const minutes = ALARM_THRESHOLDS.serviceUnavailableMinutes;
    this.alarm('ServiceUnavailable', {
      description: `The API answered ServiceUnavailable in each of the last ${minutes} minutes: the database cannot be reached (see the resolver's WARN "A dependency is unavailable" lines)`,
      runbook: RUNBOOK.serviceUnavailable,
      metric: this.metric(METRICS.serviceUnavailableErrors, {}, { statistic: 'Sum', period: ONE_MINUTE }),
      threshold: 1,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
    });
  }

  /** InternalError answers, and Lambda errors (crashes, timeouts) of the functions behind the API. */
  private addRequestFunctionAlarms(): void {
    const { authorizer, resolver } = this.#props.functions;
    const internal = this.alarm('InternalErrors', {
      description: `${ALARM_THRESHOLDS.internalErrorsPerMinute} or more API answers with errorType InternalError in a minute: see the resolver's ERROR lines ("Internal error", "Unhandled error in resolver")`,
      runbook: RUNBOOK.internalErrors,
      metric: this.metric(METRICS.internalErrors, {}, { statistic: 'Sum', period: ONE_MINUTE }),
      threshold: ALARM_THRESHOLDS.internalErrorsPerMinute,
      evaluationPeriods: 1,
    });
    this.apiCanaryAlarms.push(internal);
    for (const [name, fn] of [
      ['Authorizer', authorizer],
      ['Resolver', resolver],
    ] as const) {
      const errors = this.alarm(`${name}-Errors`, {
        description: `The ${name.toLowerCase()} Lambda failed invocations (a crash or a timeout): AppSync answers them with an error`,
        runbook: RUNBOOK.functionErrors,
        metric: fn.function.metricErrors({ period: ONE_MINUTE, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
      });
      this.apiCanaryAlarms.push(errors);
    }
  }

  /**
   * The reconciler is the safety net of "accepted means durable": while its runs fail, or it cannot send the
   * jobs it finds, accepted jobs sit in no queue, where no queue alarm sees them; on prod, where it connects
   * every minute, it is also the first to notice a database that cannot be reached. One failed minute is a
   * blip (a failover); every minute of several is a cause.
   */
  private addReconcilerAlarm(): void {
    const { reconciler } = this.#props.functions;
    const minutes = ALARM_THRESHOLDS.reconcilerFailingMinutes;
    this.alarm('Reconciler-Failing', {
      description: `The reconciler failed, or could not send the jobs it found, in each of the last ${minutes} minutes: accepted jobs are not reaching their queues. See the reconciler's logs ("Reconciliation failed")`,
      runbook: RUNBOOK.reconcilerFailing,
      metric: new cloudwatch.MathExpression({
        label: 'failed reconciler runs + failed sends',
        expression: 'FILL(runs, 0) + FILL(sends, 0)',
        usingMetrics: {
          runs: reconciler.function.metricErrors({ period: ONE_MINUTE, statistic: 'Sum' }),
          sends: this.metric(METRICS.jobsReconcileFailures, {}, { statistic: 'Sum', period: ONE_MINUTE }),
        },
        period: ONE_MINUTE,
      }),
      threshold: 1,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
    });
  }

  private requestFunctions(): Labelled[] {
    return Object.entries(this.#props.functions);
  }

  private workerFunctions(): Labelled[] {
    return this.#props.queues.map((q): Labelled => [q.kind, q.worker]);
  }

  private addThrottleAlarms(): void {
    const all: Labelled[] = [
      ...this.requestFunctions(),
      ...this.workerFunctions().map(([kind, fn]): Labelled => [`worker ${kind}`, fn]),
    ];
    for (const [name, fn] of all) {
      this.alarm(`${name.replace(/\W+/g, '-')}-Throttles`, {
        description: `Lambda ${name} was throttled in the last five minutes (the account's or the function's concurrency is exhausted)`,
        runbook: RUNBOOK.throttles,
        metric: fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
  }

  private addDatabaseAlarms(): void {
    const { database, stage } = this.#props;
    this.alarm('DatabaseCpu', {
      description: `Database CPU averaged ${ALARM_THRESHOLDS.databaseCpuPercent}% or more in each of the last 3 five-minute periods`,
      runbook: RUNBOOK.database,
      metric: database.cpu({ period: FIVE_MINUTES, statistic: 'Average' }),
      threshold: ALARM_THRESHOLDS.databaseCpuPercent,
      evaluationPeriods: 3,
    });
    this.alarm('DatabaseConnections', {
      description: `${stage.database.connectionsAlarmThreshold} or more database connections in each of the last 3 five-minute periods (about 80% of what the database allows)`,
      runbook: RUNBOOK.database,
      metric: database.connections({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: stage.database.connectionsAlarmThreshold,
      evaluationPeriods: 3,
    });
  }

  private addDashboardRows(): void {
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# AI Ops — ${this.#props.stage.name}\nAPI, functions, queues and database. Alarms notify the SNS topic.`,
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(...this.apiWidgets());
    this.dashboard.addWidgets(...this.functionWidgets());
    if (this.#props.queues.length > 0) {
      this.dashboard.addWidgets(...this.workerWidgets());
      this.dashboard.addWidgets(...this.jobWidgets());
      this.dashboard.addWidgets(...this.queueWidgets());
    }
    this.dashboard.addWidgets(...this.modelAndSignInWidgets());
    this.dashboard.addWidgets(...this.databaseWidgets());
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
  }

  private apiWidgets(): cloudwatch.IWidget[] {
    return [
      graph('API requests', [this.apiMetric('Latency', 'SampleCount', 'Requests')]),
      graph('API latency (ms)', [
        this.apiMetric('Latency', 'p50', 'p50'),
        this.apiMetric('Latency', 'p95', 'p95'),
        this.apiMetric('Latency', 'p99', 'p99'),
      ]),
      // InternalError and ServiceUnavailable answers travel over HTTP 200: AppSync's 5xx does not count them.
      graph('API 4xx / 5xx / error answers', [
        this.apiMetric('4XXError', 'Sum', '4xx'),
        this.apiMetric('5XXError', 'Sum', '5xx'),
        this.metric(METRICS.internalErrors, {}, { statistic: 'Sum', label: 'InternalError answers' }),
        this.metric(
          METRICS.serviceUnavailableErrors,
          {},
          { statistic: 'Sum', label: 'ServiceUnavailable answers' },
        ),
      ]),
    ];
  }

  private functionWidgets(): cloudwatch.IWidget[] {
    const requests = this.requestFunctions();
    return [
      graph(
        'Resolver & authorizer errors',
        labelled(requests, (fn) => fn.function.metricErrors({ period: FIVE_MINUTES })),
      ),
      graph(
        'Resolver & authorizer duration p99 (ms)',
        labelled(requests, (fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })),
      ),
      graph('Lambda throttles', [
        ...labelled(requests, (fn) => fn.function.metricThrottles({ period: FIVE_MINUTES })),
        ...labelled(this.workerFunctions(), (fn) => fn.function.metricThrottles({ period: FIVE_MINUTES })),
      ]),
    ];
  }

  /** One line per job kind of a job metric. */
  private perKind(definition: MetricDefinition<'kind'>, statistic: string): cloudwatch.Metric[] {
    return this.#props.queues.map((q) =>
      this.metric(definition, { kind: q.kind }, { statistic, label: `${q.kind} ${definition.name}` }),
    );
  }

  private workerWidgets(): cloudwatch.IWidget[] {
    const workers = this.workerFunctions();
    return [
      graph(
        'Worker errors',
        labelled(workers, (fn) => fn.function.metricErrors({ period: FIVE_MINUTES })),
      ),
      graph(
        'Worker duration p99 (ms)',
        labelled(workers, (fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })),
      ),
      graph('Jobs succeeded / failed / input refused', [
        ...this.perKind(METRICS.jobsSucceeded, 'Sum'),
        ...this.perKind(METRICS.jobsFailed, 'Sum'),
        ...this.perKind(METRICS.jobsRefused, 'Sum'),
      ]),
    ];
  }

  private jobWidgets(): cloudwatch.IWidget[] {
    return [
      graph('Jobs started / retried', [
        ...this.perKind(METRICS.jobsStarted, 'Sum'),
        ...this.perKind(METRICS.jobRetries, 'Sum'),
      ]),
      graph('Job duration p99 (ms)', this.perKind(METRICS.jobDuration, 'p99')),
      graph('Queue latency p99 (ms)', this.perKind(METRICS.queueLatency, 'p99')),
    ];
  }

  private queueWidgets(): cloudwatch.IWidget[] {
    const { queues } = this.#props;
    const byQueue = (pick: (q: WorkQueue) => cloudwatch.Metric) => queues.map(pick);
    return [
      graph(
        'Queue depth',
        byQueue((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: q.kind,
          }),
        ),
      ),
      graph(
        'Age of oldest message (s)',
        byQueue((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: q.kind,
          }),
        ),
      ),
      graph(
        'Dead-letter queue depth',
        byQueue((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: 'Maximum',
            label: `${q.kind} DLQ`,
          }),
        ),
      ),
    ];
  }

  private modelAndSignInWidgets(): cloudwatch.IWidget[] {
    const perTask = (definition: MetricDefinition<'task'>) =>
      LLM_TASKS.map((task) =>
        this.metric(definition, { task }, { statistic: 'Sum', label: `${task} ${definition.name}` }),
      );
    return [
      graph('Model calls / fallbacks', [...perTask(METRICS.llmCalls), ...perTask(METRICS.llmFallbacks)]),
      graph('Model tokens', [...perTask(METRICS.llmPromptTokens), ...perTask(METRICS.llmCompletionTokens)]),
      graph('Login failures / authorizer denials', [
        this.metric(METRICS.loginFailures, {}, { statistic: 'Sum', label: 'login failures' }),
        this.metric(METRICS.authorizerDenied, {}, { statistic: 'Sum', label: 'authorizer denials' }),
      ]),
    ];
  }

  private databaseWidgets(): cloudwatch.IWidget[] {
    const { database } = this.#props;
    return [
      graph('Database CPU %', [database.cpu({ period: FIVE_MINUTES })]),
      ...database.charts().map((chart) => graph(chart.title, chart.metrics)),
    ];
  }

  /**
   * An alarm that notifies the topic on ALARM and on OK. Missing data is never breaching: the application's
   * error counts (InternalErrors, JobsFailed, …) are emitted only when something fails, AppSync's and Lambda's
   * metrics only while requests arrive, and a queue with messages keeps reporting (SQS stops only for an
   * inactive queue, which is empty).
   */
  private alarm(
    id: string,
    props: Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'evaluationPeriods' | 'datapointsToAlarm'> & {
      /** What happened, in the engineer's words; the runbook link is added after it. */
      readonly description: string;
      readonly runbook: RunbookSection;
    },
  ): cloudwatch.Alarm {
    const { description, runbook, ...rest } = props;
    const alarm = new cloudwatch.Alarm(this, id, {
      ...rest,
      // The e-mail's subject and the console list show the name: say the stage and the alarm, not a hash.
      alarmName: `AiOps-${this.#props.stage.name}-${id}`,
      alarmDescription: withRunbook(description, runbook),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
