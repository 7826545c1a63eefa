import { Alert, Button, Group, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useClient, useMutation } from 'urql';
import { type ApiError, firstApiError } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { TICKET_STATUS_WORDS } from '../../components/StatusBadge.tsx';
import type { TicketStatus } from '../../gql/graphql.ts';
import { TicketDocument, UpdateTicketStatusDocument } from './ticket-documents.ts';
import { STATUSES } from './ticket-words.ts';

interface Props {
  id: string;
  status: TicketStatus;
  version: number;
}

interface Newer {
  status: TicketStatus;
  version: number;
  updatedAt: string;
}

/**
 * Status change with optimistic locking: the version the user saw goes with the change. When someone else
 * changed the ticket meanwhile (ConflictError), the newer version is shown and the user decides: apply the
 * change on top of it, or keep theirs.
 */
export function StatusChange({ id, status, version }: Props) {
  const client = useClient();
  const [target, setTarget] = useState<TicketStatus>(status);
  const [newer, setNewer] = useState<Newer | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [result, update] = useMutation(UpdateTicketStatusDocument);

  const save = async (expectedVersion: number) => {
    setProblem(null);
    setDone(null);
    const answer = await update({ id, status: target, expectedVersion }, { additionalTypenames: ['Change'] });
    const error = firstApiError(answer.error);
    if (error?.errorType === 'ConflictError') {
      const fresh = await client.query(TicketDocument, { id }, { requestPolicy: 'network-only' }).toPromise();
      const ticket = fresh.data?.ticket;
      if (ticket) setNewer({ status: ticket.status, version: ticket.version, updatedAt: ticket.updatedAt });
      return;
    }
    setNewer(null);
    if (error) setProblem(error);
    else setDone(`Status changed to ${TICKET_STATUS_WORDS[target]}.`);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(version);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="status-title">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4" id="status-title">
            Status
          </Title>
          <Group align="flex-end">
            <NativeSelect
              label="New status"
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value as TicketStatus)}
              data={STATUSES.map((s) => ({ value: s, label: TICKET_STATUS_WORDS[s] }))}
            />
            <Button type="submit" loading={result.fetching} disabled={target === status && !newer}>
              Update status
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            You are editing version {version}.
          </Text>
          {newer && (
            <Alert color="orange" variant="light" title="Someone else changed this ticket" role="alert">
              <Text size="sm">
                Since you opened it, the ticket was changed: it is now{' '}
                <strong>{TICKET_STATUS_WORDS[newer.status]}</strong> (version {newer.version}, changed{' '}
                {formatDateTime(newer.updatedAt)}). Your change was not saved.
              </Text>
              <Group mt="sm">
                <Button size="xs" onClick={() => void save(newer.version)}>
                  Apply “{TICKET_STATUS_WORDS[target]}” to the newer version
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    setTarget(newer.status);
                    setNewer(null);
                  }}
                >
                  Keep their change
                </Button>
              </Group>
            </Alert>
          )}
          <ErrorNotice error={problem} action="Could not change the status" />
          {done && (
            <Text size="sm" c="var(--mantine-color-green-light-color)" role="status">
              {done}
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
