import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary.ts';
import { INCIDENT_LOGS, incidentText } from './incident-fixtures.ts';

const sentences = (text: string): string[] => text.split(/(?<=[.!?])\s+(?=[A-Z0-9])/);

describe('headline', () => {
  it.each(INCIDENT_LOGS)(
    'says what failed, when and how much in 1-3 sentences, citing real ids (%s)',
    (name) => {
      const { summary, templates } = summarizeLog(incidentText(name));
      const h = summary.headline;
      expect(sentences(h).length).toBeGreaterThanOrEqual(1);
      expect(sentences(h).length).toBeLessThanOrEqual(3);
      expect(h).toMatch(/\d+ errors/);
      expect(h).toMatch(/between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d and \d\d:\d\d:\d\d/);
      // UTC is said only of times that wrote their zone.
      expect(h.includes(' UTC')).toBe(summary.timeSpan?.zone === 'written');
      expect(h).toMatch(/peaking at [\d.,]+ errors\/min/);
      const ids = [...h.matchAll(/\[(T\d+)\]/g)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(templates.map((t) => t.id)).toContain(id);
      expect(renderSummaryText(summary).startsWith(`${h}\n`)).toBe(true);
    },
  );

  it('names the host of an error burst only when most of its lines are on that host', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    const at = (sec: number) =>
      `Mar  1 ${pad(8 + Math.floor(sec / 3600))}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
    const log = (burstHost: (i: number) => string) =>
      [
        ...Array.from({ length: 720 }, (_, i): [number, string] => [
          i * 10,
          `web-${pad(i % 12)} app[12]: request served in ${i % 50} ms`,
        ]),
        ...Array.from({ length: 200 }, (_, i): [number, string] => [
          5400 + Math.floor(i / 2),
          `${burstHost(i)} app[12]: ERROR connection refused to db`,
        ]),
      ]
        .sort((a, b) => a[0] - b[0])
        .map(([sec, text]) => `${at(sec)} ${text}`)
        .join('\n');
    // Spread over twelve hosts, the busiest holds a twelfth of the burst: it is not where the burst is.
    const spread = summarizeLog(log((i) => `web-${pad(i % 12)}`)).summary.headline;
    expect(spread).toMatch(/\[T\d+\] on app\.$/);
    const one = summarizeLog(log(() => 'web-07')).summary.headline;
    expect(one).toMatch(/\[T\d+\] on <HOST#\d+> \/ app\.$/);
  });

  it('counts no host for a header host field that names none (BGL writes NULL)', () => {
    const bgl = readFileSync(join(import.meta.dirname, '../../fixtures/logs/BGL_sample.log'), 'utf8');
    expect(bgl).toMatch(/ NULL RAS /);
    const { summary } = summarizeLog(bgl);
    expect(summary.topHosts.length).toBeGreaterThan(0);
    expect(summary.topHosts.map((h) => h.name)).not.toContain('NULL');
  });

  it('names the failing endpoint and status of an access log, and the share of 5xx', () => {
    const h = summarizeLog(incidentText('nginx-5xx-spike')).summary.headline;
    expect(h).toContain('(HTTP 5xx responses)');
    // 20 and 19 of the 49: neither is "mostly" the burst.
    expect(h).toMatch(/led by 503 (POST \/api\/checkout|GET \/api\/orders\/\{id\}) \(\d+\), then 503 /);
    expect(h).toMatch(/\d+ of 1,931 HTTP requests failed with 5xx \(2\.5%\), most on POST \/api\/checkout/);
  });

  it('says what is new in a cascading failure', () => {
    const h = summarizeLog(incidentText('java-cascade')).summary.headline;
    expect(h).toContain('Failed to place order');
    expect(h).toMatch(
      /First seen during an incident: “Checkout failed for cart <NUM>: upstream timeout” \[T\d+\]/,
    );
  });

  it('says when errors were recognised from wording because the log has no levels', () => {
    const h = summarizeLog(incidentText('k8s-syslog-oom')).summary.headline;
    expect(h).toContain('(recognised from wording: the log has no levels)');
  });

  it('says there were no errors, and what dominates, when nothing failed', () => {
    const raw = Array.from(
      { length: 50 },
      (_, i) => `2024-05-01 10:00:${String(i).padStart(2, '0')} INFO tick ${i}`,
    );
    expect(summarizeLog(raw.join('\n')).summary.headline).toBe(
      'No errors in 50 lines over 49 s; most frequent: “tick <NUM>” [T1] (100%).',
    );
  });

  it('says "mostly" only for a template with at least half of the warnings, else which one leads', () => {
    const log = (counts: [string, number][]) =>
      counts
        .flatMap(([what, n]) => Array.from({ length: n }, () => what))
        .map((what, i) => `2024-05-01 10:00:${String(i).padStart(2, '0')} WARN ${what} ${i}`)
        .join('\n');
    const spread = log([
      ['disk nearly full on', 4],
      ['retrying upload of chunk', 3],
      ['slow response from billing', 3],
    ]);
    expect(summarizeLog(spread).summary.headline).toContain(
      '10 warnings, led by “disk nearly full on <NUM>”',
    );
    const one = log([
      ['disk nearly full on', 6],
      ['retrying upload of chunk', 4],
    ]);
    expect(summarizeLog(one).summary.headline).toContain('10 warnings, mostly “disk nearly full on <NUM>”');
  });

  it('opens with a warning when the format given does not fit the lines', () => {
    const raw = ['2024-05-01 10:00:00 INFO a', '2024-05-01 10:00:01 ERROR b failed'].join('\n');
    const misfit = summarizeLog(raw, { format: '<Date> <Time> <Level> <Component>: <Content>' }).summary;
    expect(misfit.headline).toMatch(
      /^The format given fits none of the lines, so times, levels and components/,
    );
    const fits = summarizeLog(raw, { format: '<Date> <Time> <Level> <Content>' }).summary;
    expect(fits.headline).toMatch(/^1 error in 2 lines over 1 s/);
  });

  it('counts one error in the singular', () => {
    const raw = ['2024-05-01 10:00:00 ERROR disk failed', '2024-05-01 10:00:01 INFO ok'].join('\n');
    expect(summarizeLog(raw).summary.headline).toMatch(/^1 error in 2 lines over 1 s; /);
  });

  it('says how many lines held bytes that are not UTF-8, which the reader shows as U+FFFD', () => {
    const raw = ['2024-05-01 10:00:00 INFO caf\uFFFD open', '2024-05-01 10:00:01 INFO ok'].join('\n');
    const { summary } = summarizeLog(raw);
    expect(summary.lines.notUtf8).toBe(1);
    expect(renderSummaryText(summary)).toContain('1 with bytes that are not UTF-8, shown as �');
  });

  it('says the lines share one timestamp rather than that they span 0 ms', () => {
    const raw = Array.from({ length: 30 }, (_, i) => `2024-05-01 10:00:00 ERROR request ${i} failed`);
    expect(summarizeLog(raw.join('\n')).summary.headline).toMatch(
      /^30 errors in 30 lines, all with one timestamp; most frequent: /,
    );
  });

  it('leads with errors spread over the log, not with a start-up surge that has none of them', () => {
    const at = (seconds: number) =>
      new Date(Date.UTC(2024, 4, 1, 10) + seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const raw = Array.from({ length: 150 }, (_, i) => `${at(i / 15)} INFO registering handler ${i}`);
    for (let s = 10; s < 900; s += 5)
      raw.push(
        `${at(s)} ${s % 20 === 0 ? 'ERROR cannot contact the resource manager' : 'INFO heartbeat ok'}`,
      );
    const [first, second] = sentences(summarizeLog(raw.join('\n')).summary.headline);
    expect(first).toMatch(
      /^44 errors in 328 lines over 15 min; most frequent: “cannot contact the resource manager” \[T\d+\] \(44×\), first at 2024-05-01 10:00:20\.$/,
    );
    // The surge is still told, by what it is made of.
    expect(second).toMatch(
      /^A surge of \d+ lines between 10:00:00 and .*, mostly “registering handler <NUM>” \[T\d+\]\.$/,
    );
  });

  it('names the warnings of an error-free log before anything else', () => {
    const raw = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? `2024-05-01 10:00:${String(i).padStart(2, '0')} WARN disk /data at ${80 + (i % 7)}% full`
        : `2024-05-01 10:00:${String(i).padStart(2, '0')} INFO tick ${i}`,
    );
    expect(summarizeLog(raw.join('\n')).summary.headline).toMatch(
      /^No errors in 40 lines over 39 s; 10 warnings, mostly “disk <PATH> at <NUM>% full” \[T\d+\] \(10×\)\.$/,
    );
  });
});
