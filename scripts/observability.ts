/**
 * `npm run observability`: writes the Prometheus alert rules and the Grafana dashboard of `observability/`
 * from the metric definitions. `--check` only compares and exits 1 when a file is stale (CI runs the test
 * that does the same). The dashboard's JSON is laid out by Biome, like every JSON file of the repository, so
 * it is compared as data.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { alertRules, ruleFileYaml } from './observability/alert-rules.ts';
import { grafanaDashboard } from './observability/dashboard.ts';
import { scriptArgs } from './script-args.ts';

const root = resolve(import.meta.dirname, '..');

interface GeneratedFile {
  render: () => string;
  /** Whether the file on disk holds what `render` gives. */
  current: (onDisk: string) => boolean;
  format?: boolean;
}

const dashboardJson = () => `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;

export const OBSERVABILITY_FILES: Readonly<Record<string, GeneratedFile>> = {
  'observability/prometheus/alerts.yml': {
    render: () => ruleFileYaml(alertRules()),
    current: (onDisk) => onDisk === ruleFileYaml(alertRules()),
  },
  'observability/grafana/ai-ops.json': {
    render: dashboardJson,
    current: (onDisk) => isDeepStrictEqual(JSON.parse(onDisk), grafanaDashboard()),
    format: true,
  },
};

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function main(): void {
  const check = scriptArgs({
    name: 'observability',
    usage:
      'npm run observability -- [--check]   (--check: exit 1 if a generated file is stale, write nothing)',
    options: { check: { type: 'boolean', default: false } },
  }).values.check;
  let stale = 0;
  for (const [path, file] of Object.entries(OBSERVABILITY_FILES)) {
    const target = resolve(root, path);
    const onDisk = readOrEmpty(target);
    if (onDisk !== '' && file.current(onDisk)) continue;
    if (check) {
      stale += 1;
      console.error(`${path} is stale: run npm run observability`);
      continue;
    }
    writeFileSync(target, file.render());
    if (file.format) execFileSync(resolve(root, 'node_modules/.bin/biome'), ['format', '--write', target]);
    console.log(`wrote ${path}`);
  }
  if (stale > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
