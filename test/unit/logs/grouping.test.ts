import { describe, expect, it } from 'vitest';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { createHeaderParser } from '../../../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../../../lambdas/core/logs/miner.ts';
import { scoreParsing } from '../../../scripts/log-metrics.ts';
import {
  fixtureCorrectedTruth,
  fixtureLines,
  fixtureTruth,
  groupingAccuracy,
  SYSTEMS,
  type System,
} from './fixtures.ts';

/** Final template id and text of every line of an excerpt. */
function mine(system: System, format?: string): { ids: string[]; texts: string[] } {
  const lines = fixtureLines(system);
  const parser = createHeaderParser(lines, format === undefined ? {} : { format });
  const miner = new TemplateMiner();
  const ids = lines.map((line) => {
    const p = parser.parse(line);
    return miner.add(p.content, p);
  });
  miner.finalize();
  return { ids: ids.map((id) => miner.templateId(id)), texts: ids.map((id) => miner.templateText(id)) };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('grouping on Loghub excerpts', () => {
  it.each(SYSTEMS)('groups %s lines as the corrected ground truth does, header detected', (system) => {
    const scores = scoreParsing(fixtureCorrectedTruth(system), mine(system).texts);
    expect(scores.ga).toBeGreaterThanOrEqual(0.8);
  });

  it('reaches high grouping and parsing accuracy over the eight excerpts (corrected truth)', () => {
    const scores = SYSTEMS.map((s) => scoreParsing(fixtureCorrectedTruth(s), mine(s).texts));
    expect(mean(scores.map((s) => s.ga))).toBeGreaterThanOrEqual(0.95);
    expect(mean(scores.map((s) => s.pa))).toBeGreaterThanOrEqual(0.75);
    expect(mean(scores.map((s) => s.fta))).toBeGreaterThanOrEqual(0.7);
  });

  it('groups the excerpts close to the original ground truth too', () => {
    const scores = SYSTEMS.map((s) => groupingAccuracy(fixtureTruth(s), mine(s).ids));
    expect(mean(scores)).toBeGreaterThanOrEqual(0.9);
  });

  it('groups the same with an explicit Loghub format', () => {
    const format = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
    expect(mine('HDFS', format)).toEqual(mine('HDFS'));
  });

  it.each(SYSTEMS)('groups %s the same after PII redaction', (system) => {
    const analyzer = new LogAnalyzer({ redact: true });
    const ids: number[] = [];
    analyzer.onLine = (_line, cluster) => ids.push(cluster);
    for (const line of fixtureLines(system)) analyzer.push(line);
    analyzer.end();
    const redacted = ids.map((id) => analyzer.miner.templateId(id));
    expect(groupingAccuracy(fixtureTruth(system), redacted)).toBe(
      groupingAccuracy(fixtureTruth(system), mine(system).ids),
    );
  });
});
