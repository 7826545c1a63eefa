/**
 * Loads the changelog fixture cases (test/fixtures/changelog/*.json) and scores a generated changelog against
 * one; shared by the fixture tests and `npm run bench:changelog`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Changelog, ChangelogInput } from '../../../lambdas/core/changelog/index.ts';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/changelog');

export interface ExpectedItem {
  description: string;
  pr: number | null;
  issues: number[];
}

export interface FixtureCase {
  file: string;
  name: string;
  commits: ChangelogInput['commits'];
  input: Partial<ChangelogInput>;
  expected: {
    bump?: string;
    version?: string | null;
    sections: Record<string, string[]>;
    items?: ExpectedItem[];
  };
}

interface FixtureFile {
  source: string;
  cases: Array<Omit<FixtureCase, 'file' | 'input'> & { input?: Partial<ChangelogInput> }>;
}

export function loadFixtureCases(): FixtureCase[] {
  const files = readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.flatMap((file) => {
    const parsed = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as FixtureFile;
    return parsed.cases.map((c) => ({ ...c, file, input: c.input ?? {} }));
  });
}

export function inputFor(fixture: FixtureCase): ChangelogInput {
  return { date: '2024-05-01', ...fixture.input, commits: fixture.commits };
}

type Item = Changelog['sections'][number]['items'][number];

/**
 * `**scope:** description`, or the description alone: the form of the fixtures and of published notes; in
 * "Other changes" an unmapped type is shown as its header does, `type(scope): description`.
 */
export function itemLabel(item: Item, kind: Changelog['sections'][number]['kind']): string {
  if (kind === 'other' && item.type) {
    return `${item.type}${item.scope ? `(${item.scope})` : ''}: ${item.description}`;
  }
  return item.scope ? `**${item.scope}:** ${item.description}` : item.description;
}

/** Sections of a changelog as `title → sorted labels`, in the changelog's section order. */
export function sectionLabels(changelog: Changelog): Array<[string, string[]]> {
  return changelog.sections.map((s) => [s.title, s.items.map((i) => itemLabel(i, s.kind)).sort()]);
}

const normalise = (section: string, label: string): string =>
  `${section.replace(/\s+/g, ' ').trim().toLowerCase()}|${label.replace(/\s+/g, ' ').trim().toLowerCase()}`;

/** Item-level matches: an item matches when section and `scope: description` agree after normalisation. */
export function scoreItems(
  changelog: Changelog,
  expected: Record<string, string[]>,
): { truePositives: number; produced: number; expected: number } {
  const wanted = Object.entries(expected).flatMap(([title, labels]) =>
    labels.map((l) => normalise(title, l)),
  );
  const produced = sectionLabels(changelog).flatMap(([title, labels]) =>
    labels.map((l) => normalise(title, l)),
  );
  const pool = [...wanted];
  let truePositives = 0;
  for (const item of produced) {
    const index = pool.indexOf(item);
    if (index !== -1) {
      truePositives++;
      pool.splice(index, 1);
    }
  }
  return { truePositives, produced: produced.length, expected: wanted.length };
}
