import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, renderSignedIn } from '../../test-utils.tsx';
import LogDetailPage from './LogDetailPage.tsx';

const entry = (status: string, summary: unknown = null) => ({
  id: 'l1',
  status,
  source: 'checkout-api',
  baselineEntryId: null,
  format: null,
  sizeBytes: 1200,
  lineCount: 12,
  createdAt: '2026-12-07T06:00:00Z',
  job: {
    status,
    attempts: 1,
    lastError: null as string | null,
    model: null,
    startedAt: null,
    finishedAt: null,
  },
  summary,
});

/** The log page of entry l1, as routed in the app, signed in with `client`. */
function openEntry(client: ReturnType<typeof fakeApi>['client']) {
  renderSignedIn(
    <Routes>
      <Route path="/logs/:id" element={<LogDetailPage />} />
    </Routes>,
    client,
    '/logs/l1',
  );
}

const summary = {
  text: 'text',
  json: JSON.stringify({ headline: '12 lines, no errors', lines: { total: 12, analysed: 12 } }),
  templates: '[]',
  generatedBy: 'local',
  createdAt: '2026-12-07T06:00:05Z',
};

describe('LogDetailPage', () => {
  it('keeps a summary being made on screen while the server is down, and shows it when the server is back', async () => {
    let server: 'working' | 'down' | 'done' = 'working';
    const { client } = fakeApi(() =>
      server === 'down'
        ? { unreachable: true }
        : { data: { logEntry: server === 'done' ? entry('SUCCEEDED', summary) : entry('PROCESSING') } },
    );
    openEntry(client);
    expect(await screen.findByText(/The summarizer is working on this log/)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Log summary: checkout-api');
    server = 'down';
    // The next poll fails: the error is said above the page, which stays (it said "Could not load this log
    // summary" and stopped polling, for good).
    expect(await screen.findByText('Could not refresh', {}, { timeout: 3000 })).toBeTruthy();
    expect(screen.getByText(/The API cannot be reached/)).toBeTruthy();
    expect(screen.getByText(/The summarizer is working on this log/)).toBeTruthy();
    server = 'done';
    expect((await screen.findByTestId('summary-headline', {}, { timeout: 5000 })).textContent).toBe(
      '12 lines, no errors',
    );
    expect(screen.queryByText('Could not refresh')).toBeNull();
  }, 15_000);

  it('ends the reason a summary failed with a full stop before the attempts', async () => {
    const failed = entry('FAILED');
    failed.job = { ...failed.job, lastError: 'file: looks like binary data, not text' };
    const { client } = fakeApi(() => ({ data: { logEntry: failed } }));
    openEntry(client);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'file: looks like binary data, not text. Attempts: 1.',
    );
  });

  it('opened while the server is down, shows the summary by itself once it is back', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let up = false;
      const { client } = fakeApi(() =>
        up ? { data: { logEntry: entry('SUCCEEDED', summary) } } : { unreachable: true },
      );
      openEntry(client);
      expect(await screen.findByText(/The API cannot be reached/)).toBeTruthy();
      up = true;
      await vi.advanceTimersByTimeAsync(3000);
      expect((await screen.findByTestId('summary-headline')).textContent).toBe('12 lines, no errors');
    } finally {
      vi.useRealTimers();
    }
  });
});
