/**
 * `npm run observability`: writes the Prometheus alert rules and the Grafana dashboard of `observability/`
 * from the metric definitions. `--check` only compares and exits 1 when a file is stale (CI runs the test
 * that does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { alertRules, ruleFileYaml } from './observability/alert-rules.ts';
import { grafanaDashboard } from './observability/dashboard.ts';

const root = resolve(import.meta.dirname, '..');

export const OBSERVABILITY_FILES = {
  'observability/prometheus/alerts.yml': () => ruleFileYaml(alertRules()),
  'observability/grafana/ai-ops.json': () => `${JSON.stringify(grafanaDashboard(), null, 2)}\n`,
} as const;

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, render] of Object.entries(OBSERVABILITY_FILES)) {
    const file = resolve(root, path);
    const text = render();
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = '';
    }
    if (current === text) continue;
    if (check) {
      stale += 1;
      console.error(`${path} is stale: run npm run observability`);
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
