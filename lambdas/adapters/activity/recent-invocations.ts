/**
 * "Was the API used lately?", from the Lambda `Invocations` metric of the named functions. The reconciler of a
 * stage whose database pauses asks this before connecting: jobs are only created by API calls, so an idle
 * API means there is nothing to reconcile, and connecting every minute would keep the database awake.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { tracer } from '../../shared/observability.ts';

/** True when any of the functions ran within the window, or when that cannot be told (fail open). */
export type ActivityCheck = () => Promise<boolean>;

export function recentInvocations(
  client: Pick<CloudWatchClient, 'send'>,
  functionNames: readonly string[],
  windowMinutes: number,
  onError: (error: unknown) => void = () => {},
  now: () => number = Date.now,
): ActivityCheck {
  return async () => {
    const end = new Date(now());
    const start = new Date(end.getTime() - windowMinutes * 60_000);
    try {
      const response = await client.send(
        new GetMetricDataCommand({
          StartTime: start,
          EndTime: end,
          MetricDataQueries: functionNames.map((name, i) => ({
            Id: `f${i}`,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Lambda',
                MetricName: 'Invocations',
                Dimensions: [{ Name: 'FunctionName', Value: name }],
              },
              Period: windowMinutes * 60,
              Stat: 'Sum',
            },
          })),
        }),
      );
      return (response.MetricDataResults ?? []).some((result) => (result.Values ?? []).some((v) => v > 0));
    } catch (error: unknown) {
      // Better to wake the database than to leave a job unsent.
      onError(error);
      return true;
    }
  };
}

let client: CloudWatchClient | undefined;
export const cloudWatchClient = (): CloudWatchClient => {
  client ??= tracer.captureAWSv3Client(new CloudWatchClient({}));
  return client;
};
