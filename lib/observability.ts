import {
  aws_cloudwatch_actions as actions,
  type aws_appsync as appsync,
  aws_cloudwatch as cloudwatch,
  Duration,
  type aws_rds as rds,
  Stack,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.ts';
import type { StageConfig } from './stage-config.ts';
import type { WorkQueue } from './work-queues.ts';

/** Powertools Metrics namespace and service dimension of every function (lambdas/shared/observability.ts). */
export const METRICS_NAMESPACE = 'AiOps';
export const METRICS_SERVICE = 'ai-ops';

export const ALARM_THRESHOLDS = {
  oldestMessageSeconds: 15 * 60,
  api5xxPercent: 1,
  apiP99LatencyMs: 3000,
  workerFailurePercent: 10,
  /** Below this many finished jobs in a period the failure rate is too noisy to alarm on. */
  workerFailureMinJobs: 5,
  databaseCpuPercent: 80,
} as const;

export interface ObservabilityProps {
  readonly stage: StageConfig;
  readonly api: appsync.IGraphqlApi;
  /** Functions that serve requests or run on a schedule, by display name. */
  readonly functions: Readonly<Record<string, AppFunction>>;
  readonly queues: readonly WorkQueue[];
  readonly database: rds.DatabaseInstance;
  readonly proxy: rds.DatabaseProxy;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** The dashboard and the alarms of DESIGN §8; every alarm notifies the topic (and `-c alarmEmail=`). */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { stage } = props;

    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `AI Ops ${stage.name} alarms`,
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key costs more than the data is worth.',
    });
    if (stage.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));

    const apiMetric = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: props.api.apiId },
        statistic,
        period: FIVE_MINUTES,
        ...(label ? { label } : {}),
      });
    const requests = apiMetric('Latency', 'SampleCount', 'Requests');
    const errors4xx = apiMetric('4XXError', 'Sum', '4xx');
    const errors5xx = apiMetric('5XXError', 'Sum', '5xx');

    // Alarms.
    for (const q of props.queues) {
      this.alarm(`${q.kind}-DeadLetters`, {
        alarmDescription: `Messages of ${q.kind} exhausted their retries: list and redrive them with deadLetters / redriveDeadLetters`,
        metric: q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: ONE_MINUTE,
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
      });
      this.alarm(`${q.kind}-OldestMessage`, {
        alarmDescription: `A ${q.kind} job has waited more than ${ALARM_THRESHOLDS.oldestMessageSeconds / 60} minutes`,
        metric: q.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: ALARM_THRESHOLDS.oldestMessageSeconds,
        evaluationPeriods: 2,
      });
      const jobMetric = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { service: METRICS_SERVICE, kind: q.kind },
          statistic: 'Sum',
          period: FIVE_MINUTES,
        });
      this.alarm(`${q.kind}-FailureRate`, {
        alarmDescription: `More than ${ALARM_THRESHOLDS.workerFailurePercent}% of ${q.kind} jobs failed for good`,
        metric: new cloudwatch.MathExpression({
          label: `${q.kind} failure %`,
          expression: `IF(ok + failed >= ${ALARM_THRESHOLDS.workerFailureMinJobs}, 100 * failed / (ok + failed), 0)`,
          usingMetrics: { ok: jobMetric('JobsSucceeded'), failed: jobMetric('JobsFailed') },
          period: FIVE_MINUTES,
        }),
        threshold: ALARM_THRESHOLDS.workerFailurePercent,
        evaluationPeriods: 2,
      });
    }
    this.alarm('Api5xxRate', {
      alarmDescription: `More than ${ALARM_THRESHOLDS.api5xxPercent}% of API requests failed with a 5xx`,
      metric: new cloudwatch.MathExpression({
        label: '5xx %',
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { errors: errors5xx, requests },
        period: FIVE_MINUTES,
      }),
      threshold: ALARM_THRESHOLDS.api5xxPercent,
      evaluationPeriods: 2,
    });
    this.alarm('ApiP99Latency', {
      alarmDescription: `API p99 latency above ${ALARM_THRESHOLDS.apiP99LatencyMs} ms`,
      metric: apiMetric('Latency', 'p99'),
      threshold: ALARM_THRESHOLDS.apiP99LatencyMs,
      evaluationPeriods: 3,
    });
    const allFunctions: Array<[string, AppFunction]> = [
      ...Object.entries(props.functions),
      ...props.queues.map((q): [string, AppFunction] => [`worker ${q.kind}`, q.worker]),
    ];
    for (const [name, fn] of allFunctions) {
      this.alarm(`${name.replace(/\W+/g, '-')}-Throttles`, {
        alarmDescription: `Lambda ${name} is being throttled (account or function concurrency exhausted)`,
        metric: fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
    this.alarm('DatabaseCpu', {
      alarmDescription: `Database CPU above ${ALARM_THRESHOLDS.databaseCpuPercent}%`,
      metric: props.database.metricCPUUtilization({ period: FIVE_MINUTES, statistic: 'Average' }),
      threshold: ALARM_THRESHOLDS.databaseCpuPercent,
      evaluationPeriods: 3,
    });
    this.alarm('DatabaseConnections', {
      alarmDescription: `Database connections above ${stage.database.connectionsAlarmThreshold}`,
      metric: props.database.metricDatabaseConnections({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: stage.database.connectionsAlarmThreshold,
      evaluationPeriods: 3,
    });

    // Dashboard.
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `AiOps-${stage.name}`,
      defaultInterval: Duration.hours(3),
    });
    const resolverFunctions = Object.entries(props.functions);
    const workerFunctions = props.queues.map((q): [string, AppFunction] => [q.kind, q.worker]);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const labelled = (entries: Array<[string, AppFunction]>, pick: (fn: AppFunction) => cloudwatch.Metric) =>
      entries.map(([name, fn]) => pick(fn).with({ label: name }));

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# AI Ops — ${stage.name}\nAPI, functions, queues and database. Alarms notify the SNS topic.`,
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests', [requests]),
      graph('API latency (ms)', [
        apiMetric('Latency', 'p50', 'p50'),
        apiMetric('Latency', 'p95', 'p95'),
        apiMetric('Latency', 'p99', 'p99'),
      ]),
      graph('API 4xx / 5xx', [errors4xx, errors5xx]),
    );
    this.dashboard.addWidgets(
      graph(
        'Resolver & authorizer errors',
        labelled(resolverFunctions, (fn) => fn.function.metricErrors({ period: FIVE_MINUTES })),
      ),
      graph(
        'Resolver & authorizer duration p99 (ms)',
        labelled(resolverFunctions, (fn) =>
          fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        ),
      ),
      graph('Lambda throttles', [
        ...labelled(resolverFunctions, (fn) => fn.function.metricThrottles({ period: FIVE_MINUTES })),
        ...labelled(workerFunctions, (fn) => fn.function.metricThrottles({ period: FIVE_MINUTES })),
      ]),
    );
    if (workerFunctions.length > 0) {
      const jobs = (metricName: string) =>
        props.queues.map(
          (q) =>
            new cloudwatch.Metric({
              namespace: METRICS_NAMESPACE,
              metricName,
              dimensionsMap: { service: METRICS_SERVICE, kind: q.kind },
              statistic: 'Sum',
              period: FIVE_MINUTES,
              label: `${q.kind} ${metricName}`,
            }),
        );
      this.dashboard.addWidgets(
        graph(
          'Worker errors',
          labelled(workerFunctions, (fn) => fn.function.metricErrors({ period: FIVE_MINUTES })),
        ),
        graph(
          'Worker duration p99 (ms)',
          labelled(workerFunctions, (fn) =>
            fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
          ),
        ),
        graph('Jobs succeeded / failed', [...jobs('JobsSucceeded'), ...jobs('JobsFailed')]),
      );
      this.dashboard.addWidgets(
        graph(
          'Queue depth',
          props.queues.map((q) =>
            q.queue.metricApproximateNumberOfMessagesVisible({
              period: ONE_MINUTE,
              statistic: 'Maximum',
              label: q.kind,
            }),
          ),
        ),
        graph(
          'Age of oldest message (s)',
          props.queues.map((q) =>
            q.queue.metricApproximateAgeOfOldestMessage({
              period: ONE_MINUTE,
              statistic: 'Maximum',
              label: q.kind,
            }),
          ),
        ),
        graph(
          'Dead-letter queue depth',
          props.queues.map((q) =>
            q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: ONE_MINUTE,
              statistic: 'Maximum',
              label: `${q.kind} DLQ`,
            }),
          ),
        ),
      );
    }
    this.dashboard.addWidgets(
      graph('Database CPU %', [props.database.metricCPUUtilization({ period: FIVE_MINUTES })]),
      graph('Database connections', [
        props.database.metricDatabaseConnections({ period: FIVE_MINUTES, label: 'database' }),
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName: 'ClientConnections',
          dimensionsMap: { ProxyName: props.proxy.dbProxyName },
          period: FIVE_MINUTES,
          statistic: 'Maximum',
          label: 'proxy clients',
        }),
      ]),
      graph('Database memory & storage (bytes)', [
        props.database.metricFreeableMemory({ period: FIVE_MINUTES }),
        props.database.metricFreeStorageSpace({ period: FIVE_MINUTES }),
      ]),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
  }

  /** https URL of the dashboard in the console of the stack's region. */
  dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private alarm(
    id: string,
    props: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric' | 'threshold' | 'evaluationPeriods'>,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
