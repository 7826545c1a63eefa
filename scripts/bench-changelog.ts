/**
 * `npm run bench:changelog`:
 *
 * - speed of the changelog generator on 10,000 synthetic commits (target: under one second for validation,
 *   parsing, generation and Markdown together);
 * - item-level F1 on the hand-made fixtures of test/fixtures/changelog, next to a naive subject-line grouping;
 * - real-history mode: every release of a repository's published CHANGELOG.md regenerated from its tag range
 *   with `ai-ops changelog` and scored item by item (target: F1 >= 0.97, 0 command failures). Without
 *   `--repo` it runs on the fixture histories of test/fixtures/changelog/history, built into a temporary
 *   directory; with `--repo <path>` (repeatable) on local repositories:
 *
 *     npm run bench:changelog -- --repo ../some-repo [--repo ../other] [--path packages/x]
 *                                [--changelog packages/x/CHANGELOG.md] [--config file] [--limit 20] [--verbose]
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type Changelog,
  type ChangelogInput,
  DEFAULT_SECTIONS,
  emptyStats,
  f1Score as f1,
  generateChangelog,
  MAX_COMMITS,
} from '../lambdas/core/changelog/index.ts';
import { buildHistoryRepo, HISTORY_DIR, loadHistorySpec } from '../test/fixtures/changelog/history-repo.ts';
import { inputFor, loadFixtureCases, scoreItems } from '../test/unit/changelog/fixture-cases.ts';
import { type HistoryResult, scoreHistory } from './changelog-history.ts';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';

/** Small deterministic generator, so every run times the same input. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function syntheticCommits(count: number): Array<{ message: string; hash: string; author: { name: string } }> {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const types = [
    'feat',
    'fix',
    'fix',
    'chore',
    'chore',
    'docs',
    'perf',
    'refactor',
    'test',
    'ci',
    'build',
    'Feat',
  ];
  const scopes = [null, null, 'api', 'core', 'deps', 'cli', 'ui', 'parser'];
  const bodies = [
    '',
    '',
    '',
    'Explains the change in a sentence or two.\n\nCloses #123',
    '* fix: first step\n\n* chore: lint\n\n---------\n\nCo-authored-by: Ann Lee <ann@example.com>',
    'BREAKING CHANGE: the option was renamed;\nupdate your configuration.\nSigned-off-by: Bo <bo@example.com>',
    'Refs: #9\nReviewed-by: Kim <kim@example.com>',
  ];
  const commits: Array<{ message: string; hash: string; author: { name: string } }> = [];
  for (let i = 0; i < count; i++) {
    const hash = (i + 1).toString(16).padStart(40, '0');
    const author = { name: pick(['Ann Lee', 'Bo Chen', 'Kim Park', 'dependabot[bot]']) };
    const roll = next();
    let message: string;
    if (roll < 0.03) message = `Merge pull request #${i} from octo/branch-${i}\n\nfeat: merged ${i}`;
    else if (roll < 0.06) message = `Update README.md for release ${i}`;
    else if (roll < 0.07 && i > 0) {
      const target = commits[Math.floor(next() * commits.length)];
      const header = target?.message.split('\n', 1)[0] ?? 'feat: x';
      message = `Revert "${header}"\n\nThis reverts commit ${target?.hash ?? hash}.`;
    } else {
      const scope = pick(scopes);
      const bang = next() < 0.02 ? '!' : '';
      const pr = next() < 0.5 ? ` (#${1000 + i})` : '';
      const body = pick(bodies);
      message = `${pick(types)}${scope ? `(${scope})` : ''}${bang}: change number ${i} to the system${pr}`;
      if (body) message += `\n\n${body}`;
    }
    commits.push({ message, hash, author });
  }
  return commits;
}

/** Three decimals, the precision of every score printed. */
function pct(n: number): string {
  return n.toFixed(3);
}

/**
 * Wall-clock samples, and the median CPU time of the process (user + system) beside them: on a shared machine
 * the wall clock includes waiting for a core, the CPU time much less so.
 */
function time(runs: number, task: () => void): { min: number; median: number; max: number; cpu: number } {
  task();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    task();
    const used = process.cpuUsage(startCpu);
    samples.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  return {
    min: samples[0] ?? 0,
    median: samples[middle] ?? 0,
    max: samples.at(-1) ?? 0,
    cpu: cpu[middle] ?? 0,
  };
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** The reference point the issue quotes: group by the header's type, description as written, nothing else. */
function naiveChangelog(input: ChangelogInput): Changelog {
  const sectionOf = new Map(DEFAULT_SECTIONS.filter((r) => !r.hidden).map((r) => [r.type, r.section]));
  const sections = new Map<string, Changelog['sections'][number]>();
  for (const commit of input.commits) {
    const message = typeof commit === 'string' ? commit : 'message' in commit ? commit.message : '';
    const match = /^(\w+)(?:\(([^)]*)\))?!?: (.*)$/.exec(message.split('\n', 1)[0] ?? '');
    const title = match?.[1] ? sectionOf.get(match[1]) : undefined;
    if (!match || !title) continue;
    const section = sections.get(title) ?? { title, kind: 'type' as const, items: [] };
    sections.set(title, section);
    section.items.push({
      type: match[1] ?? null,
      rawType: match[1] ?? null,
      scope: match[2] || null,
      description: match[3] ?? '',
      hash: null,
      shortHash: null,
      pr: null,
      issues: [],
      breaking: false,
      author: null,
    });
  }
  return {
    version: null,
    previousVersion: null,
    date: '',
    bump: 'none',
    sections: [...sections.values()],
    contributors: [],
    stats: emptyStats(0),
    markdown: '',
  };
}

function benchSpeed(): void {
  const commits = syntheticCommits(MAX_COMMITS);
  const structured: ChangelogInput['commits'] = commits.map((_, i) => ({
    type: i % 3 === 0 ? 'feat' : 'fix',
    scope: i % 5 === 0 ? 'api' : null,
    description: `structured change ${i}`,
    pr: i + 1,
    author: 'Ann Lee',
  }));
  const rawInput: ChangelogInput = {
    commits,
    previousVersion: '1.4.2',
    repositoryUrl: 'https://github.com/octo/app',
    date: '2024-05-01',
  };
  let last: Changelog | null = null;
  const raw = time(5, () => {
    last = generateChangelog(rawInput);
  });
  const entries = time(5, () => {
    generateChangelog({ commits: structured, previousVersion: '1.4.2', date: '2024-05-01' });
  });
  const summary = last as Changelog | null;
  const items = summary?.sections.reduce((n, s) => n + s.items.length, 0) ?? 0;
  const ms = (n: number) => n.toFixed(1);

  console.log('\nChangelog generation (validate + parse + generate + Markdown), 5 runs after a warm-up\n');
  console.log(
    table(
      ['input', 'commits', 'items out', 'min ms', 'median ms', 'max ms', 'median CPU ms', 'target'],
      [
        [
          'raw messages',
          commits.length,
          items,
          ms(raw.min),
          ms(raw.median),
          ms(raw.max),
          ms(raw.cpu),
          raw.median < 1000 ? '< 1000 ms ok' : 'MISSED',
        ],
        [
          'structured entries',
          structured.length,
          structured.length,
          ms(entries.min),
          ms(entries.median),
          ms(entries.max),
          ms(entries.cpu),
          entries.median < 1000 ? '< 1000 ms ok' : 'MISSED',
        ],
      ],
    ),
  );
  if (summary) {
    console.log(
      `\nraw run: version ${summary.version}, bump ${summary.bump}, ${summary.sections.length} sections, ` +
        `stats ${JSON.stringify(summary.stats)}, Markdown ${summary.markdown.length} chars`,
    );
  }
}

function benchFixtures(): void {
  const byFile = new Map<
    string,
    { tp: number; produced: number; expected: number; naiveTp: number; naive: number }
  >();
  for (const fixture of loadFixtureCases()) {
    const input = inputFor(fixture);
    const score = scoreItems(generateChangelog(input), fixture.expected.sections);
    const naive = scoreItems(naiveChangelog(input), fixture.expected.sections);
    const row = byFile.get(fixture.file) ?? { tp: 0, produced: 0, expected: 0, naiveTp: 0, naive: 0 };
    row.tp += score.truePositives;
    row.produced += score.produced;
    row.expected += score.expected;
    row.naiveTp += naive.truePositives;
    row.naive += naive.produced;
    byFile.set(fixture.file, row);
  }
  type Row = { tp: number; produced: number; expected: number; naiveTp: number; naive: number };
  const line = (label: string, row: Row): Array<string | number> => {
    const ours = f1(row.tp, row.produced, row.expected);
    const naive = f1(row.naiveTp, row.naive, row.expected);
    return [
      label,
      row.expected,
      row.produced,
      row.tp,
      pct(ours.precision),
      pct(ours.recall),
      pct(ours.f1),
      pct(naive.f1),
    ];
  };
  const rows: Array<Array<string | number>> = [];
  const total: Row = { tp: 0, produced: 0, expected: 0, naiveTp: 0, naive: 0 };
  for (const [file, row] of byFile) {
    rows.push(line(file, row));
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += row[key];
  }
  rows.push(line('all (micro)', total));
  console.log(
    '\nItem-level F1 on the hand-made fixtures (section + scope + description, whitespace/case normalised)\n',
  );
  console.log(
    table(['fixture', 'expected', 'produced', 'matched', 'precision', 'recall', 'F1', 'naive F1'], rows),
  );
  console.log(
    '\nThe fixtures are rule cases, not a sample of real histories: read F1 here as a regression check.',
  );
}

/** One row per release, then the repository's totals; returns the totals for the overall line. */
function printHistory(
  result: HistoryResult,
  verbose: boolean,
): { matched: number; produced: number; expected: number; failed: number; scored: number; f1Sum: number } {
  const totals = { matched: 0, produced: 0, expected: 0, failed: 0, scored: 0, f1Sum: 0 };
  const rows: Array<Array<string | number>> = [];
  for (const release of result.releases) {
    const score = release.score;
    const range = release.to === null ? '' : `${release.from ?? '(root)'}..${release.to}`;
    if (!score) {
      if (release.status === 'failed') totals.failed++;
      rows.push([
        release.version,
        range,
        release.status,
        '',
        '',
        '',
        '',
        '',
        '',
        (release.reason ?? '').slice(0, 60),
      ]);
      continue;
    }
    const f = f1(score.matched, score.produced, score.expected);
    totals.matched += score.matched;
    totals.produced += score.produced;
    totals.expected += score.expected;
    totals.scored++;
    totals.f1Sum += f.f1;
    rows.push([
      release.version,
      range,
      release.status,
      score.expected,
      score.produced,
      score.matched,
      pct(f.precision),
      pct(f.recall),
      pct(f.f1),
      `${release.ms.toFixed(0)} ms`,
    ]);
  }
  const all = f1(totals.matched, totals.produced, totals.expected);
  rows.push([
    'all (micro)',
    '',
    `${totals.scored} scored`,
    totals.expected,
    totals.produced,
    totals.matched,
    pct(all.precision),
    pct(all.recall),
    pct(all.f1),
    `${totals.failed} failed`,
  ]);
  console.log(`\n${result.repository} (${result.changelog})\n`);
  console.log(
    table(
      ['release', 'range', 'status', 'published', 'produced', 'matched', 'precision', 'recall', 'F1', 'note'],
      rows,
    ),
  );
  if (result.excluded > 0)
    console.log(
      `(${result.excluded} published items not made from commits left out: release-please's workspace dependency notes)`,
    );
  if (verbose) {
    for (const release of result.releases) {
      for (const key of release.score?.missing ?? [])
        console.log(`  ${release.version} missing  ${key.replace('\u0000', ' | ')}`);
      for (const key of release.score?.extra ?? [])
        console.log(`  ${release.version} extra    ${key.replace('\u0000', ' | ')}`);
    }
  }
  return totals;
}

async function benchHistories(options: {
  repos: string[];
  path: string | null;
  changelog: string | null;
  config: string | null;
  limit: number | null;
  verbose: boolean;
}): Promise<void> {
  const scratch = options.repos.length === 0 ? scratchDir('ai-ops-bench-history-') : null;
  const repos = [...options.repos];
  try {
    if (scratch) {
      for (const file of readdirSync(HISTORY_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const name = file.replace(/\.json$/, '');
        await buildHistoryRepo(join(scratch, name), loadHistorySpec(name));
        repos.push(join(scratch, name));
      }
      console.log(
        '\nReal-history mode on the fixture histories (test/fixtures/changelog/history; pass --repo <path> for a real repository)',
      );
    }
    const overall = { matched: 0, produced: 0, expected: 0, failed: 0, scored: 0, f1Sum: 0 };
    for (const repository of repos) {
      let result: HistoryResult;
      try {
        result = await scoreHistory({
          repository,
          path: options.path,
          changelog: options.changelog,
          config: options.config,
          limit: options.limit,
        });
      } catch (error: unknown) {
        console.log(`\n${repository}: ${error instanceof Error ? error.message : String(error)}`);
        overall.failed++;
        continue;
      }
      const totals = printHistory(result, options.verbose);
      for (const key of Object.keys(overall) as Array<keyof typeof overall>) overall[key] += totals[key];
    }
    if (overall.scored === 0) {
      console.log('\nOverall: no release could be scored (see the reasons above) — target MISSED');
      return;
    }
    const micro = f1(overall.matched, overall.produced, overall.expected);
    const macro = overall.scored === 0 ? 0 : overall.f1Sum / overall.scored;
    console.log(
      `\nOverall: ${overall.scored} releases in ${repos.length} repositories, item-F1 micro ${pct(micro.f1)} (P ${pct(micro.precision)}, R ${pct(micro.recall)}), macro ${pct(macro)} — target >= 0.97: ${micro.f1 >= 0.97 ? 'ok' : 'MISSED'}; command failures: ${overall.failed} — target 0: ${overall.failed === 0 ? 'ok' : 'MISSED'}`,
    );
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

const parsed = scriptArgs({
  name: 'bench-changelog',
  usage:
    'npm run bench:changelog -- [--repo <path>]... [--path <dir>] [--changelog <file>] [--config <file>] [--limit <n>] [--verbose]',
  options: {
    repo: { type: 'string', multiple: true },
    path: { type: 'string' },
    changelog: { type: 'string' },
    config: { type: 'string' },
    limit: { type: 'string' },
    verbose: { type: 'boolean' },
  },
});
const args = parsed.values;
const limit = parsed.optionalNumber('limit', { integer: true, min: 1 });
const repos = args.repo ?? [];
if (repos.length === 0) {
  benchSpeed();
  benchFixtures();
}
await benchHistories({
  repos,
  path: args.path ?? null,
  changelog: args.changelog ?? null,
  config: args.config ?? null,
  limit: limit ?? null,
  verbose: args.verbose === true,
});
