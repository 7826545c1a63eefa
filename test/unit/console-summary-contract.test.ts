import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../lambdas/core/logs/index.ts';
import { readSummary, readTemplateDetails } from '../../web/src/pages/logs/summary-model.ts';

/** The console reads what the summarizer writes: every section of today's summary JSON reaches the page. */
describe('console summary model over the summarizer output', () => {
  const raw = readFileSync('test/fixtures/logs/BGL_sample.log', 'utf8');
  const result = summarizeLog(raw);
  // As stored and sent: through JSON (AWSJSON is a string).
  const json = JSON.parse(JSON.stringify(result.summary));
  const templates = JSON.parse(JSON.stringify(result.templates));

  it('reads the counts, levels, templates, time line, components, hosts and first error', () => {
    const model = readSummary(json);
    expect(model).not.toBeNull();
    if (!model) return;
    expect(model.lines.analysed).toBe(result.summary.lines.analysed);
    expect(model.levels.counts).toEqual(result.summary.levels.counts);
    expect(model.topTemplates.map((t) => t.id)).toEqual(result.summary.topTemplates.map((t) => t.id));
    expect(model.errorTemplates).toHaveLength(result.summary.errorTemplates.length);
    // How many of each error template's lines are errors, and why ("20 errors of 1,200 lines").
    expect(model.errorTemplates.map((t) => t.errors)).toEqual(
      result.summary.errorTemplates.map((t) => t.errors),
    );
    expect(model.errorTemplates.every((t) => t.errors !== undefined)).toBe(true);
    expect(model.timeline?.windows.length).toBe(result.summary.timeline?.windows.length);
    expect(model.topHosts.length).toBeGreaterThan(0);
    expect(model.firstError?.template).toBe(result.summary.firstError?.template);
    expect(model.incidents).toHaveLength(result.summary.incidents.length);
    expect(model.errors).toBe(result.summary.errors.total);
    expect(model.topHosts.map((h) => h.name)).toEqual(result.summary.topHosts.map((h) => h.name));
  });

  it("shows the summarizer's headline, and composes one for an older summary without it", () => {
    expect(readSummary(json)?.headline).toBe(result.summary.headline);
    const { headline: _dropped, ...older } = json;
    const errors = result.summary.errors.total;
    expect(readSummary(older)?.headline).toMatch(
      new RegExp(`^${result.summary.lines.analysed} lines over .*, ${errors} errors`),
    );
  });

  it('finds the values behind the wildcards of each top template', () => {
    const details = readTemplateDetails(templates);
    const withValues = result.summary.topTemplates.filter((t) =>
      details.get(t.id)?.parameters.some((p) => p.values.length > 0),
    );
    expect(withValues.length).toBeGreaterThan(0);
  });

  it('reads the durations the lines name, per template, as the summarizer wrote them', () => {
    const report = (i: number) =>
      `2026-12-04T10:00:${String(i).padStart(2, '0')}.000Z REPORT RequestId: 3f1c${String(i).padStart(4, '0')}-0b5e-4c1a-9d2e-7a6b5c4d3e2f\tDuration: ${100 + i * 10}.00 ms\tBilled Duration: ${101 + i * 10} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB`;
    const written = summarizeLog(Array.from({ length: 20 }, (_, i) => report(i)).join('\n')).summary;
    const model = readSummary(JSON.parse(JSON.stringify(written)));
    const first = written.durations?.[0];
    expect(first).toBeDefined();
    expect(model?.durations).toEqual([
      {
        id: first?.id,
        template: first?.template,
        count: 20,
        p50: first?.durationMs.p50,
        p95: first?.durationMs.p95,
        max: first?.durationMs.max,
      },
    ]);
    expect(readSummary(json)?.durations).toEqual([]);
  });
});
