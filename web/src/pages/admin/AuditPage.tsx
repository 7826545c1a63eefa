import { Button, Group, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '../../components/DateTimeText.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager, usePages } from '../../components/Pager.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { AuditAction } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { auditDetailsText } from './audit-details.ts';

const AuditLogDocument = graphql(`
  query AuditLog($filter: AuditFilter, $limit: Int, $nextToken: String) {
    auditLog(filter: $filter, limit: $limit, nextToken: $nextToken) {
      items { id at actorEmail action targetType targetLabel details }
      nextToken
    }
  }
`);

/** Every action the API may filter on, in words (typed against the schema's AuditAction, so none is missed). */
const ACTION_WORDS: Record<AuditAction, string> = {
  USER_CREATED: 'User created',
  USER_ROLE_CHANGED: 'Role changed',
  USER_DISABLED: 'User disabled',
  USER_ENABLED: 'User enabled',
  USER_DELETED: 'User deleted',
  USER_PASSWORD_RESET: 'Password reset link issued',
  USER_PASSWORD_CHANGED: 'Password changed (own)',
  USER_PASSWORD_SET: 'Password set with a link',
  FLAG_CHANGED: 'Feature flag changed',
  DEAD_LETTERS_REDRIVEN: 'Dead letters redriven',
  DEAD_LETTERS_PURGED: 'Dead letters purged',
  LOGIN_REPEATED_FAILURES: 'Repeated failed logins',
  LOGIN_THROTTLED: 'Login throttled',
};

/** An entry's action in the words of the filter; a newer version's action (a String in the schema) as it is. */
const actionWords = (action: string): string =>
  Object.hasOwn(ACTION_WORDS, action) ? ACTION_WORDS[action as AuditAction] : action;

interface Filter {
  actor: string;
  action: AuditAction | '';
  target: string;
}

const EMPTY: Filter = { actor: '', action: '', target: '' };

/** Who did what to whom, newest first; ADMIN only. Rows cannot be changed or deleted. */
export default function AuditPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const pages = usePages();
  const [{ data, error }] = useQuery({
    query: AuditLogDocument,
    variables: {
      filter: {
        actor: filter.actor || null,
        action: filter.action || null,
        target: filter.target || null,
      },
      limit: 50,
      nextToken: pages.token,
    },
    requestPolicy: 'cache-and-network',
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    pages.reset();
    setFilter(draft);
  };
  const items = data?.auditLog?.items ?? [];
  return (
    <Stack>
      <PageHeader
        title="Audit log"
        description="What admins did (users, roles, flags, dead letters) and repeated failed logins, newest first. Entries are never changed or deleted."
      />
      <form onSubmit={submit} aria-label="Filter the audit log">
        <Group align="flex-end">
          <TextInput
            label="Actor (e-mail or id)"
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}
          />
          <NativeSelect
            label="Action"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value as AuditAction | '' })}
            data={[
              { value: '', label: 'Any' },
              ...Object.entries(ACTION_WORDS).map(([value, label]) => ({ value, label })),
            ]}
          />
          <TextInput
            label="Target (e-mail, flag, job kind)"
            value={draft.target}
            onChange={(e) => setDraft({ ...draft, target: e.currentTarget.value })}
          />
          <Button type="submit" variant="default">
            Filter
          </Button>
        </Group>
      </form>
      <ErrorNotice error={error} action="Could not load the audit log" />
      <TableScroll label="Audit log">
        {/*
          As wide as its columns need (styles.css): in a fixed 760 px the time took five lines at 390 px
          ("Dec / 7, / 2026, / 5:49 / AM") and an e-mail broke after "ai-".
        */}
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>
                  <DateTimeText iso={entry.at} />
                </Table.Td>
                <Table.Td>
                  <div className="cell-text">{entry.actorEmail ?? 'the system'}</div>
                </Table.Td>
                <Table.Td>
                  <div className="cell-text">{actionWords(entry.action)}</div>
                </Table.Td>
                <Table.Td>
                  <div className="cell-text">{entry.targetLabel ?? entry.targetType}</div>
                </Table.Td>
                <Table.Td>
                  <div className="cell-text">{auditDetailsText(entry.details)}</div>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {data && items.length === 0 && (
        <Text c="dimmed">
          {filter.actor || filter.action || filter.target
            ? 'No entry matches these filters.'
            : 'No entries yet.'}
        </Text>
      )}
      <Pager pages={pages} nextToken={data?.auditLog?.nextToken} labels={['Newer', 'Older']} />
    </Stack>
  );
}
