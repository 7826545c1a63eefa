import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, ValidationError } from '../../../lambdas/core/errors.ts';
import { METRICS } from '../../../lambdas/core/metrics.ts';
import { toErrorEnvelope } from '../../../lambdas/shared/appsync-errors.ts';

/** The metrics one error answer adds, by name. */
function counted(error: unknown): { type: string; metrics: string[] } {
  const metrics: string[] = [];
  const envelope = toErrorEnvelope(error, { addMetric: (name) => metrics.push(name) });
  return { type: envelope.__error.type, metrics };
}

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });

describe('error answers the alarms count', () => {
  it('counts every ServiceUnavailable answer, whether a use case or the database connection gave it', () => {
    expect(counted(new ServiceUnavailableError())).toEqual({
      type: 'ServiceUnavailable',
      metrics: [METRICS.serviceUnavailableErrors.name],
    });
    expect(counted(refused())).toEqual({
      type: 'ServiceUnavailable',
      metrics: [METRICS.serviceUnavailableErrors.name],
    });
    expect(counted(new Error('query failed', { cause: refused() }))).toEqual({
      type: 'ServiceUnavailable',
      metrics: [METRICS.serviceUnavailableErrors.name],
    });
  });

  it('answers ServiceUnavailable when the database is up but out of resources: a full disk, memory, connections', () => {
    for (const [code, message] of [
      ['53100', 'could not extend file "base/16384/16446": No space left on device'],
      ['53200', 'out of memory'],
      ['53300', 'sorry, too many clients already'],
      ['58030', 'could not write to file "pg_wal/xlogtemp.42": No space left on device'],
    ]) {
      const driver = Object.assign(new Error(message), { code });
      expect(counted(new Error('query failed', { cause: driver }))).toEqual({
        type: 'ServiceUnavailable',
        metrics: [METRICS.serviceUnavailableErrors.name],
      });
    }
    // A request's own fault in another class stays what it is (unique_violation is no outage).
    const duplicate = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(counted(duplicate).type).toBe('InternalError');
  });

  it('counts InternalError answers apart, and nothing for answers about the request itself', () => {
    expect(counted(new Error('a bug'))).toEqual({
      type: 'InternalError',
      metrics: [METRICS.internalErrors.name],
    });
    expect(counted(new ValidationError('title', 'must not be empty'))).toEqual({
      type: 'ValidationError',
      metrics: [],
    });
  });
});
