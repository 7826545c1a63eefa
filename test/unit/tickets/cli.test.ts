import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../bin/commands/command.ts';
import { ticketsCommand } from '../../../bin/commands/tickets.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { FIXTURE, fixtureModel } from './support.ts';

let dir = '';
let modelPath = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tickets-cli-'));
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
      expect(Object.keys(line)).toEqual(['row', 'category', 'priority', 'labels', 'confidence']);
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(1);
    }
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

  it('leaves no output file behind when a row is bad, and names the row and field', async () => {
    const out = join(dir, 'never.jsonl');
    const input = csv('bad-row.csv', 'title,body\nFine,Body\n,Body without a title\n');
    const error = await rejection(run('classify', '--input', input, '--model', modelPath, '--output', out));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('title: row 2: must not be empty');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('fails with a ValidationError for a missing file, missing columns or broken quoting', async () => {
    const missing = await rejection(run('classify', '--input', join(dir, 'nope.csv'), '--model', modelPath));
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing.message).toContain('file not found');
    const noBody = await rejection(
      run('classify', '--input', csv('nobody.csv', 'title\nx\n'), '--model', modelPath),
    );
    expect(noBody.message).toContain('missing column body');
    const broken = await rejection(
      run('classify', '--input', csv('broken.csv', 'title,body\n"x,y\n'), '--model', modelPath),
    );
    expect(broken).toBeInstanceOf(ValidationError);
  });

  it('rejects unknown --labels names and unknown options as user errors', async () => {
    const labels = await rejection(
      run('classify', '--input', FIXTURE, '--model', modelPath, '--labels', 'bug,chore'),
    );
    expect(labels).toBeInstanceOf(ValidationError);
    expect((labels as ValidationError).field).toBe('labels');
    expect(await rejection(run('classify', '--input', FIXTURE, '--frobnicate'))).toBeInstanceOf(UsageError);
    expect(await rejection(run('classify'))).toBeInstanceOf(UsageError);
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

  it('needs a label column', async () => {
    const input = csv('unlabelled.csv', 'title,body\na,b\n');
    const error = await rejection(run('train', '--input', input, '--out', join(dir, 'x.model.json')));
    expect(error.message).toContain('missing column label');
    expect(existsSync(join(dir, 'x.model.json'))).toBe(false);
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
