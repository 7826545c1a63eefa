import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { logsCommand } from '../../../bin/commands/logs.ts';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { TemplateMiner } from '../../../lambdas/core/logs/miner.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function parseJsonl(file: string): Promise<{ templateId: string | null; template: string | null }[]> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    expect(await logsCommand.run(['parse', file, '--jsonl'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { templateId: string | null; template: string | null });
}

describe('hostile input', () => {
  it('keeps one event with a 100,000-line trace as one event with a bounded sample', () => {
    const analyzer = new LogAnalyzer();
    const ids: number[] = [];
    analyzer.onLine = (_line, cluster) => ids.push(cluster);
    analyzer.push('2024-05-01 10:00:00,000 ERROR [main] app.Worker - Job 7 crashed');
    analyzer.push('java.lang.StackOverflowError: deep');
    for (let i = 0; i < 100_000; i++) analyzer.push(`\tat app.Recursion.step(Recursion.java:${i % 90})`);
    analyzer.push('2024-05-01 10:00:01,000 INFO [main] app.Worker - Job 8 started');
    analyzer.end();
    expect(analyzer.continuationLines).toBe(100_001);
    expect(new Set(ids.slice(0, 100_002)).size).toBe(1);
    const crashed = analyzer.miner.template(ids[0] ?? 0);
    expect(crashed).toMatchObject({ template: 'Job <NUM> crashed', count: 1 });
    expect(crashed?.samples[0]?.text.length).toBeLessThanOrEqual(4000);
    expect(crashed?.samples[0]?.text).toContain('StackOverflowError');
    expect(analyzer.miner.templateCount).toBe(2);
  });

  it('caps templates on ever-new messages and still counts every line', () => {
    const miner = new TemplateMiner({ maxTemplates: 200 });
    const word = (i: number) => i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] ?? 'q');
    for (let i = 0; i < 30_000; i++) miner.add(`${word(i * 7919)} ${word(i * 104729)} ${word(i)} ends`);
    miner.finalize();
    const templates = miner.templates();
    expect(templates.length).toBeLessThanOrEqual(201);
    expect(templates.reduce((n, t) => n + t.count, 0)).toBe(30_000);
  });

  it('reads CRLF line endings and lone carriage returns without carrying them into templates', async () => {
    const file = join(dir, 'crlf.log');
    writeFileSync(file, 'alpha 1\r\nalpha 2\r\nbeta ready\r\n');
    const rows = await parseJsonl(file);
    expect(rows.map((r) => r.template)).toEqual(['alpha <NUM>', 'alpha <NUM>', 'beta ready']);
  });

  it('reads mixed encodings (Latin-1 bytes in a UTF-8 log) as text with replacement characters', async () => {
    const file = join(dir, 'mixed.log');
    const lines = [
      Buffer.from('user José logged in from 10.0.0.1\n', 'utf8'),
      Buffer.from('user Jos\xe9 logged in from 10.0.0.2\n', 'latin1'),
      Buffer.from('user Zoë logged in from 10.0.0.3\n', 'utf8'),
    ];
    writeFileSync(file, Buffer.concat(lines));
    const rows = await parseJsonl(file);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.template).toMatch(/^user \S+ logged in from <IP>$/);
  });
});

describe('reading lines from a stream', () => {
  it('splits on \\n, \\r\\n and lone \\r, across chunk boundaries', async () => {
    const { Readable } = await import('node:stream');
    const { lineBatches } = await import('../../../bin/commands/logs.ts');
    const read = async (chunks: string[]) => {
      const out: string[] = [];
      for await (const batch of lineBatches(Readable.from(chunks))) out.push(...batch);
      return out;
    };
    expect(await read(['a 1\r', '\nb 2\r\nc', ' 3\rd 4\n\ne'])).toEqual([
      'a 1',
      'b 2',
      'c 3',
      'd 4',
      '',
      'e',
    ]);
    expect(await read(['only\n'])).toEqual(['only']);
    expect(await read(['x\r\n'])).toEqual(['x']);
  });
});
