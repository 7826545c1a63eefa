import { describe, expect, it } from 'vitest';
import {
  type Census,
  compareCensus,
  instanceOf,
  normaliseTemplate,
} from '../../../lambdas/core/logs/baseline.ts';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary.ts';

const census = (durationSeconds: number | null, rows: [string, number, number?][]): Census => ({
  lines: rows.reduce((n, [, c]) => n + c, 0),
  durationSeconds,
  complete: true,
  templates: rows.map(([template, count, errors], i) => ({
    id: `T${i + 1}`,
    template,
    count,
    errors: errors ?? 0,
  })),
});

describe('compareCensus', () => {
  const before = census(3600, [
    ['request served in <DURATION>', 1000],
    ['cache miss for <*>', 60],
    ['slow query took <DURATION>', 30],
    ['nightly backup started', 6],
  ]);

  it('finds new, louder, quieter and gone templates, rates normalised by time', () => {
    // Half an hour now: the same rate is half the count.
    const now = census(1800, [
      ['request served in <NUM> ms', 500],
      ['cache miss for <ID>', 95],
      ['slow query took <DURATION>', 2],
      ['connection refused by <HOST>', 40, 40],
    ]);
    const changes = compareCensus(now, before, 'yesterday.log');
    expect(changes.basis).toBe('time');
    expect(changes.new).toEqual([
      {
        id: 'T4',
        template: 'connection refused by <HOST>',
        count: 40,
        baselineCount: 0,
        errors: 40,
        factor: null,
      },
    ]);
    expect(changes.louder).toEqual([
      { id: 'T2', template: 'cache miss for <ID>', count: 95, baselineCount: 60, errors: 0, factor: 3.17 },
    ]);
    expect(changes.quieter).toEqual([
      {
        id: 'T3',
        template: 'slow query took <DURATION>',
        count: 2,
        baselineCount: 30,
        errors: 0,
        factor: 0.13,
      },
    ]);
    // 6 a night-hour predicts 3 in half an hour: gone is news; a template predicted below 3 would not be.
    expect(changes.gone.map((t) => [t.template, t.baselineCount])).toEqual([['nightly backup started', 6]]);
  });

  it('normalises by lines when a log has no time span, and ignores small wobbles', () => {
    const now = census(null, [
      ['request served in <DURATION>', 900],
      ['cache miss for <*>', 100],
      ['slow query took <DURATION>', 25],
      ['nightly backup started', 4],
    ]);
    const changes = compareCensus(now, before);
    expect(changes.basis).toBe('lines');
    expect([changes.new, changes.louder, changes.quieter, changes.gone]).toEqual([[], [], [], []]);
  });

  it('matches a template that is an instance of a wildcard template, either way round', () => {
    const now = census(3600, [['cache miss for user-42', 60]]);
    const base = census(3600, [['cache miss for <*>', 60]]);
    expect(compareCensus(now, base).new).toEqual([]);
    expect(compareCensus(base, now).new).toEqual([]);
    expect(instanceOf(['connect to ', ' refused'], 'connect to db-1 refused')).toBe(true);
    expect(instanceOf(['connect to ', ' refused'], 'connect to  refused')).toBe(false);
    expect(normaliseTemplate('a <NUM> <IP#2>, <*> b <HOST>')).toBe('a <*> b <*>');
  });

  it('does not call a rare template new when the baseline census was cut before it', () => {
    const base = { ...census(3600, [['a', 100]]), complete: false };
    const now = census(3600, [
      ['a', 100],
      ['b', 1],
      ['c', 500],
    ]);
    expect(compareCensus(now, base).new.map((t) => t.template)).toEqual(['c']);
  });
});

describe('summary against a baseline', () => {
  const day = (errors: boolean) => {
    const lines: string[] = [];
    for (let m = 0; m < 60; m++) {
      const t = `2024-05-0${errors ? 2 : 1} 10:${String(m).padStart(2, '0')}`;
      for (let s = 0; s < 60; s += 15)
        lines.push(`${t}:${String(s).padStart(2, '0')} INFO api: served order ${m * 60 + s}`);
      if (!errors && m % 10 === 0) lines.push(`${t}:30 INFO cron: rotated logs`);
      if (errors && m >= 30) lines.push(`${t}:31 ERROR db: deadlock detected on table orders`);
    }
    return lines.sort().join('\n');
  };

  it('lists what changed, says it in the headline and the text', () => {
    const baseline = summarizeLog(day(false)).summary;
    const { summary } = summarizeLog(day(true), {
      baseline: { census: baseline.census, label: 'yesterday' },
    });
    expect(summary.changes?.totals).toEqual({ new: 1, louder: 0, quieter: 0, gone: 1 });
    expect(summary.changes?.new[0]?.template).toBe('deadlock detected on table orders');
    expect(summary.changes?.gone[0]?.template).toBe('rotated logs');
    expect(summary.headline).toMatch(
      /Compared with yesterday: 1 new template, 1 gone, e\.g\. “deadlock detected on table orders” \[T\d+\]\./,
    );
    const text = renderSummaryText(summary);
    expect(text).toContain('Changes since yesterday (');
    expect(text).toMatch(/ {2}new \(1\):\n +30 +T\d+ +deadlock detected on table orders/);
    // A gone template's id is the baseline's, and the same id names another template of this log.
    const gone = summary.changes?.gone[0]?.id;
    expect(text).toMatch(new RegExp(` {2}gone \\(1\\):\\n +6 before +\\(was ${gone}\\) +rotated logs`));
  });

  it('says louder and quieter as lines and the rate, so that more lines can be quieter', () => {
    const before = summarizeLog(day(false)).summary;
    const lines = day(false).split('\n');
    // Twice the lines over ten times the hours: more "served order" lines, at a fifth of the rate.
    const spread = lines
      .filter((l) => l.includes('served order'))
      .flatMap((l) => [l, l.replace('10:', '11:')])
      .map((l, i) => l.replace('2024-05-01', `2024-05-0${1 + (i % 9)}`))
      .sort();
    const { summary } = summarizeLog(spread.join('\n'), {
      baseline: { census: before.census, label: 'yesterday' },
    });
    const text = renderSummaryText(summary);
    expect(text).toMatch(
      / {2}quieter \(1\):\n +240 → +480 lines \(0\.\d+× the rate\) +T\d+ +served order <NUM>/,
    );
  });

  it('keeps a census in every summary so that a stored summary can be the next baseline', () => {
    const { summary, templates } = summarizeLog(day(true));
    expect(summary.census.complete).toBe(true);
    expect(summary.census.templates.map((t) => t.id).sort()).toEqual(templates.map((t) => t.id).sort());
    expect(summary.census.durationSeconds).toBe(summary.timeSpan?.durationSeconds);
    expect(summary.census.templates.find((t) => t.errors > 0)?.errors).toBe(30);
  });
});
