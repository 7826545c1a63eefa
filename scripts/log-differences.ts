/**
 * For development: prints how the predicted templates differ from the truth, largest first: true templates
 * split over several predicted ones or sharing one, and template texts that differ.
 */
import { normaliseTemplate } from './log-metrics.ts';

function tally(keys: readonly string[], values: readonly string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  keys.forEach((k, i) => {
    const v = values[i] as string;
    const m = out.get(k) ?? new Map<string, number>();
    m.set(v, (m.get(v) ?? 0) + 1);
    out.set(k, m);
  });
  return out;
}

export function printDifferences(truth: readonly string[], predicted: readonly string[]): void {
  const t = truth.map(normaliseTemplate);
  const p = predicted.map(normaliseTemplate);
  const byTruth = tally(t, p);
  const byPredicted = tally(p, t);
  const grouping: [number, string][] = [];
  const text: [number, string][] = [];
  for (const [template, parts] of byTruth) {
    const lines = [...parts.values()].reduce((a, b) => a + b, 0);
    const [[first]] = [...parts] as [[string, number]];
    if (parts.size === 1 && byPredicted.get(first)?.size === 1) {
      if (first !== template) text.push([lines, `${lines} lines\n  truth ${template}\n  got   ${first}`]);
      continue;
    }
    const detail = [...parts]
      .map(
        ([q, n]) => `  ${String(n).padStart(5)} -> ${q}  (holds ${byPredicted.get(q)?.size} true templates)`,
      )
      .join('\n');
    grouping.push([lines, `${lines} lines: ${template}\n${detail}`]);
  }
  const print = (title: string, items: [number, string][]) => {
    items.sort((a, b) => b[0] - a[0]);
    process.stdout.write(`\n== ${title} (${items.length})\n${items.map((x) => x[1]).join('\n')}\n`);
  };
  print('grouping differences', grouping);
  print('text differences', text);
}
