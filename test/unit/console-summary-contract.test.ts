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
});
