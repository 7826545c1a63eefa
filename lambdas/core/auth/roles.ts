/**
 * Roles and field-level authorization. AppSync enforces `deniedFields` itself (and the local endpoint
 * reproduces it), so this list is the single place that decides which role may touch which field.
 */
export const ROLES = ['ADMIN', 'OPS', 'HR', 'USER'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated user as resolvers see it (rebuilt from the authorizer's `resolverContext`). */
export interface Caller {
  userId: string;
  role: Role;
  sessionId: string;
  email: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Fields only ADMIN may call, as AppSync `Type.field` names. */
export const ADMIN_ONLY_FIELDS: readonly string[] = Object.freeze([
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

/** Fields for those who run the system (OPS and ADMIN): its health and its failures. */
export const OPERATIONS_FIELDS: readonly string[] = Object.freeze([
  'Query.systemHealth',
  'Query.deadLetters',
]);

/**
 * Fields whose caller is confirmed against the database on every call rather than taken from the authorizer's
 * cached answer (up to its TTL old): they act on other people's accounts, on accepted work (dead letters) or on
 * the system's settings, so a demoted admin or an ended session must stop at once, not a minute later.
 * `systemHealth` is not among them: it must answer while the database is down.
 */
export const ROLE_CONFIRMED_FIELDS: readonly string[] = Object.freeze([
  ...ADMIN_ONLY_FIELDS,
  'Query.deadLetters',
]);

/** HR handles people, not systems: raw log text may contain anything, so HR only sees summaries. */
export const HR_DENIED_FIELDS: readonly string[] = Object.freeze(['LogEntry.raw']);

export function deniedFieldsFor(role: Role): string[] {
  switch (role) {
    case 'ADMIN':
      return [];
    case 'HR':
      return [...ADMIN_ONLY_FIELDS, ...OPERATIONS_FIELDS, ...HR_DENIED_FIELDS];
    case 'OPS':
      return [...ADMIN_ONLY_FIELDS];
    case 'USER':
      return [...ADMIN_ONLY_FIELDS, ...OPERATIONS_FIELDS];
  }
}
