/** `ai-ops changelog --input`: what the command refuses and says about pasted text and entry files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChangelogCaptured } from '../../bin/commands/changelog.ts';

const root = mkdtempSync(join(tmpdir(), 'ai-ops-changelog-input-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let files = 0;
function file(text: string | Buffer, ext = 'txt'): string {
  const path = join(root, `input-${files++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

const run = (...args: string[]) => runChangelogCaptured(args);

describe('ai-ops changelog --input refuses', () => {
  it('an impossible --date, naming it and printing nothing', async () => {
    const result = await run('--input', file('feat: a'), '--date', '2024-02-30');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ai-ops changelog: --date: "2024-02-30" is not a day of the calendar, written YYYY-MM-DD\n',
    });
  });

  it('a --release-as not greater than --previous-version, naming it', async () => {
    const result = await run(
      '--input',
      file('fix: a'),
      '--previous-version',
      '1.2.3',
      '--release-as',
      '1.2.0',
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ai-ops changelog: --release-as: must be greater than the previous version 1.2.3\n',
    });
  });

  it('a --repo-url the API would refuse, instead of silently dropping links or linking to it', async () => {
    for (const url of ['ftp://x', 'not a url', 'javascript:alert(1)//', 'https://github.com/o/r)[x](y']) {
      const result = await run('--input', file('fix: a (#3)'), '--repo-url', url);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^ai-ops changelog: --repo-url: ".*" must be a repository web address/);
    }
  });

  it('links with a --repo-url the API accepts, in the form a remote has it too', async () => {
    const result = await run('--input', file('fix: a (#3)'), '--repo-url', 'git@github.com:octo/app.git');
    expect(result.stdout).toContain('[#3](https://github.com/octo/app/issues/3)');
  });

  it('a bad entry of a JSON file, naming the file and the entry, not the API field', async () => {
    const json = JSON.stringify({ entries: [{ type: 'feat', description: 'a' }, { type: 'fix' }] });
    const result = await run('--input', file(json, 'json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^ai-ops changelog: --input \S+\.json: entries\[1\]\.description: is required\n$/,
    );
  });

  it('a binary file, as the API refuses NUL, instead of reading it as thousands of commits', async () => {
    const binary = Buffer.concat([
      Buffer.from('feat: a\n'),
      Buffer.alloc(64),
      Buffer.from([0xff, 0xfe, 0x0a]),
    ]);
    const result = await run('--input', file(binary, 'bin'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ai-ops changelog: --input: \S+\.bin looks like binary data/);
  });
});

describe('ai-ops changelog --input with nothing to release', () => {
  it('says so on standard error, with why, and still exits 0 with the heading', async () => {
    const result = await run('--input', file('docs: x\nchore: y\nMerge branch "a"'), '--date', '2024-05-01');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('## Unreleased (2024-05-01)\n');
    expect(result.stderr).toBe(
      'ai-ops changelog: note: nothing to release: of 3 commits, 2 of hidden types (docs, chore, …), 1 merge; ' +
        '--sections shows a hidden type, --include-other plain messages\n',
    );
  });
});
