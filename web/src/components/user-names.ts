import { useCallback, useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql/index.ts';
import { can } from '../session/roles.ts';
import type { Role } from '../session/session-store.ts';

const UserEmailsDocument = graphql(`
  query UserEmails($limit: Int) {
    users(limit: $limit) {
      items { id email }
    }
  }
`);

/**
 * The API's largest page. `users` has no lookup by id and lists oldest first, so an ADMIN gets e-mails for the
 * first 100 accounts and the short id beyond them; an owner field on `Ticket` would end that.
 */
const USERS_PAGE = 100;

/** An id the caller cannot put a name to, short enough for a table cell and still telling owners apart. */
export const shortUserId = (id: string): string => `user ${id.slice(0, 8)}`;

/**
 * Anyone but the viewer acting on a USER's or HR's records is staff (OPS or ADMIN: only they may touch
 * another's ticket). The id would tell the owner nothing ("USER D616EEE7", QA pass 2), and nothing in the API
 * they may read names staff (`Change` has only `actorId`; the audit log is ADMIN's).
 */
export const STAFF_NAME = 'an operator';

/**
 * A person's name for a user id, as far as the viewer may know it: "you"; for ADMIN, who may list users, the
 * e-mail; for OPS the short id; for USER and HR "an operator". OPS sees everyone's tickets but `Ticket`
 * exposes only `ownerId`, and `Query.users` is denied to OPS (docs/auth.md), so it is never asked for them.
 */
export function useUserNames(viewer: { id: string; role: Role } | undefined): (id: string) => string {
  const admin = viewer?.role === 'ADMIN';
  const staff = viewer !== undefined && can.seeEveryone(viewer.role);
  const [{ data }] = useQuery({ query: UserEmailsDocument, variables: { limit: USERS_PAGE }, pause: !admin });
  const emails = useMemo(
    () => new Map((admin ? (data?.users?.items ?? []) : []).map((u) => [u.id, u.email])),
    [admin, data],
  );
  const viewerId = viewer?.id;
  return useCallback(
    (id: string) => (id === viewerId ? 'you' : staff ? (emails.get(id) ?? shortUserId(id)) : STAFF_NAME),
    [viewerId, emails, staff],
  );
}
