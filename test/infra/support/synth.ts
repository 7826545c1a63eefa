import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type StageInputs, stageConfig } from '../../../bin/stages.ts';
import { AiOpsStack } from '../../../lib/ai-ops-stack.ts';
import { REPO_ROOT } from '../../../lib/app-function.ts';
import type { StageConfig } from '../../../lib/stage-config.ts';
import { tempDir } from '../../support/temp-dir.ts';

export interface SynthesizedStage {
  stage: StageConfig;
  stack: AiOpsStack;
  template: Template;
  /** cdk-nag AwsSolutions findings left after acknowledgements. */
  nagFindings: string[];
}

function cdkJsonContext(): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (
    parsed &&
    typeof parsed === 'object' &&
    'context' in parsed &&
    parsed.context &&
    typeof parsed.context === 'object'
  ) {
    return { ...parsed.context };
  }
  return {};
}

/** Synthesizes one stage exactly like bin/app.ts (same feature flags), once per test file. */
export function synthStage(
  name: string,
  options: { alarmEmail?: string; inputs?: Partial<StageInputs> } = {},
): SynthesizedStage {
  // Asset metadata is what the CDK CLI turns on; tests read bundle paths from it.
  const app = new App({
    // Not the CDK's default, a new cdk.out folder per synth under the temporary directory that nobody removes.
    outdir: tempDir('cdk.out-'),
    context: { ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true },
  });
  const stage = stageConfig({
    name,
    alarmEmail: options.alarmEmail,
    adminEmail: 'first.admin@example.com',
    ...options.inputs,
  });
  const stack = new AiOpsStack(app, `AiOps-${stage.name}`, { stage });
  const template = Template.fromStack(stack);
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  const nagFindings = report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) =>
        `${violation.ruleName} at ${resource.resourceLogicalId ?? '?'}: ${violation.description.slice(0, 80)}`,
    ),
  );
  return { stage, stack, template, nagFindings };
}

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Acknowledgements recorded anywhere under `scope`, as [path, rule id, reason]. */
export function acknowledgementsOf(scope: Stack): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules' || !entry.data || typeof entry.data !== 'object')
        continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push([node.node.path, id, typeof reason === 'string' ? reason : '']);
      }
    }
  }
  return found;
}
