import type { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_KINDS } from '../../lambdas/core/jobs/registry.ts';
import { type Resources, resourcesOf, type SynthesizedStage, synthStage } from './support/synth.ts';

/** A stage with -c llm… flags, among them the name of an existing key secret. */
let flagged: SynthesizedStage;
let plain: SynthesizedStage;

beforeAll(() => {
  flagged = synthStage('llmflags', {
    inputs: {
      llm: {
        llmApiKeySecretName: 'shared/llm-key',
        llmTimeoutMs: '30000',
        llmCallBudgetMs: '20000',
        llmSummaryModel: 'o4-mini',
      },
    },
  });
  plain = synthStage('plain');
}, 240_000);

const logicalId = (stack: Stack, construct: IConstruct) =>
  stack.getLogicalId(construct.node.defaultChild as unknown as import('aws-cdk-lib').CfnElement);

function envOf(s: SynthesizedStage, fn: IConstruct): Record<string, unknown> {
  const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
  const env = functions[logicalId(s.stack, fn)]?.Properties?.Environment as {
    Variables: Record<string, unknown>;
  };
  return env.Variables;
}

/** The secret ARNs (as JSON) a function's role may read. */
function secretReadsOf(s: SynthesizedStage, fn: IConstruct & { role?: IConstruct }): string[] {
  const role = fn.role;
  if (!role) throw new Error('function has no role');
  const roleId = logicalId(s.stack, role);
  const policies: Resources = resourcesOf(s.template, 'AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleId}"`))
    .flatMap((policy) => {
      const document = policy.Properties?.PolicyDocument as {
        Statement: { Action: unknown; Resource: unknown }[];
      };
      return document.Statement.filter((st) =>
        JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'),
      );
    })
    .map((st) => JSON.stringify(st.Resource));
}

describe('the -c llm flags in the synthesized stack', () => {
  it('point the workers and the resolver at the named key secret, and let them read it and not the stack one', () => {
    const own = logicalId(flagged.stack, flagged.stack.secrets.openAiApiKey);
    const functions = [
      flagged.stack.functions.resolver.function,
      ...flagged.stack.workQueues.queues.map((q) => q.worker.function),
    ];
    for (const fn of functions) {
      expect(JSON.stringify(envOf(flagged, fn).OPENAI_API_KEY_SECRET_ARN)).toContain(
        ':secret:shared/llm-key',
      );
      const reads = secretReadsOf(flagged, fn);
      expect(reads.some((r) => r.includes(':secret:shared/llm-key-??????'))).toBe(true);
      expect(reads.some((r) => r.includes(own))).toBe(false);
    }
    expect(flagged.nagFindings).toEqual([]);
  });

  it('without the flag, grant the stack secret and name no other', () => {
    const own = logicalId(plain.stack, plain.stack.secrets.openAiApiKey);
    for (const fn of [
      plain.stack.functions.resolver.function,
      ...plain.stack.workQueues.queues.map((q) => q.worker.function),
    ]) {
      expect(JSON.stringify(envOf(plain, fn).OPENAI_API_KEY_SECRET_ARN)).toContain(own);
      expect(secretReadsOf(plain, fn).some((r) => r.includes(own))).toBe(true);
      expect(JSON.stringify(secretReadsOf(plain, fn))).not.toContain('shared/llm-key');
    }
  });

  it("give every worker the stage's timeouts over its kind's defaults, and the resolver the tighter of both", () => {
    for (const q of flagged.stack.workQueues.queues) {
      expect(envOf(flagged, q.worker.function)).toMatchObject({
        LLM_TIMEOUT_MS: '30000',
        LLM_CALL_BUDGET_MS: '20000',
        AI_SUMMARY_MODEL: 'o4-mini',
      });
    }
    expect(envOf(flagged, flagged.stack.functions.resolver.function)).toMatchObject({
      LLM_TIMEOUT_MS: '10000',
      LLM_CALL_BUDGET_MS: '15000',
      AI_SUMMARY_MODEL: 'o4-mini',
    });
    // Unflagged, each kind keeps its own.
    for (const q of plain.stack.workQueues.queues) {
      const kind = JOB_KINDS.find((k) => k.kind === q.kind);
      expect(envOf(plain, q.worker.function).LLM_TIMEOUT_MS).toBe(kind?.worker.environment?.LLM_TIMEOUT_MS);
    }
  });
});
