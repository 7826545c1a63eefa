/**
 * How exactly the console's template matcher (web/src/pages/logs/template-lines.ts) finds each template's
 * lines in the stored text, against the miner's own assignment (which is not stored), on the Loghub-2k
 * development logs or given files. Per log: templates whose matched count equals the summary's, lines that
 * match no template (continuations of an event aside), lines matched by two or more templates, lines given to
 * another template than the miner's; the same when the first matching template in the summary's order wins
 * instead of the most specific; and, for error templates only some of whose lines are errors, those whose
 * error lines the console finds exactly.
 * `AI_OPS_DATA_DIR=… npx tsx scripts/template-lines-check.ts [--systems HDFS,BGL] [--files a.log,b.log] [--verbose]`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactLog } from '../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { createSummaryAnalyzer, finishSummary } from '../lambdas/core/logs/summarize-log.ts';
import {
  type CompiledTemplate,
  compileTemplate,
  findTemplateLines,
  indexLog,
  matches,
} from '../web/src/pages/logs/template-lines.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const args = scriptArgs({
  name: 'template-lines-check',
  usage:
    'AI_OPS_DATA_DIR=… npx tsx scripts/template-lines-check.ts [--data <dir>] [--systems HDFS,BGL] [--files a.log,b.log] [--verbose]',
  options: {
    data: { type: 'string' },
    systems: { type: 'string' },
    files: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

/** Per line, the template it goes to ('' for a continuation or no template) with `pick` choosing. */
function assign(lines: string[], pick: (line: string) => CompiledTemplate | undefined): string[] {
  let inEvent = false;
  return lines.map((line) => {
    const c = pick(line);
    if (!c) return inEvent ? '' : '?';
    inEvent = true;
    return c.id;
  });
}

function check(name: string, raw: string): void {
  const stored = redactLog(raw, { format: null, network: 'pseudonymise' }).text;
  const analyzer = createSummaryAnalyzer({ network: 'pseudonymise', receivedAt: Date.UTC(2026, 11, 7) });
  const clusters: number[] = [];
  analyzer.onLine = (_line, cluster) => clusters.push(cluster);
  analyzer.reservePseudonyms(stored);
  const index = indexLog(stored, []);
  for (const line of index.lines) analyzer.push(line);
  // The console gets the 500 most frequent templates (LogSummary.templates), as the worker stores them.
  const { templates, summary } = finishSummary(analyzer);
  const miner = (n: number): string => {
    const c = clusters[n] ?? -1;
    return c < 0 ? '' : analyzer.miner.templateId(analyzer.miner.resolve(c));
  };
  const full = indexLog(stored, templates);
  const inOrder = templates.map((t) => compileTemplate(t));
  const specific = assign(index.lines, (l) => full.templates.find((c) => matches(c, l)));
  const ordered = assign(index.lines, (l) => inOrder.find((c) => matches(c, l)));
  const report = (label: string, got: string[]) => {
    const counts = new Map<string, number>();
    for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
    const exact = templates.filter((t) => counts.get(t.id) === t.count).length;
    const other = got.filter((id, n) => id !== '' && id !== miner(n)).length;
    return `${label} exact ${exact}/${templates.length}, lines to another template ${other}, none ${counts.get('?') ?? 0}`;
  };
  const multi = index.lines.filter((l) => full.templates.filter((c) => matches(c, l)).length > 1).length;
  const mixed = summary.errorTemplates.filter((t) => t.errors && t.errors.lines < t.count);
  const errorsExact = mixed.filter(
    (t) => findTemplateLines(full, { id: t.id, limit: 0 }).errors === t.errors?.lines,
  ).length;
  process.stdout.write(
    `${name}: ${index.lines.length} lines, claimed by ≥2 templates ${multi}\n  ${report('most specific:', specific)}\n` +
      `  ${report('summary order:', ordered)}\n  error templates with some error lines: errors found exactly ${errorsExact}/${mixed.length}\n`,
  );
  if (!args.values.verbose) return;
  specific.forEach((id, n) => {
    if (id !== '' && id !== miner(n)) {
      const text = (x: string) => templates.find((t) => t.id === x)?.template ?? '(none)';
      process.stdout.write(
        `    line ${n + 1}: miner ${miner(n)} ${text(miner(n))} · matcher ${id} ${text(id)}\n`,
      );
    }
  });
}

const files = args.values.files;
if (files) {
  for (const file of files.split(',')) check(file.split('/').pop() ?? file, readFileSync(file, 'utf8'));
} else {
  const dir = existingDataPath('template-lines-check', 'loghub-2k', {
    option: '--data',
    value: args.values.data,
  });
  const only = args.values.systems?.split(',');
  for (const system of readdirSync(dir).sort()) {
    if (only && !only.includes(system)) continue;
    try {
      check(system, readFileSync(join(dir, system, `${system}_2k.log`), 'utf8'));
    } catch (error: unknown) {
      if (
        (error as NodeJS.ErrnoException).code !== 'ENOENT' &&
        (error as NodeJS.ErrnoException).code !== 'ENOTDIR'
      )
        throw error;
    }
  }
}
