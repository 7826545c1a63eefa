import { describe, expect, it } from 'vitest';
import { renderSummaryText, summarizeLog } from '../../../lambdas/core/logs/index.ts';
import { sharesOfTotal } from '../../../lambdas/core/logs/summary-text.ts';
import {
  emptyRedactionCounts,
  REDACTION_KIND_NAMES,
  REDACTION_KINDS,
} from '../../../lambdas/core/redaction/index.ts';

describe('summary text shares', () => {
  it('rounds level shares so they add up to exactly 100%', () => {
    // 1,969 + 31 of 2,000 rounds naively to 98.5% + 1.6% = 100.1%.
    expect(sharesOfTotal([1969, 31])).toEqual(['98.5%', '1.5%']);
    const shares = sharesOfTotal([1, 1, 1]).map((s) => Number.parseFloat(s));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
  });

  it('gives 0.0% to every share of an empty total instead of dividing by zero', () => {
    expect(sharesOfTotal([0, 0])).toEqual(['0.0%', '0.0%']);
  });

  it('says "1 line" of a one-line log', () => {
    expect(renderSummaryText(summarizeLog('hello world').summary)).toContain('Log: 1 line (');
  });

  it('lists a template that warned on some of its lines at WARN with how many, not at its usual level', () => {
    const lines: string[] = [];
    for (let i = 0; i < 8; i++)
      lines.push(
        `2024-05-01 10:00:${String(10 + i).padStart(2, '0')} ${i % 4 === 3 ? 'WARN' : 'INFO'} pool stats active=${i}`,
      );
    for (let i = 0; i < 4; i++) lines.push(`2024-05-01 10:01:0${i} INFO user ${i} logged in`);
    const { summary } = summarizeLog(lines.join('\n'));
    const warned = summary.warningTemplates[0];
    expect(warned).toMatchObject({ level: 'INFO', count: 8, warnings: 2 });
    const text = renderSummaryText(summary);
    expect(text).toMatch(/Warning templates:\n {2}WARN +2 of 8 {2}T\d+ {2}pool stats active=<NUM>/);
    // The headline counts the template's warnings, not all its lines.
    expect(summary.headline).toContain(`(2×)`);
  });

  it('says no status was logged for requests quoted without one, instead of counting 0 of every class', () => {
    const lines = Array.from(
      { length: 6 },
      (_, i) =>
        `2024/05/01 10:00:0${i} [error] 12#0: *${i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.${i}, request: "GET /api/orders HTTP/1.1"`,
    );
    const text = renderSummaryText(summarizeLog(lines.join('\n')).summary);
    expect(text).toContain('HTTP: 6 requests · no status logged');
    expect(text).not.toContain('5xx 0');
  });

  it('gives no why for errors by their level alone: the level column says it', () => {
    const lines = Array.from(
      { length: 8 },
      (_, i) =>
        `2024-05-01 10:00:1${i} ${i % 2 ? 'ERROR' : 'INFO'} connection to db-${i} failed after ${i} retries`,
    );
    const text = renderSummaryText(summarizeLog(lines.join('\n')).summary);
    expect(text).toMatch(
      /Error templates:\n {2}ERROR +4 of 8 {2}T\d+ {2}connection to db-<NUM> failed after <NUM> retries\n/,
    );
  });

  it('names redaction kinds in words, never by their camelCase keys', () => {
    const lines = Array.from(
      { length: 4 },
      (_, i) =>
        `2024-05-01 10:00:0${i} INFO reading /home/alice${i}/.ssh/config for mail bob${i}@example.com`,
    );
    const text = renderSummaryText(summarizeLog(lines.join('\n')).summary);
    expect(text).toContain('Redactions: 8 (e-mail addresses 4, home directories 4);');
    expect(text).not.toContain('homeDirectory');
  });

  it('has one human name for every redaction kind, each written as text in the summary', () => {
    const { summary } = summarizeLog('2024-05-01 10:00:00 INFO started');
    const byKind = emptyRedactionCounts();
    for (const kind of REDACTION_KINDS) byKind[kind] = 1;
    const text = renderSummaryText({ ...summary, redactions: { ...summary.redactions, byKind } });
    const names = REDACTION_KINDS.map((kind) => REDACTION_KIND_NAMES[kind]);
    expect(new Set(names).size).toBe(REDACTION_KINDS.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9 -]*[a-z]$/);
      expect(name).not.toMatch(/[a-z][A-Z]/);
      expect(text).toContain(`${name} 1`);
    }
  });

  it("aligns an incident's templates: one time format per incident, and how many were errors in words", () => {
    const rowsOf = (burstStart: string) => {
      const lines: string[] = [];
      const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
      const t0 = Date.parse('2024-05-01T00:00:00Z');
      for (let m = 0; m < 2 * 24 * 60; m += 10)
        lines.push(`${stamp(t0 + m * 60_000)} INFO heartbeat ok seq=${m}`);
      for (let i = 0; i < 40; i++) {
        const at = stamp(Date.parse(burstStart) + i * 30_000);
        lines.push(
          i % 4 === 0 ? `${at} WARN disk latency high on vol ${i}` : `${at} ERROR write failed on vol ${i}`,
        );
        if (i === 1) lines.push(`${at} ERROR disk latency high on vol ${i}`);
      }
      lines.sort();
      const text = renderSummaryText(summarizeLog(lines.join('\n')).summary);
      return text.split('\n').filter((line) => /^ {7}\S.* T\d+ {2}(disk|write)/.test(line));
    };
    // Across midnight: every row has the date, so the column keeps one width.
    expect(rowsOf('2024-05-01T23:50:00Z')).toEqual([
      '       2024-05-01 23:50:00     11×  1 error     T2  disk latency high on vol <NUM>',
      '       2024-05-01 23:50:30     30×  all errors  T3  write failed on vol <NUM>  (first seen here)',
    ]);
    // Within a day: the time of day alone.
    expect(rowsOf('2024-05-01T12:00:00Z')).toEqual([
      '       12:00:00     11×  1 error     T2  disk latency high on vol <NUM>',
      '       12:00:30     30×  all errors  T3  write failed on vol <NUM>  (first seen here)',
    ]);
  });
});
