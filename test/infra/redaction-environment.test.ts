import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../bin/stages.ts';
import { redactionConfigSchema } from '../../lambdas/shared/config.ts';
import { redactionEnvironment } from '../../lib/ai-ops-stack.ts';

describe('the stage setting for addresses and host names in logs', () => {
  it('is unset by default, and the functions then pseudonymise', () => {
    const stage = stageConfig({ name: 'alice' });
    expect(stage.redaction).toBeUndefined();
    expect(redactionEnvironment(stage)).toEqual({});
    expect(redactionConfigSchema.parse({}).NETWORK_REDACTION).toBe('pseudonymise');
  });

  it('becomes NETWORK_REDACTION, which the resolver and the workers accept', () => {
    const env = redactionEnvironment(stageConfig({ name: 'alice', networkRedaction: 'remove' }));
    expect(env).toEqual({ NETWORK_REDACTION: 'remove' });
    expect(redactionConfigSchema.parse(env).NETWORK_REDACTION).toBe('remove');
  });

  it('refuses an unknown mode at synth, and at a cold start naming the variable', () => {
    expect(() => stageConfig({ name: 'alice', networkRedaction: 'hide' })).toThrow(
      /networkRedaction "hide" must be one of pseudonymise, keep, remove/,
    );
    const parsed = redactionConfigSchema.safeParse({ NETWORK_REDACTION: 'hide' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['NETWORK_REDACTION']);
  });
});
