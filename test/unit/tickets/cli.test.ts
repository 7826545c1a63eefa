import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../bin/commands/command.ts';
import { exportCorrections } from '../../../bin/commands/ticket-corrections.ts';
import { ticketsCommand } from '../../../bin/commands/tickets.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { redactTicket } from '../../../lambdas/core/tickets/index.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { withTerminalInput } from '../../support/terminal-input.ts';
import { FIXTURE, fixtureModel, INTERNAL_FIXTURE } from './support.ts';

let dir = '';
let modelPath = '';

beforeAll(() => {
  dir = tempDir('tickets-cli-');
  modelPath = join(dir, 'fixture.model.json');
  writeFileSync(modelPath, JSON.stringify(fixtureModel().json));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the command in-process, capturing what it writes to stdout and stderr. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await ticketsCommand.run(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the command to fail');
}

/** `classify --input <file> --model <fixture model>` plus the given options. */
function classifyFile(input: string, ...options: string[]) {
  return run('classify', '--input', input, '--model', modelPath, ...options);
}

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ai-ops tickets classify', () => {
  it('writes one JSON object per row, in input order, with the documented fields', async () => {
    const { code, stdout } = await run('classify', '--input', FIXTURE, '--model', modelPath, '--quiet');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(45);
    expect(lines.map((l) => l.row)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    for (const line of lines) {
      expect(Object.keys(line)).toEqual([
        'row',
        'category',
        'predictedCategory',
        'priority',
        'labels',
        'confidence',
      ]);
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('takes the CSV as a bare argument too, like `ai-ops logs parse <file>`', async () => {
    const byFlag = await run('classify', '--input', FIXTURE, '--model', modelPath);
    const bare = await run('classify', FIXTURE, '--model', modelPath);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(byFlag.stdout);
    const twice = await rejection(run('classify', FIXTURE, '--input', FIXTURE, '--model', modelPath));
    expect(twice).toBeInstanceOf(UsageError);
  });

  it('classifies the text as the API stores it (redacted first), or as written with --no-redact', async () => {
    // The worker classifies the stored, redacted ticket. A pasted private key is "<PRIVATE_KEY>" there, and
    // the CLI read the key itself: "Key in repo" was SECURITY P1 from the CLI and TASK P3 through the API.
    const written = {
      title: 'Key in repo',
      body: [
        'Committed this by mistake to the public repo:',
        '-----BEGIN RSA PRIVATE KEY-----',
        'MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyz',
        '-----END RSA PRIVATE KEY-----',
        'Ask jane.doe@example.com, it was on build host 10.0.4.17.',
      ].join('\n'),
    };
    const stored = redactTicket({ ...written, project: null });
    expect(stored.body).toContain('<PRIVATE_KEY>');
    const cell = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const asWritten = csv('secret.csv', `title,body\n${cell(written.title)},${cell(written.body)}\n`);
    const asStored = csv('stored.csv', `title,body\n${cell(stored.title)},${cell(stored.body)}\n`);
    const fromWritten = await run('classify', asWritten, '--details');
    const fromStored = await run('classify', asStored, '--details', '--quiet');
    expect(fromWritten.code).toBe(0);
    expect(fromWritten.stdout).toBe(fromStored.stdout);
    expect(fromWritten.stderr).toContain('1 redacted first, as the API stores them');
    const asIs = await run('classify', asWritten, '--details', '--no-redact', '--quiet');
    expect(asIs.stdout).not.toBe(fromStored.stdout);
    expect(await rejection(run('classify', asWritten, '--network', 'hide'))).toBeInstanceOf(UsageError);
    expect(await rejection(run('classify', asWritten, '--no-redact', '--network', 'keep'))).toBeInstanceOf(
      UsageError,
    );
  });

  it('with --labels chooses among those names and echoes them as written', async () => {
    const input = csv(
      'two.csv',
      'title,body\nApp crashes on start,"Segfault, see trace"\nHow do I configure it?,Is there a way?\n',
    );
    const { stdout } = await run(
      'classify',
      '--input',
      input,
      '--model',
      modelPath,
      '--labels',
      'Bug,QUESTION',
    );
    const categories = stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { category: string }).category);
    expect(categories).toHaveLength(2);
    for (const c of categories) expect(['Bug', 'QUESTION']).toContain(c);
  });

  it('writes --output whole, and adds the rationale with --details', async () => {
    const out = join(dir, 'out.jsonl');
    const input = csv('one.csv', 'title,body\nAdd dark mode,It would be nice to have a dark theme.\n');
    const { stdout } = await run(
      'classify',
      '--input',
      input,
      '--model',
      modelPath,
      '--output',
      out,
      '--details',
    );
    expect(stdout).toBe('');
    const line = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(line.row).toBe(1);
    expect(typeof line.rationale).toBe('string');
    expect(line.modelVersion).toBe(fixtureModel().json.version);
  });

  it('warns when rows held bytes that are not UTF-8, and counts one row as a row', async () => {
    const path = join(dir, 'latin1.csv');
    writeFileSync(path, Buffer.from('title,body\n"Caf\xe9 page crash","The caf\xe9 page fails"\n', 'latin1'));
    const { code, stderr } = await classifyFile(path);
    expect(code).toBe(0);
    expect(stderr).toContain('1 row: 1 classified');
    expect(stderr).toContain('1 of the rows had bytes that are not UTF-8');
  });

  it('does not call a UTF-8 file that holds the character � itself "not UTF-8"', async () => {
    // One NLBSE issue quotes a core-dump name with U+FFFD in it; the file is valid UTF-8, and the old advice
    // (iconv -f latin1) would have garbled every accented letter in it.
    const path = csv(
      'replacement-char.csv',
      'title,body\nCore dump name garbled,"Core was generated by `bitcoind \uFFFD\uFFFD`"\n',
    );
    const { code, stderr } = await classifyFile(path);
    expect(code).toBe(0);
    expect(stderr).toContain('1 row: 1 classified');
    expect(stderr).not.toContain('not UTF-8');
  });

  it('reports a bad row with its number and reason, classifies the rest and exits with 1', async () => {
    const out = join(dir, 'partial.jsonl');
    const input = csv(
      'bad-row.csv',
      'id,title,body\nA-1,Fine,Body\nA-2,,Body without a title\nA-3,Also fine,\n',
    );
    const { code, stdout, stderr } = await classifyFile(input, '--output', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('row 2: title: must not be empty');
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.row)).toEqual([1, 2, 3]);
    expect(lines[1]).toEqual({ row: 2, id: 'A-2', error: 'title: must not be empty' });
    expect(lines[0]?.id).toBe('A-1');
    expect(typeof lines[2]?.category).toBe('string');
  });

  it('reports broken quoting as a bad row and reads on', async () => {
    const input = csv('quotes.csv', 'title,body\nFirst,ok\nbro"ken,x\nThird,ok\n');
    const { code, stdout, stderr } = await run('classify', '--input', input, '--model', modelPath, '--quiet');
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.row, 'error' in l])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(String(lines[1]?.error)).toMatch(/^input: a field with a quote in it/);
    expect(stderr).toMatch(/row 2: input: a field with a quote/);
  });

  it('with --strict stops at the first bad row and writes nothing, to a file or to stdout', async () => {
    const out = join(dir, 'never.jsonl');
    const input = csv('strict.csv', 'title,body\nFine,Body\n,Body without a title\nLater,row\n');
    const error = await rejection(
      run('classify', '--input', input, '--model', modelPath, '--output', out, '--strict'),
    );
    expect(error).toBeInstanceOf(ValidationError);
    // Worded as without --strict ("row 2: title: …"), not "title: row 2: …".
    expect(error.message).toBe('row 2: title: must not be empty');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(
      ticketsCommand.run(['classify', '--input', input, '--model', modelPath, '--strict']),
    ).rejects.toThrow('row 2');
    vi.restoreAllMocks();
    expect(stdout).toBe('');
  });

  it('classifies a CSV of titles alone, and names a missing title column', async () => {
    const input = csv('only-titles.csv', 'id,title\n1,VPN drops every 10 minutes\n2,Add dark mode\n');
    const { code, stdout, stderr } = await classifyFile(input);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
    expect(stderr).toContain('no body column: every ticket is title-only');
    const error = await rejection(classifyFile(csv('no-title.csv', 'subject,body\nx,y\n')));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('missing column title');
  });

  it('classifies title-only rows', async () => {
    const input = csv('titles.csv', 'title,body\nVPN drops every 10 minutes,\nAdd dark mode,\n');
    const { code, stdout } = await run('classify', '--input', input, '--model', modelPath, '--quiet');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('abstains like the worker by default and never with --no-review', async () => {
    const input = csv('vague.csv', 'title,body\nHmm,Something about it.\n');
    const decided = (stdout: string) => JSON.parse(stdout) as { category: string; predictedCategory: string };
    const strict = decided(
      (await run('classify', '--input', input, '--model', modelPath, '--review-below', '0.99', '--quiet'))
        .stdout,
    );
    expect(strict.category).toBe('NEEDS_REVIEW');
    const never = decided(
      (await run('classify', '--input', input, '--model', modelPath, '--no-review', '--quiet')).stdout,
    );
    expect(never.category).toBe(strict.predictedCategory);
    expect(
      await rejection(run('classify', '--input', input, '--review-below', '2', '--model', modelPath)),
    ).toBeInstanceOf(ValidationError);
  });

  it('refuses to write --output over its own input', async () => {
    const text = 'title,body\nApp crashes,It fails\n';
    const input = csv('self.csv', text);
    const error = await rejection(classifyFile(input, '--output', join(dir, '.', 'self.csv')));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('is the input');
    expect(readFileSync(input, 'utf8')).toBe(text);
  });

  it('refuses a directory as --output or --out before any work, leaving nothing in its parent', async () => {
    const input = csv('to-folder.csv', 'title,body\nApp crashes,It fails\n');
    const folder = mkdtempSync(join(dir, 'out-'));
    const classified = await rejection(run('classify', input, '--output', folder));
    expect(classified).toBeInstanceOf(ValidationError);
    expect(classified.message).toBe(`output: ${folder} is a directory: give a file name in it`);
    // Refused before the rows are read: the training below never starts (it would print its columns first).
    const trained = await run('train', '--input', join(dir, 'no-such.csv'), '--out', folder).catch(
      (error: unknown) => error,
    );
    expect(trained).toBeInstanceOf(ValidationError);
    expect((trained as Error).message).toContain('is a directory');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an empty option value instead of reading it as 0 or as absent', async () => {
    const input = csv('empty-value.csv', 'title,body\nHmm,Something about it.\n');
    // `--review-below ""` was Number("") = 0: never abstain, silently.
    for (const extra of [
      ['--review-below', ''],
      ['--review-below= '],
      ['--created-at', ''],
      ['--project', ''],
    ]) {
      const error = await rejection(classifyFile(input, ...extra));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(/needs a value$/);
    }
  });

  it('reads creation times from a created_at column and rejects a row with a bad one', async () => {
    const input = csv(
      'dated.csv',
      'created_at,title,body\n2024-11-25 09:00,TLS certificate must be renewed by 30 Nov,\nyesterday,Renew the cert,\n',
    );
    const { code, stdout, stderr } = await classifyFile(input, '--details');
    expect(code).toBe(1);
    expect(stderr).toContain('creation time is read from column "created_at"');
    const [first, second] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { deadline?: { days: number }; error?: string });
    expect(first?.deadline?.days).toBe(5);
    expect(second?.error).toMatch(/^created_at: "yesterday" is not a date/);
  });

  it('rejects unknown --labels names and unknown options as user errors', async () => {
    const labels = await rejection(
      run('classify', '--input', FIXTURE, '--model', modelPath, '--labels', 'bug,chore'),
    );
    expect(labels).toBeInstanceOf(ValidationError);
    expect((labels as ValidationError).field).toBe('labels');
    expect(await rejection(run('classify', '--input', FIXTURE, '--frobnicate'))).toBeInstanceOf(UsageError);
    expect(await rejection(withTerminalInput(() => run('classify')))).toBeInstanceOf(UsageError);
  });

  it("reads each ticket's project from a repo column without being asked, and says so", async () => {
    const confidences = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { confidence: number }).confidence);
    const detected = await run('classify', '--input', FIXTURE, '--model', modelPath);
    expect(detected.stderr).toContain('project is read from column "repo"');
    const explicit = await run(
      'classify',
      '--input',
      FIXTURE,
      '--model',
      modelPath,
      '--project-column',
      'repo',
      '--quiet',
    );
    const ignored = await run('classify', '--input', FIXTURE, '--model', modelPath, '--no-project-column');
    expect(ignored.stderr).not.toContain('project is read from column');
    expect(confidences(detected.stdout)).toEqual(confidences(explicit.stdout));
    expect(confidences(detected.stdout)).not.toEqual(confidences(ignored.stdout));
  });

  it('prefers a column named project to one named repo, and classifies without when there is neither', async () => {
    const both = csv('both.csv', 'repo,project,title,body\nme/a,me/b,App crashes,It fails\n');
    expect((await run('classify', '--input', both, '--model', modelPath)).stderr).toContain(
      'column "project"',
    );
    const neither = csv('neither.csv', 'title,body\nApp crashes,It fails\n');
    const plain = await run('classify', '--input', neither, '--model', modelPath);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain('project is read from column');
  });

  it('rejects a fixed project combined with a project column, or with ignoring one', async () => {
    const conflicts = [
      ['--project', 'me/x', '--project-column', 'repo'],
      ['--project-column', 'repo', '--no-project-column'],
      ['--project', 'me/x', '--no-project-column'],
    ];
    for (const extra of conflicts) {
      const error = await rejection(run('classify', '--input', FIXTURE, '--model', modelPath, ...extra));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(/^give only one of --project/);
    }
  });

  it('reports progress on stderr for large inputs', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `Crash number ${i},It fails with an error ${i}`).join(
      '\n',
    );
    const input = csv('large.csv', `title,body\n${rows}\n`);
    const { stderr, stdout } = await run('classify', '--input', input, '--model', modelPath);
    expect(stdout.trim().split('\n')).toHaveLength(1200);
    expect(stderr).toContain('1200 rows');
  });
});

describe('ai-ops tickets train', () => {
  it('trains from a labelled CSV and writes a model the classifier can use', async () => {
    const out = join(dir, 'trained.model.json');
    const { code, stdout } = await run(
      'train',
      '--input',
      FIXTURE,
      '--out',
      out,
      '--project-column',
      'repo',
      '--quiet',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('BUG 15, FEATURE 15, QUESTION 15');
    const model = JSON.parse(readFileSync(out, 'utf8')) as { projects: string[] };
    expect(model.projects).toContain('microsoft/vscode');
    const classified = await run(
      'classify',
      '--input',
      FIXTURE,
      '--model',
      out,
      '--project-column',
      'repo',
      '--quiet',
    );
    expect(classified.stdout.trim().split('\n')).toHaveLength(45);
  });

  it('writes the binary format when --out ends in .bin, the same model as the JSON one', async () => {
    const bin = join(dir, 'trained.model.bin');
    const json = join(dir, 'same.model.json');
    for (const out of [bin, json])
      expect((await run('train', '--input', FIXTURE, '--out', out, '--quiet')).code).toBe(0);
    expect(readFileSync(bin).subarray(0, 8).toString('latin1')).toBe('AIOPS-TM');
    const classify = (model: string) => run('classify', '--input', FIXTURE, '--model', model, '--quiet');
    const [fromBin, fromJson] = [await classify(bin), await classify(json)];
    expect(fromBin.code).toBe(0);
    expect(fromBin.stdout).toBe(fromJson.stdout);
  });

  it('learns per-project features from a repo column unless told to ignore it', async () => {
    const detected = join(dir, 'detected.model.json');
    const ignored = join(dir, 'ignored.model.json');
    const withColumn = await run('train', '--input', FIXTURE, '--out', detected);
    expect(withColumn.stderr).toContain('project is read from column "repo"');
    expect(
      (await run('train', '--input', FIXTURE, '--out', ignored, '--no-project-column', '--quiet')).code,
    ).toBe(0);
    const projects = (path: string) =>
      (JSON.parse(readFileSync(path, 'utf8')) as { projects: string[] }).projects;
    expect(projects(detected)).toContain('microsoft/vscode');
    expect(projects(ignored)).toEqual([]);
  });

  it('needs a category column', async () => {
    const input = csv('unlabelled.csv', 'title,body\na,b\n');
    const error = await rejection(run('train', '--input', input, '--out', join(dir, 'x.model.json')));
    expect(error.message).toContain('missing column category (or label)');
    expect(existsSync(join(dir, 'x.model.json'))).toBe(false);
  });

  it('learns the priority column and an extra --label-column head, and classify reports it', async () => {
    const out = join(dir, 'team.model.json');
    const { code, stdout } = await run(
      'train',
      '--input',
      FIXTURE,
      '--input',
      INTERNAL_FIXTURE,
      '--label-column',
      'team',
      '--out',
      out,
      '--quiet',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('learned priority (P1/P2/P3/P4, 48 tickets), team (');
    const classified = await run('classify', '--input', INTERNAL_FIXTURE, '--model', out, '--quiet');
    const lines = classified.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { team?: string; id?: string });
    expect(lines).toHaveLength(48);
    for (const line of lines)
      expect([null, 'data', 'it', 'payments', 'platform', 'sre', 'web']).toContain(line.team);
    expect(lines[0]?.id).toBe('TR-0001'.slice(0, 3) + (lines[0]?.id ?? '').slice(3));
    const teams = async (...flags: string[]) =>
      (await run('classify', '--input', INTERNAL_FIXTURE, '--model', out, '--quiet', ...flags)).stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { team: string | null }).team);
    // A team is left for a person below --extra-review-below, and always answered with --no-extra-review.
    expect(new Set(await teams('--extra-review-below', '1'))).toEqual(new Set([null]));
    expect(await teams('--no-extra-review')).not.toContain(null);
    // And the summary on stderr counts them, as it counts NEEDS_REVIEW.
    const counted = await run(
      'classify',
      '--input',
      INTERNAL_FIXTURE,
      '--model',
      out,
      '--extra-review-below',
      '1',
    );
    expect(counted.stderr).toContain('48 with no team: below --extra-review-below');
    expect(
      await rejection(
        run('classify', '--input', INTERNAL_FIXTURE, '--model', out, '--extra-review-below', '2'),
      ),
    ).toMatchObject({ field: 'extra-review-below' });
    expect(
      await rejection(
        run(
          'classify',
          '--input',
          INTERNAL_FIXTURE,
          '--model',
          out,
          '--no-extra-review',
          '--extra-review-below',
          '1',
        ),
      ),
    ).toBeInstanceOf(UsageError);
  });

  it('refuses a training file with a single category, and lists every bad row', async () => {
    const one = csv('one-class.csv', 'category,title,body\nbug,a,b\nbug,c,d\n');
    const single = await rejection(run('train', '--input', one, '--out', join(dir, 'one.json'), '--quiet'));
    expect(single).toBeInstanceOf(ValidationError);
    // Named by the file's column (it said "label" for a column named "category").
    expect(single.message).toBe('category: training needs at least two distinct categories (found only BUG)');
    const bad = csv('bad-train.csv', 'category,priority,title,body\nbug,P9,a,b\n,P1,c,d\nfeature,P3,,x\n');
    const listed = await rejection(run('train', '--input', bad, '--out', join(dir, 'bad.json'), '--quiet'));
    // Each row as classify words it ("row 2: title: …"), under `input`, not under the first row's field.
    expect(listed.message).toBe(
      [
        'input: 3 bad rows, nothing trained:',
        '  row 1: priority: "P9" is not one of P1, P2, P3, P4',
        '  row 2: category: must not be empty',
        '  row 3: title: must not be empty',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    const labelled = csv('label-column.csv', 'label,title\nbug,a\n,b\n');
    const second = await rejection(
      run('train', '--input', FIXTURE, '--input', labelled, '--out', join(dir, 'bad.json'), '--quiet'),
    );
    expect(second.message).toContain('\n  input 2, row 2: label: must not be empty');
  });

  it.each([['priority'], ['category'], ['Team Name']])('refuses --label-column %s', async (column) => {
    expect(
      await rejection(
        run('train', '--input', INTERNAL_FIXTURE, '--out', join(dir, 'z.json'), '--label-column', column),
      ),
    ).toBeInstanceOf(UsageError);
  });

  it('rejects an invalid learner', async () => {
    expect(
      await rejection(run('train', '--input', FIXTURE, '--out', join(dir, 'y.json'), '--learner', 'forest')),
    ).toBeInstanceOf(UsageError);
  });

  it('embeds the committed word clusters by default and none with --no-word-clusters', async () => {
    const withClusters = join(dir, 'clusters.model.json');
    const without = join(dir, 'plain.model.json');
    expect((await run('train', '--input', FIXTURE, '--out', withClusters, '--quiet')).code).toBe(0);
    expect(
      (await run('train', '--input', FIXTURE, '--out', without, '--no-word-clusters', '--quiet')).code,
    ).toBe(0);
    const read = (path: string) =>
      JSON.parse(readFileSync(path, 'utf8')) as { wordClusters?: { words: number } };
    expect(read(withClusters).wordClusters?.words).toBeGreaterThan(99_000);
    expect(read(without).wordClusters).toBeUndefined();
  });

  it('names the option when the word-cluster file is missing, and refuses both cluster options', async () => {
    const missing = join(dir, 'no-such-clusters.json');
    const error = await rejection(
      run('train', '--input', FIXTURE, '--out', join(dir, 'z.json'), '--word-clusters', missing),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('word-clusters');
    expect(existsSync(join(dir, 'z.json'))).toBe(false);
    expect(
      await rejection(
        run(
          'train',
          '--input',
          FIXTURE,
          '--out',
          join(dir, 'z.json'),
          '--word-clusters',
          missing,
          '--no-word-clusters',
        ),
      ),
    ).toBeInstanceOf(UsageError);
  });
});

describe('ai-ops tickets train, with several inputs', () => {
  it('says which input each column message is about', async () => {
    const titles = csv('titles-labelled.csv', 'category,title\nbug,App crashes\nfeature,Add dark mode\n');
    const { code, stderr } = await run(
      'train',
      '--input',
      FIXTURE,
      '--input',
      titles,
      '--out',
      join(dir, 'two.json'),
    );
    expect(code).toBe(0);
    expect(stderr).toContain('input 1, each ticket\'s project is read from column "repo"');
    expect(stderr).toContain('input 2, the CSV has no body column');
    expect(stderr).not.toMatch(/^ai-ops tickets train: each ticket/m);
  });
});

describe('ai-ops tickets export-corrections', () => {
  it('refuses a --since that is no calendar date before opening any database', async () => {
    for (const since of ['2024-02-30', 'yesterday', '']) {
      const error = await rejection(exportCorrections(['--since', since]));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^since: /);
    }
  });
});

describe('help', () => {
  it.each([[['--help']], [['classify', '--help']], [['train', '-h']]])(
    'answers %j with usage on stdout',
    async (args) => {
      const { code, stdout } = await run(...args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: ai-ops tickets/);
    },
  );

  it('rejects an unknown subcommand', async () => {
    expect(await rejection(run('frobnicate'))).toBeInstanceOf(UsageError);
  });
});

describe('ai-ops tickets classify in a pipeline', () => {
  it('ends quietly with exit code 0 when the reader closes the pipe early (| head)', async () => {
    const { spawn } = await import('node:child_process');
    const dir = tempDir('ai-ops-epipe-');
    const csv = join(dir, 'many.csv');
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `"Export button does nothing ${i}","Clicking it shows no file."`,
    );
    writeFileSync(csv, `title,body\n${rows.join('\n')}\n`);
    const root = join(import.meta.dirname, '../../..');
    const child = spawn(process.execPath, ['bin/ai-ops.mjs', 'tickets', 'classify', '--input', csv], {
      cwd: root,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // What `head -1` does: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect({ code, stack: /Unhandled|node:events|at .*\(/.test(stderr) }).toEqual({ code: 0, stack: false });
  }, 60_000);
});

describe('ai-ops tickets classify stopped halfway', () => {
  const root = join(import.meta.dirname, '../../..');

  async function bigCsv(length: number): Promise<{ dir: string; csv: string }> {
    const dir = tempDir('ai-ops-stop-');
    const csv = join(dir, 'many.csv');
    const rows = Array.from({ length }, (_, i) => `"Export button does nothing ${i}","No file ${i}."`);
    writeFileSync(csv, `title,body\n${rows.join('\n')}\n`);
    return { dir, csv };
  }

  it('leaves no temporary file beside --output when stopped with Ctrl-C or SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { dir, csv } = await bigCsv(60_000);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const out = join(dir, `out-${signal}.jsonl`);
      const child = spawn(
        process.execPath,
        ['bin/ai-ops.mjs', 'tickets', 'classify', '--input', csv, '--output', out, '--quiet'],
        { cwd: root },
      );
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_, s) => resolve(s)));
      // Stop it once it has started writing (its temporary file exists), well before it could finish.
      const temp = () => readdirSync(dir).filter((f) => f.startsWith(`.out-${signal}.jsonl.`));
      for (let i = 0; i < 600 && temp().length === 0 && child.exitCode === null; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(temp()).toHaveLength(1);
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(readdirSync(dir).filter((f) => f.includes(`out-${signal}`))).toEqual([]);
    }
  }, 90_000);

  it('leaves no spool in the temporary folder when --strict output goes to a pipe closed early', async () => {
    const { spawn } = await import('node:child_process');
    // More output than a pipe holds, so the early close is met while the spool is copied out.
    const { dir, csv } = await bigCsv(3000);
    const spool = tempDir('ai-ops-spool-');
    const child = spawn(
      process.execPath,
      ['bin/ai-ops.mjs', 'tickets', 'classify', csv, '--strict', '--quiet'],
      {
        cwd: root,
        env: { ...process.env, TMPDIR: spool },
      },
    );
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(readdirSync(spool)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['many.csv']);
  }, 90_000);
});
