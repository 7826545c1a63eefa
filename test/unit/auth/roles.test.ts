import { describe, expect, it } from 'vitest';
import {
  ADMIN_ONLY_FIELDS,
  deniedFieldsFor,
  isRole,
  OPERATIONS_FIELDS,
  ROLES,
} from '../../../lambdas/core/auth/roles.ts';

describe('deniedFieldsFor', () => {
  it('denies nothing to ADMIN', () => {
    expect(deniedFieldsFor('ADMIN')).toEqual([]);
  });

  it('denies OPS the admin-only fields, and USER the operations views too', () => {
    expect(deniedFieldsFor('OPS')).toEqual([...ADMIN_ONLY_FIELDS]);
    expect(deniedFieldsFor('USER')).toEqual([...ADMIN_ONLY_FIELDS, ...OPERATIONS_FIELDS]);
    expect(ADMIN_ONLY_FIELDS).toEqual([
      'Query.users',
      'Mutation.setUserRole',
      'Mutation.createUser',
      'Mutation.disableUser',
      'Mutation.enableUser',
      'Mutation.deleteUser',
      'Mutation.resetPassword',
      'Mutation.redriveDeadLetters',
      'Mutation.purgeDeadLetters',
      'Mutation.setFeatureFlag',
      'Query.featureFlags',
      'Query.auditLog',
    ]);
    expect(OPERATIONS_FIELDS).toEqual(['Query.systemHealth', 'Query.deadLetters']);
  });

  it('denies HR the admin-only fields, the operations views and the raw log text', () => {
    expect(deniedFieldsFor('HR')).toEqual([...ADMIN_ONLY_FIELDS, ...OPERATIONS_FIELDS, 'LogEntry.raw']);
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
