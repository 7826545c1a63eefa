import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWith } from '../../test-utils.tsx';
import { SummaryView } from './SummaryView.tsx';
import { readSummary, readTemplateDetails } from './summary-model.ts';

const template = {
  id: 'T1',
  template: 'user <*> logged in',
  count: 30,
  share: 0.75,
  level: 'INFO',
  firstLine: 1,
};
const summaryJson = {
  lines: { total: 40, analysed: 40 },
  levels: { counts: { INFO: 30, ERROR: 10 }, source: 'header' },
  templates: { total: 2 },
  topTemplates: [template],
  errorTemplates: [],
  warningTemplates: [],
  rareTemplates: [],
  newTemplates: [],
  bursts: [],
  timeline: null,
  topComponents: [],
  topHosts: [],
  firstError: { line: 31, template: 'db down after <NUM> ms', text: 'db down after 300 ms', inferred: false },
  redactions: { total: 0, byKind: {} },
};
const templatesJson = [
  {
    id: 'T1',
    samples: [{ line: 1, text: 'user zebra-4821 logged in' }],
    parameters: [{ position: 1, type: '*', values: [{ value: 'zebra-4821', count: 6 }], more: false }],
  },
];

function show(showRaw: boolean, json: object = summaryJson, baselineEntryId?: string) {
  const summary = readSummary(json);
  if (!summary) throw new Error('unreadable summary');
  renderWith(
    <SummaryView
      summary={summary}
      details={readTemplateDetails(templatesJson)}
      showRaw={showRaw}
      baselineEntryId={baselineEntryId}
    />,
  );
}

describe('SummaryView', () => {
  it('offers the values behind each wildcard and the first error sample to engineers', async () => {
    show(true);
    expect(screen.getByText('db down after 300 ms')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Show values of template T1' }));
    expect(screen.getByText(/zebra-4821 \(6×\)/)).toBeTruthy();
  });

  it('shows HR the templates without any raw text', () => {
    show(false);
    expect(screen.getByText('logged in', { exact: false })).toBeTruthy();
    expect(document.body.textContent).not.toContain('zebra-4821');
    expect(document.body.textContent).not.toContain('db down after 300 ms');
    expect(screen.queryByRole('button', { name: /Show values/ })).toBeNull();
  });

  it('leads with the headline the worker wrote, and shows its incidents and HTTP breakdown', () => {
    show(true, {
      ...summaryJson,
      headline: 'Database outage 10:30–10:40: 10 errors, then recovery',
      errors: { total: 12, inferred: 2 },
      incidents: [
        {
          kind: 'errors',
          start: '2026-01-01T10:30:00Z',
          end: '2026-01-01T10:40:00Z',
          durationSeconds: 600,
          lines: 14,
          errors: 10,
          factor: 9.5,
          templates: [{ id: 'T2', template: 'db down after <NUM> ms', count: 10, errors: 10, new: true }],
          http5xx: [{ name: '503 POST /api/checkout', lines: 4 }],
        },
      ],
      http: {
        requests: 200,
        statusClasses: { '2xx': 190, '5xx': 10 },
        statusCodes: [{ code: 503, count: 10 }],
        latencyMs: { count: 200, p50: 12, p95: 840, p99: 1200, max: 2000 },
        endpoints: [{ endpoint: 'POST /api/checkout', requests: 40, statusClasses: {}, errorRate: 0.25 }],
        otherEndpointRequests: 0,
      },
    });
    expect(screen.getByTestId('summary-headline').textContent).toBe(
      'Database outage 10:30–10:40: 10 errors, then recovery',
    );
    const incidents = screen.getByRole('region', { name: 'Incidents' }).textContent ?? '';
    expect(incidents).toContain('Error surge: 10 errors in 10 min, 9.5× the usual');
    expect(incidents).toContain('503 POST /api/checkout (4)');
    const http = screen.getByRole('region', { name: 'HTTP' });
    expect(http.textContent).toContain('840 ms');
    expect(screen.getByRole('progressbar', { name: '5xx rate of POST /api/checkout: 25%' })).toBeTruthy();
    expect(screen.getByText('12')).toBeTruthy();
  });

  it('says the status was not logged for requests quoted without an answer, instead of 0 5xx', () => {
    show(true, {
      ...summaryJson,
      http: {
        requests: 270,
        statusClasses: {},
        statusCodes: [],
        endpoints: [{ endpoint: 'GET /api/orders', requests: 180, statusClasses: {}, errorRate: 0 }],
        otherEndpointRequests: 0,
      },
    });
    const http = screen.getByRole('region', { name: 'HTTP' });
    expect(http.textContent).toContain('status not logged');
    expect(screen.queryByRole('progressbar', { name: /5xx rate of/ })).toBeNull();
  });

  it('says "usually none" for an incident whose windows usually have nothing, as the headline does', () => {
    show(true, {
      ...summaryJson,
      incidents: [
        {
          kind: 'errors',
          start: '2026-01-01T10:30:00Z',
          end: '2026-01-01T10:40:00Z',
          durationSeconds: 600,
          lines: 13,
          errors: 13,
          usual: 0,
          factor: 13,
          templates: [],
          http5xx: [],
        },
      ],
    });
    const incidents = screen.getByRole('region', { name: 'Incidents' }).textContent ?? '';
    expect(incidents).toContain('Error surge: 13 errors in 10 min, usually none');
    expect(incidents).not.toContain('13× the usual');
  });

  it("says how many of an error template's lines are errors, at what level and why", () => {
    const requests = {
      id: 'T7',
      template: 'request <*> completed status=<NUM>',
      count: 1200,
      share: 0.6,
      level: 'INFO',
      firstLine: 3,
      errors: { lines: 20, level: 12, http5xx: 20, wording: 0 },
    };
    const gateway = {
      id: 'T8',
      template: 'upstream answered <NUM>',
      count: 40,
      share: 0.02,
      level: 'INFO',
      firstLine: 9,
      errors: { lines: 40, level: 0, http5xx: 40, wording: 0 },
    };
    const crash = {
      id: 'T9',
      template: 'db down after <NUM> ms',
      count: 10,
      share: 0.01,
      level: 'ERROR',
      firstLine: 31,
      errors: { lines: 10, level: 10, http5xx: 0, wording: 0 },
    };
    show(false, {
      ...summaryJson,
      errors: { total: 80, inferred: 0 },
      errorTemplates: [requests, gateway, crash],
    });
    const table = screen.getByRole('region', { name: 'Errors templates' });
    const rows = [...table.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent),
    );
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'Template',
      'Errors',
      'Share of errors',
      'Level',
    ]);
    expect(screen.getByRole('progressbar', { name: 'Share of error lines: 25%' })).toBeTruthy();
    // Why, count, share of the log's 80 errors, and level: not "INFO 1,200" beside its 60% of the log's lines.
    expect(rows[0]?.slice(0, 4)).toEqual([
      'request <*> completed status=<NUM>Errors by level ERROR (12 lines), HTTP 5xx',
      '20 errorsof 1,200 lines',
      '25%',
      'ERROR',
    ]);
    expect(rows[1]?.slice(0, 4)).toEqual([
      'upstream answered <NUM>Errors by HTTP 5xx',
      '40 errorsof 40 lines',
      '50%',
      '5xx',
    ]);
    // Errors by their level alone need no why.
    expect(rows[2]?.slice(0, 4)).toEqual(['db down after <NUM> ms', '10 errorsof 10 lines', '13%', 'ERROR']);
  });

  it('says how many lines of a warning template warned, at WARN, beside one whose every line warned', () => {
    const pool = { ...template, id: 'T4', template: 'pool stats active=<NUM>', count: 80, warnings: 23 };
    const retry = { ...template, id: 'T5', template: 'retrying <*>', count: 5, level: 'WARN', warnings: 5 };
    show(false, { ...summaryJson, warningTemplates: [pool, retry] });
    const table = screen.getByRole('region', { name: 'Warnings templates' });
    const rows = [...table.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent),
    );
    expect(table.querySelector('thead th:nth-child(2)')?.textContent).toBe('Warnings');
    expect(rows[0]?.[1]).toBe('23 warningsof 80 lines');
    expect(rows[0]?.[3]).toBe('WARN');
    expect(rows[1]?.[1]).toBe('5');
    expect(rows[1]?.[3]).toBe('WARN');
  });

  it('shows the lines of an error template from a summary made before errors were counted per template', () => {
    show(true, { ...summaryJson, errorTemplates: [{ ...template, id: 'T2', level: 'ERROR', count: 10 }] });
    const table = screen.getByRole('region', { name: 'Errors templates' });
    expect(table.querySelector('thead')?.textContent).toContain('Lines');
    expect(table.querySelector('tbody td:nth-child(2)')?.textContent).toBe('10');
    expect(table.querySelector('tbody td:nth-child(4)')?.textContent).toBe('ERROR');
  });

  it('links the earlier log of the same source it was compared with, instead of naming its id', () => {
    const id = '264f1c84-4882-41b4-b571-8198602c8354';
    const changes = {
      baseline: { lines: 40, durationSeconds: 60, label: `entry ${id} (2026-12-07T06:19:35.941Z)` },
      new: [],
      louder: [],
      quieter: [],
      gone: [],
    };
    show(true, { ...summaryJson, changes }, id);
    const section = screen.getByRole('region', { name: 'Since the previous log' });
    expect(section.textContent).not.toContain(id);
    expect(section.textContent).toMatch(/Compared with the previous log of this source, uploaded .*2026/);
    expect(screen.getByRole('link', { name: 'the previous log of this source' }).getAttribute('href')).toBe(
      `/logs/${id}`,
    );
  });

  it('shows the durations the lines name per template, one unit per row, and no section without them', () => {
    const report = 'REPORT RequestId: <UUID> Duration: <NUM> ms Billed Duration: <NUM> ms';
    show(false, {
      ...summaryJson,
      durations: [
        {
          id: 'T8',
          template: report,
          durationMs: { count: 81, p50: 130.4, p95: 3000, p99: 3000, max: 3001 },
        },
        {
          id: 'T3',
          template: 'batch done took=<*>',
          durationMs: { count: 4, p50: 61000, p95: 754112, p99: 754112, max: 754112 },
        },
      ],
    });
    const table = screen.getByRole('region', { name: 'Durations' });
    const rows = [...table.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent),
    );
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'Template',
      'Lines',
      'p50',
      'p95',
      'Max',
      'Unit',
    ]);
    expect(rows).toEqual([
      [report, '81', '130', '3,000', '3,001', 'ms'],
      ['batch done took=<*>', '4', '61', '754', '754', 's'],
    ]);
  });

  it('leaves the durations section out of a summary whose lines name none', () => {
    show(true, { ...summaryJson, durations: [] });
    expect(screen.queryByRole('region', { name: 'Durations' })).toBeNull();
    show(true, summaryJson);
    expect(screen.queryByRole('region', { name: 'Durations' })).toBeNull();
  });

  it('gives times from the log in UTC to the second, as its headline and chart do, never as raw ISO text', () => {
    show(true, {
      ...summaryJson,
      headline: 'An error surge between 2008-11-10 10:30:26 and 10:40:00 UTC',
      timeSpan: { start: '2008-11-09T20:36:01Z', end: '2008-11-11T10:20:59Z', durationSeconds: 135_898 },
      firstError: { ...summaryJson.firstError, time: '2008-11-10T10:30:26Z' },
      newTemplates: [{ ...template, id: 'T3', firstSeen: '2008-11-11T05:03:34.000Z' }],
      incidents: [
        {
          kind: 'errors',
          start: '2008-11-10T10:30:26Z',
          end: '2008-11-10T10:40:00Z',
          durationSeconds: 574,
          lines: 14,
          errors: 10,
          factor: 9.5,
          templates: [],
          http5xx: [],
        },
      ],
    });
    const incidents = screen.getByRole('region', { name: 'Incidents' }).textContent ?? '';
    expect(incidents).toContain('Nov 10, 2008, 10:30:26 AM UTC');
    const page = document.body.textContent ?? '';
    expect(page).toContain('From Nov 9, 2008, 8:36:01 PM UTC to Nov 11, 2008, 10:20:59 AM UTC');
    expect(page).toContain('Line 31, Nov 10, 2008, 10:30:26 AM UTC');
    const firstSeen = screen.getByRole('region', { name: /First seen near the end/ });
    expect(firstSeen.querySelector('tbody td:nth-child(3)')?.textContent).toBe(
      'Nov 11, 2008, 5:03:34 AM UTC',
    );
    expect(page).not.toContain('2008-11-11T05:03:34');
  });

  it('shows the times of a log that wrote no time zone as written, not as UTC, and says so once', () => {
    show(true, {
      ...summaryJson,
      headline: 'An error surge between 2008-11-10 10:30:26 and 10:40:00',
      timeSpan: {
        start: '2008-11-09T20:36:01Z',
        end: '2008-11-11T10:20:59Z',
        durationSeconds: 135_898,
        zone: 'none',
      },
      firstError: { ...summaryJson.firstError, time: '2008-11-10T10:30:26Z' },
      newTemplates: [{ ...template, id: 'T3', firstSeen: '2008-11-11T05:03:34.000Z' }],
      incidents: [
        {
          kind: 'errors',
          start: '2008-11-10T10:30:26Z',
          end: '2008-11-10T10:40:00Z',
          durationSeconds: 574,
          lines: 14,
          errors: 10,
          factor: 9.5,
          templates: [],
          http5xx: [],
        },
      ],
    });
    const page = document.body.textContent ?? '';
    // The log's own clock, never the viewer's zone: the hours are those written in the log.
    expect(page).toContain(
      'From Nov 9, 2008, 8:36:01 PM to Nov 11, 2008, 10:20:59 AM (times as written, no time zone in the log)',
    );
    expect(page.split('no time zone in the log').length).toBe(2);
    expect(page).toContain('Line 31, Nov 10, 2008, 10:30:26 AM');
    const incidents = screen.getByRole('region', { name: 'Incidents' }).textContent ?? '';
    expect(incidents).toContain('Nov 10, 2008, 10:30:26 AM');
    const firstSeen = screen.getByRole('region', { name: /First seen near the end/ });
    expect(firstSeen.querySelector('tbody td:nth-child(3)')?.textContent).toBe('Nov 11, 2008, 5:03:34 AM');
    expect(page).not.toContain('UTC');
  });

  it('names the redactions in words, as the summary text does, not by their keys', () => {
    show(true, {
      ...summaryJson,
      redactions: { total: 37, byKind: { homeDirectory: 35, ipv4: 2, email: 0 } },
    });
    const page = document.body.textContent ?? '';
    expect(page).toContain('Redactions: 37 · home directories 35 · IPv4 addresses 2');
    expect(page).not.toContain('homeDirectory');
    expect(page).not.toContain('e-mail');
  });
});
