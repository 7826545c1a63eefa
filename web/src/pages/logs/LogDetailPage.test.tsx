import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

/** The log page of entry l1, as routed in the app, signed in with `client` (as a USER unless said). */
function openEntry(client: ReturnType<typeof fakeApi>['client'], role: 'USER' | 'HR' = 'USER') {
  renderSignedIn(
    <Routes>
      <Route path="/logs/:id" element={<LogDetailPage />} />
    </Routes>,
    client,
    '/logs/l1',
    { id: 'u1', email: 'dev@example.com', role },
  );
}

const summary = {
  text: 'text',
  json: JSON.stringify({ headline: '12 lines, no errors', lines: { total: 12, analysed: 12 } }),
  templates: '[]',
  generatedBy: 'local',
  createdAt: '2026-12-07T06:00:05Z',
};

/** A request template 3 of whose 5 lines answered 503, and a more general template that competes for them. */
const requests = {
  id: 'T1',
  template: 'request completed "POST <PATH> HTTP/<NUM>" <NUM>',
  count: 5,
  share: 0.71,
  level: 'INFO',
  firstLine: 1,
  errors: { lines: 3, level: 0, http5xx: 3, wording: 0 },
};
const general = { id: 'T2', template: 'request <*>', count: 2, share: 0.29, level: 'INFO', firstLine: 3 };
const requestLog = [
  '2026-12-07T10:00:00Z INFO request completed "POST /api/checkout HTTP/1.1" 200',
  '2026-12-07T10:00:01Z INFO request completed "POST /api/checkout HTTP/1.1" 503',
  '2026-12-07T10:00:02Z INFO request queued',
  '2026-12-07T10:00:03Z INFO request completed "POST /api/cart HTTP/1.1" 503',
  '2026-12-07T10:00:04Z INFO request completed "POST /api/cart HTTP/1.1" 200',
  '2026-12-07T10:00:05Z INFO request retried',
  '2026-12-07T10:00:06Z INFO request completed "POST /api/checkout HTTP/1.1" 503',
].join('\n');
const requestSummary = {
  ...summary,
  json: JSON.stringify({
    headline: '3 of 5 requests failed',
    lines: { total: 7, analysed: 7 },
    topTemplates: [requests, general],
    errorTemplates: [requests],
  }),
  templates: JSON.stringify(
    [general, requests].map((t) => ({ id: t.id, template: t.template, samples: [], parameters: [] })),
  ),
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

  it("shows an error template's lines from the stored text, errors first, with the count of all", async () => {
    const { client } = fakeApi((call) =>
      call.operationName === 'LogEntryRaw'
        ? { data: { logEntry: { id: 'l1', raw: requestLog } } }
        : { data: { logEntry: entry('SUCCEEDED', requestSummary) } },
    );
    openEntry(client);
    const errors = await screen.findByRole('table', { name: 'Errors' });
    await userEvent.click(within(errors).getByRole('button', { name: 'Show lines of template T1' }));
    const lines = await within(errors).findByTestId('template-lines');
    expect(within(lines).getByRole('status').textContent).toBe('5 lines; the 3 errors first');
    const shown = lines.querySelectorAll('.template-line');
    // Line number, "error" where it is one, then the line as stored; T2's "request queued" is not among them.
    expect([...shown].map((l) => l.textContent)).toEqual(
      [2, 4, 7, 1, 5].map((n) => {
        const line = requestLog.split('\n')[n - 1];
        return `${n}${line?.endsWith(' 503') ? ' error' : ''} ${line}`;
      }),
    );
    await userEvent.click(within(lines).getByRole('checkbox', { name: 'Errors only' }));
    await waitFor(() => expect(within(lines).getByRole('status').textContent).toBe('3 errors of 5 lines'));
  });

  it('offers the lines of a template to a user but not to HR, for whom it never asks for the raw text', async () => {
    for (const role of ['USER', 'HR'] as const) {
      const { client, calls } = fakeApi(() => ({ data: { logEntry: entry('SUCCEEDED', requestSummary) } }));
      openEntry(client, role);
      await screen.findByRole('table', { name: 'Errors' });
      expect(screen.queryAllByRole('button', { name: /^Show lines of template/ })).toHaveLength(
        role === 'HR' ? 0 : 3,
      );
      expect(calls.some((c) => c.operationName === 'LogEntryRaw')).toBe(false);
      cleanup();
    }
  });
});
