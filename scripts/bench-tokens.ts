/**
 * Token benchmark: `npm run bench:tokens [-- --data <dir>]`.
 *
 * For every system of Loghub-2k (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven
 * Log Analytics", ISSRE 2023): tokens of the raw log against tokens of what the summarizer sends a model
 * instead (the template digest prompt, all chained calls included), counted with gpt-tokenizer's o200k_base
 * encoding, which ships inside the package. Also checks that every template holding an error or warning is
 * listed in the digest. Target: at least 20× fewer tokens on every system.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { redactLog } from '../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { templateSeverity } from '../lambdas/core/llm/log-digest.ts';
import { DEFAULT_LOG_LLM_OPTIONS, digestPromptTokens } from '../lambdas/core/llm/log-summarizer.ts';
import { summarizeLog } from '../lambdas/core/logs/index.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const TARGET_RATIO = 20;

const args = scriptArgs({
  name: 'bench-tokens',
  usage: 'npm run bench:tokens -- [--data <dir>]',
  options: { data: { type: 'string' } },
});
const dir = existingDataPath('bench-tokens', 'loghub-2k', { option: '--data', value: args.values.data });

interface Row {
  system: string;
  lines: number;
  rawTokens: number;
  digestTokens: number;
  calls: number;
  ratio: number;
  templates: number;
  flagged: number;
  missing: number;
}

const rows: Row[] = [];
for (const name of readdirSync(dir).sort()) {
  const file = join(dir, name, `${name}_2k.log`);
  if (!statSync(join(dir, name)).isDirectory() || !existsSync(file)) continue;
  const original = readFileSync(file, 'utf8');
  // What the worker sees: the stored text is redacted at submission.
  const { text, redactions } = redactLog(original, { format: null, network: 'pseudonymise' });
  const result = summarizeLog(text, { priorRedactions: redactions });
  const { digest, plan } = digestPromptTokens(result.summary, result.templates, DEFAULT_LOG_LLM_OPTIONS);
  const inferred = result.summary.levels.source !== 'header';
  const flagged = result.templates.filter((t) => templateSeverity(t, inferred) !== null);
  const missing = flagged.filter((t) => !digest.ids.has(t.id)).length;
  const rawTokens = countTokens(original);
  rows.push({
    system: name,
    lines: result.summary.lines.total,
    rawTokens,
    digestTokens: plan.promptTokens,
    calls: plan.kind === 'single' ? 1 : plan.chunks.length + 1,
    ratio: rawTokens / plan.promptTokens,
    templates: result.summary.templates.total,
    flagged: flagged.length,
    missing: missing + plan.dropped,
  });
}

const header = [
  'system',
  'lines',
  'raw tokens',
  'digest tokens',
  'calls',
  'ratio',
  'templates',
  'err/warn tpl',
  'missing',
  'ok',
];
const table = rows.map((r) => [
  r.system,
  String(r.lines),
  String(r.rawTokens),
  String(r.digestTokens),
  String(r.calls),
  `${r.ratio.toFixed(1)}×`,
  String(r.templates),
  String(r.flagged),
  String(r.missing),
  r.ratio >= TARGET_RATIO && r.missing === 0 ? 'yes' : 'NO',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
process.stdout.write(
  `Raw log vs digest prompt tokens (o200k_base), target ≥ ${TARGET_RATIO}× and no error/warning template missing\n`,
);
process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
for (const row of table) process.stdout.write(`${line(row)}\n`);
const failed = rows.filter((r) => r.ratio < TARGET_RATIO || r.missing > 0);
const minRatio = Math.min(...rows.map((r) => r.ratio));
process.stdout.write(
  `\nminimum ratio ${minRatio.toFixed(1)}×; ${failed.length === 0 ? 'target met on every system' : `target missed on ${failed.map((r) => r.system).join(', ')}`}\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
