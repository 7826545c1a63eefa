/**
 * Whether a log's times wrote their zone (`timeSpan.zone`), and that no output calls the writer's clock UTC:
 * syslog and log4j write none (the machine's local time, usually), `Z`/`+02:00`, epoch numbers and W3C logs
 * (UTC by specification) are UTC.
 */
import { describe, expect, it } from 'vitest';
import { buildLogDigest } from '../../../lambdas/core/llm/log-digest.ts';
import { type LogSummary, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary-text.ts';
import { parseTimestamp, TimestampReader } from '../../../lambdas/core/logs/timestamp.ts';

const RECEIVED = Date.UTC(2026, 6, 10);
const summarize = (lines: string[]) => summarizeText(lines.join('\n'), { receivedAt: RECEIVED });
const summaryOf = (lines: string[]): LogSummary => summarize(lines).summary;

const two = (n: number): string => String(n).padStart(2, '0');
/** Minute `i` of 23:00 on 4 July, then past midnight. */
const clock = (i: number): { day: number; time: string } => ({
  day: 4 + Math.floor((23 * 60 + i) / 1440),
  time: `${two(Math.floor((23 * 60 + i) / 60) % 24)}:${two(i % 60)}:10`,
});

/** A syslog of sshd failures, a burst of them from 23:40: `Jul  4 23:10:10 host sshd[12]: …`. */
function syslog(): string[] {
  return Array.from({ length: 120 }, (_, i) => {
    const { day, time } = clock(i);
    const failing = i >= 40 && i < 50;
    const message = failing
      ? `error: connection from 10.0.0.${i} refused`
      : `session opened for user u${i % 7}`;
    return `Jul ${day === 4 ? ' 4' : ' 5'} ${time} web-1 sshd[${100 + (i % 9)}]: ${message}`;
  });
}

/** The same events with ISO times that end in `Z`, and a level. */
function isoZ(): string[] {
  return Array.from({ length: 120 }, (_, i) => {
    const { day, time } = clock(i);
    const failing = i >= 40 && i < 50;
    const what = failing
      ? `ERROR connection from 10.0.0.${i} refused`
      : `INFO session opened for user u${i % 7}`;
    return `2026-07-0${day}T${time}.000Z ${what}`;
  });
}

/** JSON lines whose time is epoch milliseconds. */
function jsonEpoch(): string[] {
  return Array.from({ length: 120 }, (_, i) => {
    const failing = i >= 40 && i < 50;
    return JSON.stringify({
      ts: Date.UTC(2026, 6, 4, 23, i, 10),
      level: failing ? 'error' : 'info',
      msg: failing ? 'connection refused' : `session opened for user u${i % 7}`,
    });
  });
}

describe('time zones: times that wrote none are not called UTC', () => {
  it('marks a syslog, which writes no zone, as zone none and says no UTC in its text', () => {
    const summary = summaryOf(syslog());
    expect(summary.timeSpan?.zone).toBe('none');
    // Still read as UTC to order them: the JSON's instants are unchanged.
    expect(summary.timeSpan?.start).toBe('2026-07-04T23:00:10.000Z');
    expect(summary.headline).toMatch(/between 2026-07-04 23:40:10 and 23:49:10,/);
    const text = renderSummaryText(summary);
    const note = '\n  Timestamps carry no time zone: times are as written, not UTC.\n';
    expect(text).toContain(note);
    expect(text.replace(note, '\n')).not.toContain('UTC');
    expect(text).toContain('Log: 120 lines from 2026-07-04T23:00:10.000 to 2026-07-05T00:59:10.000 (');
    expect(text).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });

  it('keeps UTC for ISO times that end in Z', () => {
    const summary = summaryOf(isoZ());
    expect(summary.timeSpan?.zone).toBe('written');
    expect(summary.headline).toMatch(/between 2026-07-04 23:40:10 and 23:49:10 UTC/);
    const text = renderSummaryText(summary);
    expect(text).toContain('Log: 120 lines from 2026-07-04T23:00:10.000Z to 2026-07-05T00:59:10.000Z');
    expect(text).not.toContain('carry no time zone');
  });

  it('keeps UTC for JSON lines whose times are epoch numbers', () => {
    const summary = summaryOf(jsonEpoch());
    expect(summary.timeSpan?.zone).toBe('written');
    expect(summary.headline).toContain(' UTC');
  });

  it('reads a W3C log as UTC, as its specification writes times, though they carry no zone', () => {
    const lines = [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Version: 1.0',
      '#Date: 2024-05-01 10:00:00',
      '#Fields: date time s-ip cs-method cs-uri-stem sc-status time-taken',
      ...Array.from(
        { length: 60 },
        (_, i) =>
          `2024-05-01 10:${two(i)}:00 10.0.0.5 GET /api/orders ${i >= 30 && i < 40 ? 500 : 200} ${100 + i}`,
      ),
    ];
    const summary = summaryOf(lines);
    expect(summary.header.kind).toBe('w3c');
    expect(summary.timeSpan?.zone).toBe('written');
    expect(renderSummaryText(summary)).not.toContain('carry no time zone');
  });

  it('reads a W3C log that says `#Time Format: Local` (Windows Firewall) as zone none', () => {
    const lines = [
      '#Version: 1.5',
      '#Software: Microsoft Windows Firewall',
      '#Time Format: Local',
      '#Fields: date time action protocol src-ip dst-ip src-port dst-port size path',
      ...Array.from(
        { length: 40 },
        (_, i) =>
          `2024-05-01 10:${two(i)}:00 ${i % 4 === 0 ? 'DROP' : 'ALLOW'} TCP 10.0.0.${i} 10.0.0.1 5${two(i)}0 443 60 RECEIVE`,
      ),
    ];
    const summary = summaryOf(lines);
    expect(summary.header.kind).toBe('w3c');
    expect(summary.timeSpan?.zone).toBe('none');
  });

  it("reads PostgreSQL's `UTC` column as the time's zone, and a zone it does not convert (CET) as none", () => {
    const pg = (zone: string) =>
      Array.from(
        { length: 40 },
        (_, i) =>
          `2024-05-01 10:00:${two(i)}.500 ${zone} [${60 + (i % 3)}] LOG:  checkpoint complete: wrote ${i} buffers`,
      );
    const utc = summaryOf(pg('UTC'));
    expect(utc.timeSpan?.zone).toBe('written');
    expect(utc.timeSpan?.start).toBe('2024-05-01T10:00:00.500Z');
    expect(summaryOf(pg('CET')).timeSpan?.zone).toBe('none');
  });

  it('says some times carry no zone when lines of one log differ', () => {
    const lines = jsonEpoch().map((line, i) => {
      if (i % 2 === 0) return line;
      const record = JSON.parse(line) as { ts: number };
      return JSON.stringify({
        ...record,
        ts: new Date(record.ts).toISOString().slice(0, 19).replace('T', ' '),
      });
    });
    const summary = summaryOf(lines);
    expect(summary.timeSpan?.zone).toBe('mixed');
    expect(summary.headline).not.toContain('UTC');
    expect(renderSummaryText(summary)).toContain(
      '\n  Some timestamps carry no time zone: times are as written, not all UTC.\n',
    );
  });

  it('marks an Event Viewer CSV export, written in the machine clock, as zone none', () => {
    const lines = [
      'Level,Date and Time,Source,Event ID,Task Category,Message',
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `${i % 5 === 0 ? 'Error' : 'Information'},5/1/2024 10:${two(i)}:00 AM,Service Control Manager,7036,None,"The service ${i} entered the running state."`,
      ),
    ];
    const summary = summaryOf(lines);
    expect(summary.header.kind).toBe('csv');
    expect(summary.timeSpan?.zone).toBe('none');
  });

  it("tells the model a zone-less log's times are not UTC, and writes them without Z", () => {
    const { summary, templates } = summarize(syslog());
    const header = buildLogDigest(summary, templates).header;
    expect(header).toContain(
      'time: 2026-07-04T23:00:10.000 → 2026-07-05T00:59:10.000 (1h 59m; times as written: the log gives no time zone, they are not UTC)',
    );
    expect(header).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    const zoned = summarize(isoZ());
    expect(buildLogDigest(zoned.summary, zoned.templates).header).toContain(
      'time: 2026-07-04T23:00:10.000Z → 2026-07-05T00:59:10.000Z (1h 59m)',
    );
  });
});

describe('timestamps report whether they wrote their zone', () => {
  it('parses Z, UTC, offsets and epoch numbers as zoned, and local times as not', () => {
    const zoned = (text: string) => parseTimestamp(text, 2026)?.zoned;
    expect(zoned('2015-10-18 18:01:47,978')).toBe(false);
    expect(zoned('Jun 14 15:16:01')).toBe(false);
    expect(zoned('2017-05-16T00:00:00.008Z')).toBe(true);
    expect(zoned('2024-05-01 10:00:01.500 UTC')).toBe(true);
    expect(zoned('10/Oct/2000:13:55:36 -0700')).toBe(true);
    expect(zoned('2024-05-01T10:00:00+02:00')).toBe(true);
    expect(zoned('1714557603.715')).toBe(true);
  });

  it('counts zones on the fast path that reuses a layout, as on the first text', () => {
    const reader = new TimestampReader(2026);
    for (const s of ['01', '02', '03']) reader.read(`2024-05-01T10:00:${s}.000Z`);
    for (const s of ['01', '02']) reader.read(`2024-05-01 10:00:${s},000`);
    expect({ written: reader.zones.written, none: reader.zones.none }).toEqual({ written: 3, none: 2 });
  });
});
