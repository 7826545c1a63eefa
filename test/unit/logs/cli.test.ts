import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../bin/commands/command.ts';
import { logsCommand } from '../../../bin/commands/logs.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { withTerminalInput } from '../../support/terminal-input.ts';
import { runLogs as run } from './cli-run.ts';
import { fixtureLines, fixturePath } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-logs-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  line: number;
  templateId: string | null;
  template: string | null;
}

const rows = (out: string): Row[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);

describe('ai-ops logs', () => {
  it('writes one JSON object per input line, in order, with final template ids', async () => {
    const file = join(dir, 'users.log');
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const lines = users.map((u, i) => `2024-05-01 10:00:0${i} INFO sshd: Invalid user ${u} from 10.0.0.${i}`);
    writeFileSync(
      file,
      `${lines.join('\n')}\n\n2024-05-01 10:00:09 INFO sshd: Server listening on port 22\n`,
    );
    const { code, out } = await run(['parse', file, '--jsonl']);
    expect(code).toBe(0);
    const result = rows(out);
    expect(result.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The first line's group absorbed the later ones once enough users were seen: all carry its final id.
    expect(new Set(result.slice(0, 7).map((r) => r.templateId))).toEqual(new Set([result[0]?.templateId]));
    expect(result[0]?.template).toBe('Invalid user <*> from <IP>');
    expect(result[7]).toEqual({ line: 8, templateId: null, template: null });
    expect(result[8]?.template).toBe('Server listening on port <NUM>');
  });

  it('accepts an explicit Loghub format', async () => {
    const { out } = await run([
      'parse',
      fixturePath('HDFS'),
      '--format',
      '<Date> <Time> <Pid> <Level> <Component>: <Content>',
      '--jsonl',
    ]);
    expect(rows(out)).toHaveLength(fixtureLines('HDFS').length);
    expect(rows(out)[0]?.template).toBe('PacketResponder <NUM> for block <ID> terminating');
  });

  it('prints a template table without --jsonl', async () => {
    const { out } = await run(['parse', fixturePath('HDFS')]);
    expect(out).toMatch(/^\d+ templates from 46 lines\n/);
    expect(out).toContain('PacketResponder <NUM> for block <ID> terminating');
  });

  it('summarises as text and as JSON', async () => {
    const text = await run(['summarize', fixturePath('Zookeeper')]);
    expect(text.out).toMatch(/\nLog: 56 lines from /);
    const json = await run(['summarize', fixturePath('Zookeeper'), '--json']);
    const summary = JSON.parse(json.out) as { version: number; lines: { analysed: number } };
    expect(summary.version).toBe(2);
    expect(summary.lines.analysed).toBe(56);
  });

  it('answers --help at every level', async () => {
    expect((await run(['--help'])).out).toContain('Usage: ai-ops logs <parse|summarize>');
    expect((await run(['parse', '--help'])).out).toContain('Usage: ai-ops logs parse');
    expect((await run(['summarize', '-h'])).out).toContain('Usage: ai-ops logs summarize');
    expect(logsCommand.usage).toContain('parse');
  });

  it('reports usage errors and bad input clearly', async () => {
    await expect(run(['frobnicate'])).rejects.toThrow(UsageError);
    await expect(withTerminalInput(() => run(['parse']))).rejects.toThrow('expects one file');
    await expect(run(['parse', fixturePath('HDFS'), '--json'])).rejects.toThrow('unknown option --json');
    await expect(run(['parse', join(dir, 'missing.log')])).rejects.toThrow('cannot read');
    await expect(run(['parse', fixturePath('HDFS'), '--format', '<Date>'])).rejects.toThrow(ValidationError);
    const binary = join(dir, 'blob.bin');
    writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x10, 0x00]));
    await expect(run(['summarize', binary])).rejects.toThrow('binary');
  });

  it('reads a log with a UTF-8 byte-order mark, or in UTF-16 with its mark, as the same text', async () => {
    const text = [
      '2024-05-01 10:00:01 INFO worker-1 Connected to db-1 in 12 ms',
      '2024-05-01 10:00:02 INFO worker-2 Connected to db-2 in 9 ms',
      '2024-05-01 10:00:03 ERROR worker-1 Lost connection to db-1',
    ].join('\r\n');
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const encodings: [string, Buffer][] = [
      ['plain.log', Buffer.from(text)],
      ['bom.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['utf16le.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf16be.log', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be])],
    ];
    const outputs: string[] = [];
    for (const [name, bytes] of encodings) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const { code, out } = await run(['parse', file, '--jsonl']);
      expect(code, name).toBe(0);
      outputs.push(out);
    }
    // The mark is not part of the first line: it joins its template as the second line does.
    expect(rows(outputs[0] ?? '').map((r) => r.templateId)).toEqual(['T1', 'T1', 'T2']);
    for (const out of outputs.slice(1)) expect(out).toBe(outputs[0]);
  });

  it('reads standard input when the file is "-"', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./bin/commands/logs.ts').then(async (m) => { process.exitCode = await m.logsCommand.run(['parse', '-', '--jsonl']); })",
      ],
      { input: 'alpha 1\nalpha 2\nbeta\n', encoding: 'utf8', cwd: join(import.meta.dirname, '../../..') },
    );
    expect(child.status).toBe(0);
    expect(rows(child.stdout).map((r) => r.template)).toEqual(['alpha <NUM>', 'alpha <NUM>', 'beta']);
  });
});
