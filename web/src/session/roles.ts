import type { Role } from './session-store.ts';

/**
 * What each role is offered in the console. The server stays the authority (deniedFields and use-case
 * checks); this only keeps people from being shown what they cannot do.
 */
export const can = {
  /** HR never sees raw log text (LogEntry.raw is denied to HR; samples are not shown either). */
  seeRawLogs: (role: Role) => role !== 'HR',
  /** OPS and ADMIN see everyone's logs and tickets, and work the review queue. */
  seeEveryone: (role: Role) => role === 'OPS' || role === 'ADMIN',
  reviewTickets: (role: Role) => role === 'OPS' || role === 'ADMIN',
  /** OPS and ADMIN run the system: its health and its dead letters. */
  operate: (role: Role) => role === 'OPS' || role === 'ADMIN',
  administer: (role: Role) => role === 'ADMIN',
};

export const ROLE_WORDS: Record<Role, string> = {
  ADMIN: 'Admin',
  OPS: 'Ops',
  HR: 'HR',
  USER: 'User',
};

/** The roles `allow` lets in, in words, least powerful first: "Admin", "Ops or Admin". */
export function rolesAllowed(allow: (role: Role) => boolean): string {
  const roles: Role[] = ['USER', 'HR', 'OPS', 'ADMIN'];
  return roles
    .filter(allow)
    .map((role) => ROLE_WORDS[role])
    .join(' or ');
}
