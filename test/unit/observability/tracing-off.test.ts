import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tracingWanted } from '../../../lambdas/shared/observability.ts';

/**
 * Loads the observability module in a process of its own (the X-Ray SDK's async hook is process-wide) and
 * reports whether the hook's namespace exists (cls-hooked keeps them on `process.namespaces`) and whether the
 * tracer traces.
 */
function loadIn(env: Record<string, string>): { namespaces: string[]; tracing: boolean } {
  const script = [
    "const { tracer } = await import('./lambdas/shared/observability.ts');",
    'const namespaces = Object.keys(process.namespaces ?? {});',
    'console.log(JSON.stringify({ namespaces, tracing: tracer.isTracingEnabled() }));',
  ].join('\n');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !['AWS_EXECUTION_ENV', 'AWS_SAM_LOCAL', 'POWERTOOLS_TRACE_ENABLED'].includes(name),
    ),
  );
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { namespaces: string[]; tracing: boolean };
}

describe('tracing', () => {
  it('registers no process-wide async hook outside Lambda, where nothing is traced', () => {
    expect(loadIn({})).toEqual({ namespaces: [], tracing: false });
  });

  it('loads the X-Ray tracer, with its context hook, in Lambda', () => {
    expect(loadIn({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toEqual({
      namespaces: ['AWSXRay'],
      tracing: true,
    });
  });

  it('traces only where Powertools would: in Lambda, not under SAM local or Amplify, not turned off', () => {
    const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
    expect(tracingWanted(lambda)).toBe(true);
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ ...lambda, AWS_SAM_LOCAL: 'true' })).toBe(false);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' })).toBe(false);
    expect(tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
  });
});
