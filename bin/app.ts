/**
 * The CDK app: `npx cdk synth|deploy -c stage=<name>` (default: $USER) builds the stack `AiOps-<name>`.
 * Optional context: `-c alarmEmail=ops@example.com` (alarm subscription), `-c adminEmail=me@example.com`
 * (first admin), `-c networkRedaction=keep|remove` (IP addresses and host names in logs; default pseudonymise),
 * `-c triageReviewThreshold=0.3`, `-c triageExtraReviewThreshold=0.5`, `-c triageCategories=BUG,FEATURE` (the
 * triage worker's settings), `-c llmBaseUrl=…`, `-c llmApiKeySecretName=…` and the other `-c llm…` flags (the LLM
 * settings); every flag is in `CONTEXT_FLAGS` and docs/deploy.md. This is the only place that
 * reads context or the environment for infrastructure; `stageConfig` checks every value once.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AiOpsStack } from '../lib/ai-ops-stack.ts';
import { stageConfig, stageInputsFromContext } from './stages.ts';

const app = new App();

const stage = stageConfig(stageInputsFromContext((flag) => app.node.tryGetContext(flag), process.env.USER));

// Environment-agnostic on purpose: synth needs no AWS account, and the deploy account/region come from
// the CLI profile (Fn::GetAZs picks the AZs at deploy time).
new AiOpsStack(app, `AiOps-${stage.name}`, { stage });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
