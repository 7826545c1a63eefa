import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnalyzerOptions, LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { LogStats } from '../../../lambdas/core/logs/stats.ts';
import { scoreParsing } from '../../../scripts/log-metrics.ts';
import { FIXTURES } from './fixtures.ts';

/** Hand-made logs in styles the Loghub development set lacks (see test/fixtures/logs/handmade/README.md). */
const LOGS = [
  'nginx_access',
  'json_app',
  'java_app',
  'syslog_hosts',
  'k8s_logfmt',
  'python_app',
  'apache_error',
  'android_logcat',
  'proxy_connections',
] as const;

const read = (file: string): string[] => {
  const lines = readFileSync(join(FIXTURES, 'handmade', file), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

function analyse(
  name: string,
  options: AnalyzerOptions = {},
): { analyzer: LogAnalyzer; ids: number[]; texts: string[]; truth: string[] } {
  const analyzer = new LogAnalyzer(options);
  const ids: number[] = [];
  analyzer.onLine = (_line, cluster) => ids.push(cluster);
  for (const line of read(`${name}.log`)) analyzer.push(line);
  analyzer.end();
  return {
    analyzer,
    ids,
    texts: ids.map((id) => analyzer.miner.templateText(id)),
    truth: read(`${name}.truth.txt`),
  };
}

describe('logs in styles beyond Loghub', () => {
  it('groups most lines as a person would across the six styles', () => {
    const scores = LOGS.map((name) => {
      const { texts, truth } = analyse(name);
      return scoreParsing(truth, texts);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(scores.map((s) => s.ga))).toBeGreaterThanOrEqual(0.85);
    expect(mean(scores.map((s) => s.pa))).toBeGreaterThanOrEqual(0.8);
  });

  it('gives one template to sizes written `0 bytes` or `1190 bytes (1.16 KB)` after `program -`', () => {
    const { texts, truth } = analyse('proxy_connections');
    expect(scoreParsing(truth, texts).ga).toBe(1);
    expect(new Set(texts)).toEqual(
      new Set([
        '<ID> open through proxy <ID> HTTPS',
        '<ID> close, <SIZE> sent, <SIZE> received, lifetime <*>',
      ]),
    );
  });

  it('reads an access log as one template per method, whatever the user agent says', () => {
    const { texts } = analyse('nginx_access');
    const gets = new Set(texts.filter((t) => t.startsWith('"GET ')));
    expect([...gets]).toEqual(['"GET <*> HTTP/<NUM>" <NUM> <NUM> "<*>" "<*>"']);
    expect(new Set(texts).size).toBe(3);
  });

  it('keeps a Java stack trace with the log line that starts it, in its template and its sample', () => {
    const { analyzer, texts, truth } = analyse('java_app');
    expect(scoreParsing(truth, texts).ga).toBe(1);
    expect(analyzer.continuationLines).toBeGreaterThan(0);
    const failed = analyzer.miner.templates().find((t) => t.template.startsWith('Payment request failed'));
    expect(failed?.samples[0]?.text).toContain('\n\tat com.example.shop.PaymentClient.charge(');
    // One event per ERROR line, however long its trace.
    expect(failed?.count).toBe(read('java_app.log').filter((l) => l.includes(' ERROR ')).length);
  });

  it('keeps a Python traceback with its error line', () => {
    const { analyzer, texts, truth } = analyse('python_app');
    expect(scoreParsing(truth, texts)).toMatchObject({ ga: 1, pa: 1 });
    const failed = analyzer.miner.templates().find((t) => t.template === 'Task <NUM> failed');
    expect(failed?.samples[0]?.text).toMatch(
      /Traceback \(most recent call last\):\n {2}File "\/app\/worker\.py"/,
    );
    expect(failed?.samples[0]?.text).toMatch(/\nValueError: bad input/);
  });

  it('takes the message of JSON lines and of logfmt records', () => {
    expect(analyse('k8s_logfmt').texts).toContain('Scaled replica set <ID> from <NUM> to <NUM>');
    const { analyzer, texts } = analyse('json_app');
    expect(texts).toContain('slow query took <NUM> ms: SELECT * FROM orders WHERE id = ?');
    expect(analyzer.header.kind).toBe('json');
  });

  it('reads hosts from syslog lines and keeps their values out of the templates', () => {
    const stats = new LogStats();
    const { texts } = analyse('syslog_hosts', { stats, redact: false });
    expect(
      stats.hosts
        .top()
        .map((h) => h.value)
        .sort(),
    ).toEqual(['cache-a', 'db-1.prod.internal', 'web-01', 'web-02']);
    expect(texts).toContain('Started Session <NUM> of User ansible.');
    for (const t of texts) expect(t).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });
});
