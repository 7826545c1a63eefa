import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** Loghub-2k excerpts shipped in test/fixtures/logs (see the README there for source and license). */
export const SYSTEMS = [
  'HDFS',
  'Hadoop',
  'Zookeeper',
  'BGL',
  'Linux',
  'HealthApp',
  'OpenStack',
  'Mac',
] as const;
export type System = (typeof SYSTEMS)[number];

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/logs');

export const fixturePath = (system: System): string => join(FIXTURES, `${system}_sample.log`);

export function fixtureText(system: System): string {
  return readFileSync(fixturePath(system), 'utf8');
}

export function fixtureLines(system: System): string[] {
  return fixtureText(system)
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
}

function truthRows(system: System): Record<string, string>[] {
  return parse(readFileSync(join(FIXTURES, `${system}_sample_truth.csv`), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
}

/** Original Loghub ground-truth template id per line. */
export function fixtureTruth(system: System): string[] {
  return truthRows(system).map((row) => row.EventId ?? '');
}

/** Template per line in the corrected ground truth of the Loghub-2.0 study. */
export function fixtureCorrectedTruth(system: System): string[] {
  return truthRows(system).map((row) => row.CorrectedTemplate ?? '');
}

/** Loghub grouping accuracy: a line counts when its predicted group has exactly the lines of its true group. */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  const size = new Map<string, number>();
  for (const p of predicted) size.set(p, (size.get(p) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  truth.forEach((t, i) => {
    groups.set(t, [...(groups.get(t) ?? []), i]);
  });
  let correct = 0;
  for (const members of groups.values()) {
    const p = predicted[members[0] ?? 0];
    if (p !== undefined && members.every((i) => predicted[i] === p) && size.get(p) === members.length) {
      correct += members.length;
    }
  }
  return correct / truth.length;
}
