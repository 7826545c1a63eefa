/**
 * `npm run cost [-- <template.json> ...]`: the monthly cost of each stage at rest and per million jobs
 * (LLM excluded), from synthesized CloudFormation templates and the dated price table in scripts/cost/.
 * Without arguments it synthesizes a personal stage (`dev`) and `prod` offline, like `cdk synth`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { stageConfig } from '../bin/stages.ts';
import { JOB_KINDS } from '../lambdas/core/jobs/registry.ts';
import { AiOpsStack } from '../lib/ai-ops-stack.ts';
import { REPO_ROOT } from '../lib/app-function.ts';
import {
  ASSUMPTIONS,
  type CfnTemplate,
  type CostLine,
  costAtRest,
  costPerMillionJobs,
  total,
} from './cost/estimate.ts';
import { PRICES_AS_OF } from './cost/prices.ts';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';

function synthesized(stages: readonly string[]): Array<{ name: string; template: CfnTemplate }> {
  const outdir = scratchDir('ai-ops-cost-');
  try {
    const context: Record<string, unknown> = JSON.parse(
      readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'),
    ).context;
    const app = new App({ outdir, context });
    const stacks = stages.map(
      (name) => new AiOpsStack(app, `AiOps-${name}`, { stage: stageConfig({ name }) }),
    );
    const assembly = app.synth();
    return stacks.map((stack) => ({
      name: stack.stackName,
      template: JSON.parse(readFileSync(assembly.getStackByName(stack.stackName).templateFullPath, 'utf8')),
    }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const usd = (value: number) => `$${value.toFixed(2)}`;

function table(title: string, lines: readonly CostLine[]): string {
  const width = Math.max(...lines.map((line) => line.item.length), 10);
  const rows = lines.map((line) => `  ${line.item.padEnd(width)}  ${usd(line.usd).padStart(9)}`);
  return [`${title}`, ...rows, `  ${'total'.padEnd(width)}  ${usd(total(lines)).padStart(9)}`].join('\n');
}

function report(name: string, template: CfnTemplate): string {
  const parts = [`## ${name}`, table('At rest, per month:', costAtRest(template))];
  for (const kind of JOB_KINDS) {
    parts.push(
      table(`Per million ${kind.kind} jobs (LLM excluded):`, costPerMillionJobs(template, kind.kind)),
    );
  }
  return parts.join('\n\n');
}

const paths = scriptArgs({
  name: 'cost',
  usage: 'npm run cost -- [<synthesized template.json>...]   (default: the dev and prod stages, synthesized)',
  options: {},
  positionals: true,
}).positionals;
const templates =
  paths.length > 0
    ? paths.map((path) => ({ name: basename(path), template: JSON.parse(readFileSync(path, 'utf8')) }))
    : synthesized(['dev', 'prod']);
console.log(`Prices: ${PRICES_AS_OF}, on-demand, no free tier. Usage assumptions: scripts/cost/estimate.ts`);
console.log(
  `(jobs spread evenly over the month; ${ASSUMPTIONS.jobs['summarize-log']?.apiOperations} API operations per job: the mutation and one read of the result)\n`,
);
for (const { name, template } of templates) console.log(`${report(name, template)}\n`);
