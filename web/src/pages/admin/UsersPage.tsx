import { Button, Group, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager, usePages } from '../../components/Pager.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { Role } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { ROLE_WORDS } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';

const UsersDocument = graphql(`
  query Users($limit: Int, $nextToken: String) {
    users(limit: $limit, nextToken: $nextToken) {
      items { id email role createdAt }
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

function RoleEditor({ id, email, role }: { id: string; email: string; role: Role }) {
  const [target, setTarget] = useState<Role>(role);
  const [result, setRole] = useMutation(SetUserRoleDocument);
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <NativeSelect
          aria-label={`Role of ${email}`}
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value as Role)}
          data={ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }))}
          size="xs"
        />
        <Button
          size="xs"
          variant="light"
          disabled={target === role}
          loading={result.fetching}
          onClick={() => setRole({ userId: id, role: target })}
          aria-label={`Save the role of ${email}`}
        >
          Save
        </Button>
      </Group>
      <ErrorNotice error={result.error} action="Could not change the role" />
    </Stack>
  );
}

/**
 * Users and roles. Creating, disabling and auditing users arrive with the operations-surface API
 * (createUser, disableUser, auditLog): their controls belong in this page's table and header.
 */
export default function UsersPage() {
  const session = useSession();
  const pages = usePages();
  const [{ data, error }] = useQuery({
    query: UsersDocument,
    variables: { limit: 50, nextToken: pages.token },
  });
  const users = data?.users?.items ?? [];
  return (
    <Stack>
      <PageHeader
        title="Users and roles"
        description="Signup always gives the User role; an admin promotes. Role changes apply within a minute (the authorizer cache) and are recorded."
      />
      <ErrorNotice error={error} action="Could not load users" />
      <TableScroll label="Users">
        <Table striped miw={560}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Since</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>
                  {u.email}
                  {u.id === session?.user.id && (
                    <Text span c="dimmed" size="xs">
                      {' '}
                      (you)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RoleEditor key={`${u.id}-${u.role}`} id={u.id} email={u.email} role={u.role} />
                </Table.Td>
                <Table.Td>{formatDateTime(u.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Pager pages={pages} nextToken={data?.users?.nextToken} labels={['Previous', 'Next']} />
    </Stack>
  );
}
