import { describe, expect, it } from 'vitest';
import { formatDuration, formatLogTime } from './format.ts';

describe('formatDuration', () => {
  it('writes whole seconds without a decimal, and keeps one for a fraction under 10 s', () => {
    expect(formatDuration(5)).toBe('5 s');
    expect(formatDuration(2.5)).toBe('2.5 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3725)).toBe('1 h 2 min');
  });
});

describe('formatLogTime', () => {
  it('writes a time from a log in UTC to the second, whatever the viewer’s zone', () => {
    expect(formatLogTime('2008-11-10T10:30:26Z')).toBe('Nov 10, 2008, 10:30:26 AM UTC');
    expect(formatLogTime('not a time')).toBe('not a time');
    expect(formatLogTime(null)).toBe('—');
  });

  it('calls UTC only the times of a log that wrote their zone, and shows the others as written', () => {
    expect(formatLogTime('2008-11-10T10:30:26Z', 'written')).toBe('Nov 10, 2008, 10:30:26 AM UTC');
    expect(formatLogTime('2008-11-10T10:30:26Z', 'none')).toBe('Nov 10, 2008, 10:30:26 AM');
    expect(formatLogTime('2008-11-10T10:30:26Z', 'mixed')).toBe('Nov 10, 2008, 10:30:26 AM');
  });
});
