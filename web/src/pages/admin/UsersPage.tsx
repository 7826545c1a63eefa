import { Badge, Box, Button, Group, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDidUpdate } from '@mantine/hooks';
import { useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateAndTime, formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager, usePages } from '../../components/Pager.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { Role, UserStatus } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { ROLE_WORDS } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { CreateUser, type Issued, IssuedLink, USER_LIST, UserActions } from './UserActions.tsx';

const UsersDocument = graphql(`
  query Users($filter: UserFilter, $limit: Int, $nextToken: String) {
    users(filter: $filter, limit: $limit, nextToken: $nextToken) {
      items { id email role createdAt status lastLoginAt }
      nextToken
    }
  }
`);

const SetUserRoleDocument = graphql(`
  mutation SetUserRole($userId: ID!, $role: Role!) {
    setUserRole(userId: $userId, role: $role) { id email role }
  }
`);

const ROLES: Role[] = ['ADMIN', 'OPS', 'HR', 'USER'];

/**
 * Mounted once per user: keyed by the role too, it was replaced when a saved role came back, and the focus on
 * its Save button fell to the page's body with no word that the role was saved (QA pass, 7 December). Now the
 * select follows a role changed elsewhere, and a saved role is said, the focus back on the select.
 */
function RoleEditor({ id, email, role }: { id: string; email: string; role: Role }) {
  const [target, setTarget] = useState<Role>(role);
  const [saved, setSaved] = useState<Role | null>(null);
  const select = useRef<HTMLSelectElement>(null);
  const [result, setRole] = useMutation(SetUserRoleDocument);
  // A role changed elsewhere (another admin, or this save coming back in the list) is what the select shows.
  useDidUpdate(() => {
    setTarget(role);
    setSaved((was) => (was === role ? was : null));
  }, [role]);
  const save = async () => {
    setSaved(null);
    const answer = await setRole({ userId: id, role: target });
    const now = answer.data?.setUserRole?.role;
    if (!now) return;
    setSaved(now);
    select.current?.focus();
  };
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <NativeSelect
          ref={select}
          aria-label={`Role of ${email}`}
          value={target}
          onChange={(e) => {
            setTarget(e.currentTarget.value as Role);
            setSaved(null);
          }}
          data={ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }))}
          size="xs"
        />
        <Button
          size="xs"
          variant="light"
          disabled={target === (saved ?? role)}
          loading={result.fetching}
          onClick={() => void save()}
          aria-label={`Save the role of ${email}`}
        >
          Save
        </Button>
      </Group>
      <Text size="xs" c="dimmed" role="status">
        {saved ? `Saved: ${ROLE_WORDS[saved]}` : ''}
      </Text>
      <ErrorNotice error={result.error} action="Could not change the role" />
    </Stack>
  );
}

const STATUSES: UserStatus[] = ['ACTIVE', 'INVITED', 'DISABLED', 'DELETED'];
/** In words, as the roles beside them are ("Admin", not ADMIN): the filter offered ACTIVE, INVITED, DISABLED. */
const STATUS_WORDS: Record<UserStatus, string> = {
  ACTIVE: 'Active',
  INVITED: 'Invited',
  DISABLED: 'Disabled',
  DELETED: 'Deleted',
};
const STATUS_COLORS: Record<UserStatus, string> = {
  ACTIVE: 'green',
  INVITED: 'blue',
  DISABLED: 'orange',
  DELETED: 'gray',
};

interface UserFilterState {
  role: Role | '';
  status: UserStatus | '';
  email: string;
}

/** Date over time: on one line the column took the width that pushed the actions off a 1280 px screen. */
function LastSignIn({ at }: { at: string | null | undefined }) {
  const when = at ? formatDateAndTime(at) : null;
  if (!at) return <>never</>;
  if (!when) return <>{at}</>;
  return (
    <>
      <div className="nowrap">{when.date}</div>
      <Text size="xs" c="dimmed" className="nowrap">
        {when.time}
      </Text>
    </>
  );
}

/**
 * Users and roles: filter by role, status and e-mail; create (an invite link shown once), change a role,
 * disable or enable, reset a password (a one-time link), delete. Every change is in the audit log.
 */
export default function UsersPage() {
  const session = useSession();
  const pages = usePages();
  const [filter, setFilter] = useState<UserFilterState>({ role: '', status: '', email: '' });
  const [issued, setIssued] = useState<Issued | null>(null);
  const [{ data, error }] = useQuery({
    query: UsersDocument,
    variables: {
      filter: { role: filter.role || null, status: filter.status || null, email: filter.email || null },
      limit: 50,
      nextToken: pages.token,
    },
    context: USER_LIST,
  });
  const users = data?.users?.items ?? [];
  const change = (next: Partial<UserFilterState>) => {
    pages.reset();
    setFilter({ ...filter, ...next });
  };
  return (
    <Stack>
      <PageHeader
        title="Users and roles"
        description="Signup gives the User role; an admin promotes, invites, disables or deletes. A changed role reaches the person's open console within a minute (at once for admin operations), and every change is recorded in the audit log."
      />
      <CreateUser onIssued={setIssued} />
      {issued && <IssuedLink issued={issued} onClose={() => setIssued(null)} />}
      <Group align="flex-end">
        <NativeSelect
          label="Role"
          value={filter.role}
          onChange={(e) => change({ role: e.currentTarget.value as Role | '' })}
          data={[{ value: '', label: 'Any' }, ...ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }))]}
        />
        <NativeSelect
          label="Status"
          value={filter.status}
          onChange={(e) => change({ status: e.currentTarget.value as UserStatus | '' })}
          data={[
            { value: '', label: 'Any but deleted' },
            ...STATUSES.map((v) => ({ value: v, label: STATUS_WORDS[v] })),
          ]}
        />
        <TextInput
          label="E-mail contains"
          value={filter.email}
          onChange={(e) => change({ email: e.currentTarget.value })}
        />
      </Group>
      <ErrorNotice error={error} action="Could not load users" />
      <TableScroll label="Users">
        {/*
          Each column as wide as its content, the region scrolling sideways: a fixed minimum width let a long
          e-mail squeeze the role dropdown to "Ac", Save to "Sav" and the status badge to "AC…" at 390 px (audit).
          The e-mail wraps past 15rem, so the table fits 1280 px.
        */}
        <Table striped w="max-content" miw="100%">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>
                  {/* Wraps past 15rem: a long e-mail pushed the actions off a 1280 px screen. */}
                  <Box maw="15rem" style={{ overflowWrap: 'anywhere' }}>
                    {u.email}
                    {u.id === session?.user.id && (
                      <Text span c="dimmed" size="xs">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Box>
                  <Text size="xs" c="dimmed">
                    since {formatDateTime(u.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RoleEditor key={u.id} id={u.id} email={u.email} role={u.role} />
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[u.status]} variant="light">
                    {STATUS_WORDS[u.status]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <LastSignIn at={u.lastLoginAt} />
                </Table.Td>
                <Table.Td>
                  {u.id !== session?.user.id && u.status !== 'DELETED' && (
                    <UserActions user={u} onIssued={setIssued} />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Pager pages={pages} nextToken={data?.users?.nextToken} labels={['Previous', 'Next']} />
    </Stack>
  );
}
