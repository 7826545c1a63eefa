import { describe, expect, it } from 'vitest';
import type { JobKind } from '../../../lambdas/core/jobs/registry.ts';
import { ALARM_THRESHOLDS } from '../../../lambdas/core/metrics.ts';
import { type JobOutcomes, systemHealth } from '../../../lambdas/core/use-cases/operations.ts';

const KIND: JobKind = 'triage-ticket';
const OPS = {
  userId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  role: 'OPS',
  sessionId: 's',
  email: 'o@example.com',
} as const;

/** The health of one kind whose last hour held these outcomes, with an empty queue. */
async function healthWith(succeeded: number, failed: number) {
  const outcomes: JobOutcomes = { succeeded, failed, p95DurationMs: null, oldestWaitingSeconds: null };
  return systemHealth(
    {
      sources: async () => ({
        queues: {
          read: async () => ({ visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 }),
        },
        jobs: { lastHour: async () => new Map([[KIND, outcomes]]) },
        probeDatabase: async () => 1,
      }),
      now: () => new Date('2026-12-01T10:00:00Z'),
    },
    { caller: OPS, kinds: [{ kind: KIND, description: 'Triages tickets' }] },
  );
}

describe('systemHealth on jobs failing for good', () => {
  it('warns about a quiet kind whose every job of the hour failed, with no floor of finished jobs', async () => {
    const health = await healthWith(0, 3);
    expect(health.status).toBe('WARNING');
    expect(health.problems).toEqual(['triage-ticket: 3 of 3 jobs failed in the last hour']);
  });

  it('does not warn about one failed job alone, nor about a busy kind under the alarm rate', async () => {
    expect((await healthWith(0, 1)).status).toBe('OK');
    expect(ALARM_THRESHOLDS.workerFailurePeriods).toBeGreaterThan(1);
    expect((await healthWith(990, 10)).status).toBe('OK');
    expect((await healthWith(80, 20)).status).toBe('WARNING');
  });
});
