import { describe, expect, it } from 'vitest';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { createHeaderParser } from '../../../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../../../lambdas/core/logs/miner.ts';
import { fixtureLines, fixtureTruth, groupingAccuracy, SYSTEMS, type System } from './fixtures.ts';

function mine(system: System, format?: string): string[] {
  const lines = fixtureLines(system);
  const parser = createHeaderParser(lines, format === undefined ? {} : { format });
  const miner = new TemplateMiner();
  const ids = lines.map((line) => {
    const p = parser.parse(line);
    return miner.add(p.content, p);
  });
  miner.finalize();
  return ids.map((id) => miner.templateId(id));
}

describe('grouping on Loghub excerpts', () => {
  it.each(SYSTEMS)('groups %s lines as the ground truth does, with the header detected', (system) => {
    expect(groupingAccuracy(fixtureTruth(system), mine(system))).toBeGreaterThanOrEqual(0.75);
  });

  it('reaches a high average over the eight excerpts', () => {
    const scores = SYSTEMS.map((s) => groupingAccuracy(fixtureTruth(s), mine(s)));
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(0.88);
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
      groupingAccuracy(fixtureTruth(system), mine(system)),
    );
  });
});
