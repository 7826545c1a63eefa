import { describe, expect, it } from 'vitest';
import { logEntryColumns, logEntryView, selectedIn } from '../../../lambdas/api/views.ts';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import { toPage } from '../../../lambdas/core/pagination.ts';
import type { LogEntryRecord } from '../../../lambdas/core/use-cases/log-entries.ts';

const at = new Date('2026-01-01T00:00:00Z');
const caller: Caller = { userId: 'u1', role: 'USER', sessionId: 's1', email: 'u1@example.com' };
const entry: LogEntryRecord = {
  id: 'e1',
  ownerId: 'u1',
  raw: 'x'.repeat(10_000),
  objectKey: null,
  format: null,
  source: null,
  baselineEntryId: null,
  sizeBytes: 10_000,
  lineCount: 1,
  redactions: {},
  summary: { headline: 'No errors' },
  summaryText: 'No errors in 1 line.',
  templates: [{ id: 'T1', template: 'x' }],
  generatedBy: 'local',
  createdAt: at,
  updatedAt: at,
  summarizedAt: at,
  job: {
    id: 'j1',
    kind: 'summarize-log',
    status: 'SUCCEEDED',
    subjectId: 'e1',
    ownerId: 'u1',
    attempts: 1,
    lastError: null,
    traceId: null,
    model: null,
    createdAt: at,
    updatedAt: at,
    enqueuedAt: at,
    startedAt: at,
    finishedAt: at,
    firstFailedAt: null,
    lastFailedAt: null,
  },
};

describe('log entry views', () => {
  it('leave the log text and the summary out of the answer unless the query selected them', () => {
    const light = logEntryView(entry, caller, selectedIn(['items', 'items/id', 'items/status'], 'items'));
    expect(light.raw).toBeNull();
    expect(light.summary).toBeNull();
    expect(JSON.stringify(light).length).toBeLessThan(1_000);
    const heavy = logEntryView(entry, caller, selectedIn(['raw', 'summary', 'summary/text']));
    expect(heavy.raw).toBe(entry.raw);
    expect(heavy.summary?.text).toBe('No errors in 1 line.');
    expect(heavy.summary?.json).toBeNull();
    expect(heavy.summary?.templates).toBeNull();
  });

  it('read only the large columns the selection shows: a status list reads no text and no summary', () => {
    const list = (paths: string[]) => logEntryColumns(caller, selectedIn(['items', ...paths], 'items'));
    const none = { raw: false, summary: false, summaryText: false, templates: false };
    expect(list(['items/id', 'items/status', 'items/summary', 'items/summary/generatedBy'])).toEqual(none);
    expect(list(['items/raw', 'items/summary', 'items/summary/text'])).toEqual({
      ...none,
      raw: true,
      summaryText: true,
    });
    // HR reads no log text, and its summary text is rewritten from the JSON.
    const hr: Caller = { ...caller, role: 'HR' };
    expect(logEntryColumns(hr, selectedIn(['raw', 'summary', 'summary/text']))).toEqual({
      ...none,
      summary: true,
    });
    expect(logEntryColumns(caller, selectedIn(undefined))).toEqual({
      raw: true,
      summary: true,
      summaryText: true,
      templates: true,
    });
  });

  it('show each selected part of a summary from the columns that selection read', () => {
    const selected = selectedIn(['summary', 'summary/generatedBy', 'summary/text', 'summary/json']);
    for (const who of [caller, { ...caller, role: 'HR' } satisfies Caller]) {
      const columns = logEntryColumns(who, selected);
      const read = {
        ...entry,
        summary: columns.summary ? entry.summary : null,
        summaryText: columns.summaryText ? entry.summaryText : null,
        templates: columns.templates ? entry.templates : null,
      };
      expect(logEntryView(read, who, selected)).toEqual(logEntryView(entry, who, selected));
    }
    const unsummarized = { ...entry, summary: null, summaryText: null, templates: null, summarizedAt: null };
    expect(logEntryView(unsummarized, caller, selected).summary).toBeNull();
  });

  it('give everything when the event carries no selection (a caller that is not AppSync)', () => {
    const all = logEntryView(entry, caller, selectedIn(undefined));
    expect(all.raw).toBe(entry.raw);
    expect(all.summary?.json).toEqual({ headline: 'No errors' });
  });
});

describe('pages with a byte budget', () => {
  const rows = [3, 3, 3, 9, 1].map((size, i) => ({
    row: { size },
    cursor: { createdAt: `2026-01-0${i + 1}T00:00:00Z`, id: `0000000${i}-0000-0000-0000-000000000000` },
  }));
  const budget = { maxBytes: 7, sizeOf: (size: number) => size };

  it('end when the next row would pass the budget, continuing after the last row kept', () => {
    const page = toPage(rows, 4, (r) => r.size, budget);
    expect(page.items).toEqual([3, 3]);
    expect(page.nextToken).not.toBeNull();
  });

  it('build each item once: the item measured is the item answered', () => {
    let built = 0;
    const measured: object[] = [];
    const build = (r: { size: number }) => {
      built++;
      return { size: r.size };
    };
    const sizeOf = (item: { size: number }) => {
      measured.push(item);
      return item.size;
    };
    const page = toPage(rows, 4, build, { maxBytes: 7, sizeOf });
    expect(page.items).toEqual([{ size: 3 }, { size: 3 }]);
    for (const [i, item] of page.items.entries()) expect(measured[i]).toBe(item);
    // The two kept, and the one that did not fit: none twice.
    expect(built).toBe(3);
  });

  it('always hold one row, however large', () => {
    const page = toPage(rows.slice(3), 4, (r) => r.size, budget);
    expect(page.items).toEqual([9]);
  });

  it('say there is no next page when every row fits', () => {
    const page = toPage(rows.slice(0, 2), 4, (r) => r.size, budget);
    expect(page).toEqual({ items: [3, 3], nextToken: null });
  });
});
