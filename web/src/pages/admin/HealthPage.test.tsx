import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderSignedIn } from '../../test-utils.tsx';
import HealthPage from './HealthPage.tsx';

const OPS = { id: 'o1', email: 'ops@example.com', role: 'OPS' as const };

const queue = (kind: string, depth: number, oldest: number) => ({
  kind,
  description: `${kind} jobs`,
  status: 'OK',
  depth,
  inFlight: 0,
  delayed: 0,
  oldestMessageAgeSeconds: oldest,
  deadLetters: 0,
  succeededLastHour: 1250,
  failedLastHour: 0,
  p95DurationMs: 1454,
  problems: [],
});

describe('HealthPage', () => {
  it('gives no age of an oldest message when nothing waits, and writes figures with separators', async () => {
    const { client } = fakeApi(() => ({
      data: {
        systemHealth: {
          status: 'OK',
          checkedAt: '2026-12-07T14:00:00Z',
          problems: [],
          database: { status: 'OK', latencyMs: 3, message: null },
          queues: [queue('summarize-log', 0, 0), queue('triage-ticket', 4, 30)],
        },
      },
    }));
    renderSignedIn(<HealthPage />, client, '/admin/health', OPS);
    const cells = async (kind: string) => {
      const row = (await screen.findByText(kind)).closest('tr');
      if (!row) throw new Error(`no row for ${kind}`);
      return within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    };
    const idle = await cells('summarize-log');
    // Job kind, status, waiting, in flight, oldest, dead letters, done / failed, p95.
    expect(idle[4]).toBe('—');
    expect(idle[6]).toBe('1,250 / 0');
    expect(idle[7]).toBe('1,454 ms');
    expect((await cells('triage-ticket'))[4]).toBe('30 s');
  });
});
