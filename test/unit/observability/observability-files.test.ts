import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_KIND_NAMES } from '../../../lambdas/core/jobs/registry.ts';
import { LLM_TASKS } from '../../../lambdas/core/llm/ports.ts';
import { PROMETHEUS_SOURCES, prometheusMetric } from '../../../lambdas/core/metrics.ts';
import { createPrometheusExporter } from '../../../local/prometheus.ts';
import { alertRules } from '../../../scripts/observability/alert-rules.ts';
import { grafanaDashboard } from '../../../scripts/observability/dashboard.ts';
import { OBSERVABILITY_FILES } from '../../../scripts/observability.ts';
import { runbookAnchors } from '../../support/runbook.ts';

const root = resolve(import.meta.dirname, '../../..');

/** Function names, keywords and aggregation modifiers of PromQL: never metric names. */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'bool', 'offset']);

/** The metric names a PromQL expression reads (strings, label matchers, ranges and groupings removed). */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)) {
    const [name, call] = [match[0], match[1]];
    if (call || PROMQL_WORDS.has(name) || /^\d/.test(name)) continue;
    names.push(name);
  }
  return names;
}

/** Every series name /metrics serves: each family, and a histogram's _bucket, _sum and _count. */
async function servedNames(): Promise<Set<string>> {
  const exporter = createPrometheusExporter({ knownDimensions: { kind: JOB_KIND_NAMES, task: LLM_TASKS } });
  const served = new Set<string>();
  for (const [, name, type] of (await exporter.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    served.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) served.add(`${name}${suffix}`);
  }
  return served;
}

const dashboardExprs = () =>
  grafanaDashboard().panels.flatMap((panel) =>
    'targets' in panel ? (panel.targets as { expr: string }[]).map((target) => target.expr) : [],
  );

describe('observability/ (Prometheus rules and Grafana dashboard)', () => {
  it('holds exactly what npm run observability generates from the metric definitions', () => {
    for (const [path, file] of Object.entries(OBSERVABILITY_FILES)) {
      const onDisk = readFileSync(resolve(root, path), 'utf8');
      expect(file.current(onDisk), `${path} is stale: run npm run observability`).toBe(true);
    }
  });

  it('links every local alert rule to a runbook section that exists, as the CloudWatch alarms are linked', () => {
    const anchors = runbookAnchors();
    const rules = alertRules().groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      const link = /^docs\/operations\.md#([a-z0-9_-]+)$/.exec(rule.annotations.runbook_url);
      expect(link, rule.alert).not.toBeNull();
      expect(anchors, `${rule.alert} links to a missing section`).toContain(link?.[1]);
    }
  });

  it('queries in the dashboard and the alert rules only metrics that /metrics serves', async () => {
    const served = await servedNames();
    served.add('up'); // Prometheus' own series for each scrape target.
    const exprs = [...dashboardExprs(), ...alertRules().groups.flatMap((g) => g.rules.map((r) => r.expr))];
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) {
      const names = metricNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(served, `${name} in ${expr}`).toContain(name);
    }
  });

  it('finds a misspelt metric in a query (the check above can fail)', async () => {
    const served = await servedNames();
    const names = metricNamesIn('sum by (kind) (rate(ai_ops_jobs_faild_total{kind="x"}[5m])) / ai_ops_up');
    expect(names).toEqual(['ai_ops_jobs_faild_total', 'ai_ops_up']);
    expect(names.filter((name) => !served.has(name))).toEqual(names);
  });

  it('shows every defined metric somewhere on the dashboard', () => {
    const read = new Set(dashboardExprs().flatMap(metricNamesIn));
    for (const definition of PROMETHEUS_SOURCES) {
      const { name, type } = prometheusMetric(definition);
      expect(read, definition.name).toContain(type === 'histogram' ? `${name}_bucket` : name);
    }
  });

  it('gives each dashboard panel a unique id and a place on a 24-column grid without overlaps', () => {
    const panels = grafanaDashboard().panels as {
      id: number;
      gridPos: { x: number; y: number; w: number; h: number };
    }[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos } of panels) {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++)
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});
