/**
 * The CDK app: `npx cdk synth|deploy -c stage=<name>` (default: $USER) builds the stack `AiOps-<name>`.
 * Optional context: `-c alarmEmail=ops@example.com` (alarm subscription), `-c adminEmail=me@example.com`
 * (first admin), `-c networkRedaction=keep|remove` (IP addresses and host names in logs; default pseudonymise).
 * This is the only place that reads context or the environment for infrastructure.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AiOpsStack } from '../lib/ai-ops-stack.ts';
import { stageConfig, stageNameFromUser } from './stages.ts';

const app = new App();

function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const stage = stageConfig({
  name: context('stage') ?? stageNameFromUser(process.env.USER),
  alarmEmail: context('alarmEmail'),
  adminEmail: context('adminEmail'),
  networkRedaction: context('networkRedaction'),
});

// Environment-agnostic on purpose: synth needs no AWS account, and the deploy account/region come from
// the CLI profile (Fn::GetAZs picks the AZs at deploy time).
new AiOpsStack(app, `AiOps-${stage.name}`, { stage });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
