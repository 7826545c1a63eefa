import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../bin/commands/command.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import type { LogSummary } from '../../../lambdas/core/logs/summary.ts';
import { runLogs as run } from './cli-run.ts';
import { incidentPath } from './incident-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-summarize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const hourOf = (date: string, extra: (m: number) => string[]) => {
  const lines: string[] = [];
  for (let m = 0; m < 60; m++) {
    const t = `${date} 10:${String(m).padStart(2, '0')}`;
    lines.push(
      `${t}:00 INFO api: served order ${m}`,
      `${t}:30 INFO api: served order ${m + 100}`,
      ...extra(m).map((l) => `${t}:45 ${l}`),
    );
  }
  return lines;
};

describe('ai-ops logs summarize', () => {
  const yesterday = write(
    'yesterday.log',
    hourOf('2024-05-01', (m) => (m % 6 === 0 ? ['INFO cron: rotated logs'] : [])),
  );
  const today = write(
    'today.log',
    hourOf('2024-05-02', (m) => (m >= 20 ? ['ERROR db: deadlock detected on orders'] : [])),
  );

  it('compares with a baseline log file', async () => {
    const { out } = await run(['summarize', today, '--baseline', yesterday]);
    expect(out).toMatch(/Compared with yesterday\.log: 1 new template, 1 gone/);
    expect(out).toMatch(/Changes since yesterday\.log \(130 lines; rates per hour of log\):\n {2}new \(1\):/);
  });

  it('compares with the --json output of an earlier run', async () => {
    const earlier = JSON.parse((await run(['summarize', yesterday, '--json'])).out) as LogSummary;
    const saved = join(dir, 'yesterday.json');
    writeFileSync(saved, JSON.stringify(earlier));
    const summary = JSON.parse(
      (await run(['summarize', today, '--baseline', saved, '--json'])).out,
    ) as LogSummary;
    expect(summary.changes).toMatchObject({
      basis: 'time',
      baseline: { label: 'yesterday.json', lines: 130 },
      totals: { new: 1, louder: 0, quieter: 0, gone: 1 },
    });
  });

  it('refuses a JSON baseline that is not a summary, naming the option', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    await expect(run(['summarize', today, '--baseline', bad])).rejects.toThrow(ValidationError);
    await expect(run(['summarize', today, '--baseline', bad])).rejects.toThrow(
      /baseline.*not the output of ai-ops logs summarize --json/,
    );
    await expect(run(['summarize', today, '--baseline', join(dir, 'missing.log')])).rejects.toThrow(
      'cannot read',
    );
  });

  it('reads a gzip file as the API reads an upload, and names a cut-off one', async () => {
    const plain = await run(['summarize', today, '--json']);
    const zipped = join(dir, 'today.log.gz');
    writeFileSync(zipped, gzipSync(readFileSync(today)));
    expect((await run(['summarize', zipped, '--json'])).out).toBe(plain.out);
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, readFileSync(zipped).subarray(0, 200));
    await expect(run(['summarize', cut])).rejects.toThrow(new ValidationError(cut, 'is not valid gzip'));
  });

  it('refuses an empty or blank file as the API does, naming it, instead of summarising 0 lines', async () => {
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const blank = join(dir, 'blank.log');
    writeFileSync(blank, '\n   \n');
    for (const path of [empty, blank])
      await expect(run(['summarize', path])).rejects.toThrow(new ValidationError(path, 'is empty'));
    await expect(run(['summarize', dir])).rejects.toThrow(`${dir} is not a file`);
  });

  it('takes the year of year-less timestamps from the file modification time', async () => {
    const path = write('syslog', [
      'Dec 30 23:59:58 web-01 app[1]: started',
      'Dec 30 23:59:59 web-01 app[1]: ready',
    ]);
    utimesSync(path, new Date('2021-01-02T00:00:00Z'), new Date('2021-01-02T00:00:00Z'));
    const summary = JSON.parse((await run(['summarize', path, '--json'])).out) as LogSummary;
    expect(summary.timeSpan).toMatchObject({
      start: '2020-12-30T23:59:58.000Z',
      yearAssumed: { year: 2020, from: 'received' },
    });
  });

  it('keeps, removes or pseudonymises addresses and host names with --network', async () => {
    const path = incidentPath('k8s-syslog-oom');
    const hosts = async (mode: string) =>
      (
        JSON.parse((await run(['summarize', path, '--json', '--network', mode])).out) as LogSummary
      ).topHosts.map((h) => h.name);
    expect(await hosts('keep')).toEqual(expect.arrayContaining(['node-a', 'node-b', 'node-c']));
    expect(await hosts('remove')).toEqual(['<HOST>']);
    expect((await hosts('pseudonymise')).sort()).toEqual(['<HOST#1>', '<HOST#2>', '<HOST#3>']);
    await expect(run(['summarize', path, '--network', 'hide'])).rejects.toThrow(UsageError);
  });
});
