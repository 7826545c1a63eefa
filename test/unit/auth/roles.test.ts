import { describe, expect, it } from 'vitest';
import { ADMIN_ONLY_FIELDS, deniedFieldsFor, isRole, ROLES } from '../../../lambdas/core/auth/roles.ts';

describe('deniedFieldsFor', () => {
  it('denies nothing to ADMIN', () => {
    expect(deniedFieldsFor('ADMIN')).toEqual([]);
  });

  it('denies the admin-only fields to OPS and USER', () => {
    for (const role of ['OPS', 'USER'] as const)
      expect(deniedFieldsFor(role)).toEqual([...ADMIN_ONLY_FIELDS]);
    expect(ADMIN_ONLY_FIELDS).toEqual([
      'Query.users',
      'Mutation.setUserRole',
      'Query.deadLetters',
      'Mutation.redriveDeadLetters',
      'Mutation.setFeatureFlag',
      'Query.featureFlags',
    ]);
  });

  it('denies HR the admin-only fields and the raw log text', () => {
    expect(deniedFieldsFor('HR')).toEqual([...ADMIN_ONLY_FIELDS, 'LogEntry.raw']);
  });

  it('returns a fresh list, so a caller cannot change the policy by mutating it', () => {
    deniedFieldsFor('USER').push('Query.me');
    expect(deniedFieldsFor('USER')).not.toContain('Query.me');
  });

  it('knows exactly the four roles', () => {
    expect(ROLES).toEqual(['ADMIN', 'OPS', 'HR', 'USER']);
    expect(isRole('OPS')).toBe(true);
    expect(isRole('ROOT')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
