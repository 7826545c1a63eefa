import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReconcilerHandler } from '../../../lambdas/reconciler/reconcile-handler.ts';
import { logger as sharedLogger } from '../../../lambdas/shared/observability.ts';
import { scheduleReconciler } from '../../../local/reconciler-schedule.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the local reconciler schedule', () => {
  it('logs a failed run once: the reconciler says "Reconciliation failed" and the schedule adds nothing', async () => {
    const lines: string[] = [];
    const record = (...args: unknown[]) => void lines.push(String(args[0]));
    // The shared logger is what the local runtime reported timer failures with ("Local runtime error").
    vi.spyOn(sharedLogger, 'error').mockImplementation(record);
    vi.spyOn(sharedLogger, 'warn').mockImplementation(record);
    const reconcilerLog = {
      error: record,
      warn: record,
      info: () => {},
      debug: () => {},
    } as unknown as Logger;
    let runs = 0;
    let ran: () => void = () => {};
    const failedOnce = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const reconcile = createReconcilerHandler({
      resolve: async () => {
        runs += 1;
        throw Object.assign(new Error('write CONNECT_TIMEOUT 127.0.0.1:5432'), { code: 'CONNECT_TIMEOUT' });
      },
      clock: { now: () => new Date() },
      logger: reconcilerLog,
      metrics: { addMetric: () => {} },
      olderThanSeconds: 120,
      limit: 10,
    });
    const stop = scheduleReconciler(
      () => reconcile({}, {} as Context).finally(() => setImmediate(ran)),
      0.01,
    );
    await failedOnce;
    await stop();
    expect(runs).toBe(1);
    expect(lines).toEqual(['Reconciliation failed']);
  });

  it('runs one at a time and its stop waits for the run in flight', async () => {
    let finish: () => void = () => {};
    let started = 0;
    let finished = false;
    const stop = scheduleReconciler(async () => {
      started += 1;
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      finished = true;
    }, 0.01);
    await vi.waitFor(() => expect(started).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toBe(1);
    const stopped = stop();
    finish();
    await stopped;
    expect(finished).toBe(true);
  });
});
