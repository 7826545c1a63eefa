import { describe, expect, it } from 'vitest';
import { parseTimestamp, TimestampReader } from '../../../lambdas/core/logs/timestamp.ts';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Timestamps in several shapes, stepping through seconds, minutes and days so that every field changes. */
function series(format: (d: Date) => string): string[] {
  const out: string[] = [];
  let t = Date.UTC(2024, 1, 28, 23, 58, 50, 120);
  for (let i = 0; i < 400; i++) {
    out.push(format(new Date(t)));
    t += (i % 7) * 997 + (i % 50 === 0 ? 3_600_000 : 0);
  }
  return out;
}

const formats: Record<string, (d: Date) => string> = {
  iso: (d) => d.toISOString(),
  log4j: (d) =>
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}`,
  syslog: (d) =>
    `${['Jan', 'Feb', 'Mar'][d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  compact: (d) =>
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}:${pad(d.getUTCMilliseconds(), 3)}`,
  bracketed: (d) => `[${d.toISOString().replace('T', ' ').replace('Z', '')}]`,
  yearFirst: (d) =>
    `${d.getUTCFullYear()} ${['Jan', 'Feb', 'Mar'][d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
};

describe('a year written before the month name', () => {
  it("reads Cisco NX-OS's `2019 May 01 10:00:06` with its own year, not the default one", () => {
    expect(parseTimestamp('2019 May 01 10:00:06', 2024)?.ms).toBe(Date.UTC(2019, 4, 1, 10, 0, 6));
  });
});

describe('TimestampReader', () => {
  it.each(Object.keys(formats))('reads %s timestamps line after line as a fresh parse does', (name) => {
    const reader = new TimestampReader(2024);
    for (const text of series(formats[name] as (d: Date) => string)) {
      expect(reader.read(text)).toBe(parseTimestamp(text, 2024)?.ms);
    }
  });

  it('does not take a different text of the same length for the same minute', () => {
    const reader = new TimestampReader(2024);
    expect(reader.read('2024-05-01 10:00:07,123')).toBe(Date.UTC(2024, 4, 1, 10, 0, 7, 123));
    expect(reader.read('2024-05-01 10:01:07,123')).toBe(Date.UTC(2024, 4, 1, 10, 1, 7, 123));
    // Not digits where the seconds were: parsed afresh (the shape reads it as 10:01 without seconds).
    expect(reader.read('2024-05-01 10:01:0x,123')).toBe(parseTimestamp('2024-05-01 10:01:0x,123', 2024)?.ms);
    expect(reader.read('2024-05-01 10:01:09.500')).toBe(Date.UTC(2024, 4, 1, 10, 1, 9, 500));
  });
});

describe('time zone offsets', () => {
  it("reads an offset of hours alone glued to the time (PostgreSQL's timestamptz), in a fresh parse and line after line", () => {
    expect(parseTimestamp('2026-12-04 10:00:00+01', 2026)?.ms).toBe(Date.UTC(2026, 11, 4, 9));
    expect(parseTimestamp('2026-12-04 10:00:00.25-05', 2026)?.ms).toBe(Date.UTC(2026, 11, 4, 15, 0, 0, 250));
    const reader = new TimestampReader(2026);
    expect(reader.read('2026-12-04 10:00:00+05')).toBe(Date.UTC(2026, 11, 4, 5));
    expect(reader.read('2026-12-04 10:00:07+05')).toBe(Date.UTC(2026, 11, 4, 5, 0, 7));
    // Apart from the time, or after a date alone, two digits are no offset.
    expect(parseTimestamp('2026-12-04 10:00:00 -12', 2026)?.ms).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseTimestamp('2026-12-04-01.log', 2026)?.ms).toBe(Date.UTC(2026, 11, 4));
  });
});
