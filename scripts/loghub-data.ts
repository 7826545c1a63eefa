/**
 * The Loghub-2k development systems with both ground truths: the original labels (`loghub-2k/<S>/`) and
 * the corrected ones of the Loghub-2.0 study (`loghub-2k-corrected/<S>/`). Data: Zhu et al., "Loghub: A
 * Large Collection of System Log Datasets for AI-driven Log Analytics", ISSRE 2023; corrections: Jiang et
 * al., ISSTA 2024 (logpai/logparser `data/loghub_2k_corrected`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface GroundTruth {
  /** Raw lines of the log this truth labels. */
  lines: string[];
  /** True template text of each line. */
  templates: string[];
  /** Loghub's message (`Content`) of each line. */
  content: string[];
}

export interface LoghubSystem {
  name: string;
  original: GroundTruth;
  /** Undefined when the corrected labels are not there. */
  corrected: GroundTruth | undefined;
}

function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function readTruth(lines: string[], csvFile: string): GroundTruth | undefined {
  if (!existsSync(csvFile)) return undefined;
  const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  if (rows.length !== lines.length) {
    process.stderr.write(`skipping ${csvFile}: ${lines.length} lines but ${rows.length} rows\n`);
    return undefined;
  }
  return {
    lines,
    templates: rows.map((r) => r.EventTemplate ?? ''),
    content: rows.map((r) => r.Content ?? ''),
  };
}

/** Every `<S>/<S>_2k.log` with its labels under `dir`, the corrected labels from `correctedDir`. */
export function loadLoghub(dir: string, correctedDir: string | undefined): LoghubSystem[] {
  const out: LoghubSystem[] = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    const logFile = join(folder, `${name}_2k.log`);
    if (!existsSync(logFile)) continue;
    const lines = readLines(logFile);
    const original = readTruth(lines, join(folder, `${name}_2k.log_structured.csv`));
    if (!original) continue;
    let corrected: GroundTruth | undefined;
    if (correctedDir !== undefined) {
      const own = join(correctedDir, name, `${name}_2k.log`);
      // The corrected set ships its own copy of a log where the labels needed the raw text fixed.
      const correctedLines = existsSync(own) ? readLines(own) : lines;
      corrected = readTruth(
        correctedLines,
        join(correctedDir, name, `${name}_2k.log_structured_corrected.csv`),
      );
    }
    out.push({ name, original, corrected });
  }
  return out;
}
