/**
 * Reads a commit range from a local git repository (working tree or bare) with `git log`. Git is run with
 * `execFile` and an argument list, never through a shell, and refs are resolved to hashes before they reach
 * `git log`, so a ref can never be taken for an option.
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export type GitReadErrorKind =
  | 'not-found'
  | 'not-a-repository'
  | 'bad-ref'
  | 'unknown-ref'
  | 'empty-range'
  | 'too-many-commits'
  | 'git-unavailable'
  | 'git-failed';

/** A problem with what the user asked for (or with git itself), with a message meant for them. */
export class GitReadError extends Error {
  readonly kind: GitReadErrorKind;
  constructor(kind: GitReadErrorKind, message: string) {
    super(message);
    this.name = 'GitReadError';
    this.kind = kind;
  }
}

export interface GitCommit {
  hash: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO 8601. */
  authorDate: string;
  committerDate: string;
  message: string;
}

export interface ResolvedRef {
  /** As the user gave it. */
  ref: string;
  hash: string;
  /** Committer date of the commit, ISO 8601. */
  date: string;
}

export interface CommitRange {
  repository: string;
  /** `null` when the range starts at the root of history. */
  from: ResolvedRef | null;
  to: ResolvedRef;
  /** Newest first, as `git log` lists them. */
  commits: GitCommit[];
}

export interface ReadRangeOptions {
  repository: string;
  /** Exclusive start (usually the previous release tag); omitted: from the first commit. */
  from?: string | null;
  /** Inclusive end; default `HEAD`. */
  to?: string | null;
  /** More commits than this is an error, found with a count before any message is read. */
  maxCommits: number;
  /** Upper bound of git's output in bytes. */
  maxBuffer?: number;
  /** Only commits that touch this path (a package of a monorepo), relative to the repository root. */
  path?: string | null;
}

const FIELD = '\u001f';
const DEFAULT_MAX_BUFFER = 256 * 1024 * 1024;

/** Without these, a `GIT_DIR` set in the caller's environment would silently win over `-C <repository>`. */
const INHERITED_GIT_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_NAMESPACE',
];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C' };
  for (const name of INHERITED_GIT_VARIABLES) delete env[name];
  return env;
}

interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

function runGit(repository: string, args: string[], maxBuffer = 16 * 1024 * 1024): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      ['-C', repository, '-c', 'log.showSignature=false', '-c', 'i18n.logOutputEncoding=UTF-8', ...args],
      { env: gitEnv(), maxBuffer, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolvePromise({ stdout, stderr, code: 0 });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new GitReadError('git-unavailable', 'git is not installed or not on the PATH'));
          return;
        }
        if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new GitReadError('git-failed', `git output exceeded ${maxBuffer} bytes`));
          return;
        }
        resolvePromise({ stdout, stderr, code: typeof error.code === 'number' ? error.code : 1 });
      },
    );
  });
}

async function checkRepository(path: string): Promise<string> {
  const repository = resolve(path);
  try {
    const info = await stat(repository);
    if (!info.isDirectory()) throw new GitReadError('not-a-repository', `${path} is not a directory`);
  } catch (error: unknown) {
    if (error instanceof GitReadError) throw error;
    throw new GitReadError('not-found', `${path} does not exist`);
  }
  const result = await runGit(repository, ['rev-parse', '--git-dir']);
  if (result.code !== 0) {
    throw new GitReadError('not-a-repository', `${path} is not a git repository (or bare git directory)`);
  }
  return repository;
}

/** A path filter is a plain relative path: no option, no pathspec magic, no way out of the repository. */
function checkPath(path: string): string {
  const clean = path
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  const hasControl = [...clean].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (clean === '' || clean === '.') return '.';
  if (clean.startsWith('-') || clean.startsWith('/') || clean.startsWith(':') || hasControl) {
    throw new GitReadError('bad-ref', `--path "${path}" is not a relative path inside the repository`);
  }
  if (clean.split('/').includes('..')) {
    throw new GitReadError('bad-ref', `--path "${path}" must not leave the repository`);
  }
  return clean;
}

/** Refs are names, not options or revision expressions with ranges: reject anything else up front. */
function checkRefSyntax(ref: string, flag: string): void {
  const hasControl = [...ref].some((ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
  if (ref === '' || ref.startsWith('-') || hasControl || /\s|\.\./.test(ref) || ref.length > 1024) {
    throw new GitReadError('bad-ref', `${flag} "${ref}" is not a valid ref name`);
  }
}

async function resolveRef(repository: string, ref: string, flag: string): Promise<ResolvedRef> {
  checkRefSyntax(ref, flag);
  const result = await runGit(repository, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const hash = result.stdout.trim();
  if (result.code !== 0 || !/^[0-9a-f]{40,64}$/.test(hash)) {
    throw new GitReadError('unknown-ref', `${flag} ${ref}: no such commit, branch or tag in ${repository}`);
  }
  const shown = await runGit(repository, ['show', '-s', '--format=%cI', hash]);
  return { ref, hash, date: shown.stdout.trim() };
}

function parseLog(stdout: string): GitCommit[] {
  const commits: GitCommit[] = [];
  for (const record of stdout.split('\u0000')) {
    if (record.trim() === '') continue;
    const fields = record.split(FIELD);
    const [hash = '', parents = '', authorName = '', authorEmail = '', authorDate = '', committerDate = ''] =
      fields;
    // The message is the last field, so a stray separator inside it cannot shift the others.
    const message = fields.slice(6).join(FIELD).trimEnd();
    commits.push({
      hash: hash.trim(),
      parents: parents.trim() === '' ? [] : parents.trim().split(' '),
      authorName,
      authorEmail,
      authorDate,
      committerDate,
      message,
    });
  }
  return commits;
}

/**
 * The commits reachable from `to` and not from `from`, newest first. Errors: missing path, not a repository,
 * unknown ref, empty range, more than `maxCommits` commits (each a `GitReadError` with a readable message).
 */
export async function readCommitRange(options: ReadRangeOptions): Promise<CommitRange> {
  const repository = await checkRepository(options.repository);
  const to = await resolveRef(repository, options.to ?? 'HEAD', '--to');
  const from = options.from ? await resolveRef(repository, options.from, '--from') : null;
  const paths = options.path ? ['--', checkPath(options.path)] : [];
  const revisions = [...(from ? [to.hash, `^${from.hash}`] : [to.hash]), ...paths];

  const counted = await runGit(repository, ['rev-list', '--count', ...revisions]);
  const count = Number(counted.stdout.trim());
  if (counted.code !== 0 || !Number.isInteger(count)) {
    throw new GitReadError('git-failed', `git rev-list failed: ${counted.stderr.trim()}`);
  }
  const range = `${from ? `${from.ref}..${to.ref}` : to.ref}${options.path ? ` (path ${options.path})` : ''}`;
  if (count === 0) {
    throw new GitReadError('empty-range', `the range ${range} contains no commits`);
  }
  if (count > options.maxCommits) {
    throw new GitReadError(
      'too-many-commits',
      `the range ${range} contains ${count} commits; at most ${options.maxCommits} are allowed`,
    );
  }

  const format = ['%H', '%P', '%aN', '%aE', '%aI', '%cI', '%B'].join('%x1f');
  const log = await runGit(
    repository,
    ['log', '-z', '--no-color', `--max-count=${options.maxCommits}`, `--format=${format}`, ...revisions],
    options.maxBuffer ?? DEFAULT_MAX_BUFFER,
  );
  if (log.code !== 0) throw new GitReadError('git-failed', `git log failed: ${log.stderr.trim()}`);
  return { repository, from, to, commits: parseLog(log.stdout) };
}

/** The `origin` remote's URL (for links), or `null` when there is none. */
export async function readRemoteUrl(repository: string, remote = 'origin'): Promise<string | null> {
  const result = await runGit(resolve(repository), ['remote', 'get-url', remote]);
  const url = result.stdout.trim();
  return result.code === 0 && url !== '' ? url : null;
}

export interface TagInfo {
  name: string;
  /** The commit the tag points to (annotated tags peeled). */
  hash: string;
}

/** Every tag of the repository with its commit. */
export async function listTags(repository: string): Promise<TagInfo[]> {
  const result = await runGit(resolve(repository), [
    'for-each-ref',
    '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)',
    'refs/tags',
  ]);
  if (result.code !== 0)
    throw new GitReadError('git-failed', `git for-each-ref failed: ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name = '', object = '', peeled = ''] = line.split('\u0000');
      return { name, hash: peeled || object };
    });
}

/**
 * The tags on the commit `to` names (default `HEAD`) and those on the commits before it (reachable from it),
 * sorted: what a default start of a range is chosen from.
 */
export async function tagsAround(
  repository: string,
  to: string | null,
): Promise<{ onTo: string[]; earlier: string[] }> {
  const checked = await checkRepository(repository);
  const { hash } = await resolveRef(checked, to ?? 'HEAD', '--to');
  const merged = await runGit(checked, ['tag', '--merged', hash]);
  if (merged.code !== 0) throw new GitReadError('git-failed', `git tag failed: ${merged.stderr.trim()}`);
  const onTo = await tagsAt(checked, hash);
  const earlier = merged.stdout
    .split('\n')
    .filter((name) => name !== '' && !onTo.includes(name))
    .sort();
  return { onTo, earlier };
}

/** The names of the tags that point at a commit (annotated tags peeled), sorted. */
export async function tagsAt(repository: string, hash: string): Promise<string[]> {
  const result = await runGit(resolve(repository), ['tag', '--points-at', hash]);
  if (result.code !== 0) throw new GitReadError('git-failed', `git tag failed: ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .filter((name) => name !== '')
    .sort();
}

/**
 * A file of the repository: from the working tree when there is one (so uncommitted edits count), else from
 * HEAD (a bare repository). `null` when it does not exist.
 */
export async function readRepositoryFile(repository: string, path: string): Promise<string | null> {
  const root = resolve(repository);
  const top = await runGit(root, ['rev-parse', '--show-toplevel']);
  if (top.code === 0 && top.stdout.trim() !== '') {
    try {
      return await readFile(join(top.stdout.trim(), path), 'utf8');
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
  const shown = await runGit(root, ['show', `HEAD:${path}`], 64 * 1024 * 1024);
  return shown.code === 0 ? shown.stdout : null;
}
