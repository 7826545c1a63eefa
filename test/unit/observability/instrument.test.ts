import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { instrument, logger } from '../../../lambdas/shared/observability.ts';

const context = {
  functionName: 'ai-ops-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:ai-ops-test',
  memoryLimitInMB: '128',
  awsRequestId: 'req-1',
  logGroupName: 'local',
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 1000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

describe('instrument', () => {
  it("does not leave an invocation's correlation id on what is logged after it", async () => {
    let during: unknown;
    const handler = instrument(
      'test',
      async () => {
        during = logger.getCorrelationId();
        return 'ok';
      },
      { correlationId: () => 'request-42' },
    );
    expect(await handler({}, context)).toBe('ok');
    expect(during).toBe('request-42');
    expect(logger.getCorrelationId()).toBeUndefined();
  });
});
