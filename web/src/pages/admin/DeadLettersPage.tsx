import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { LISTS } from '../../api/typenames.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { graphql } from '../../gql/index.ts';

const DeadLettersDocument = graphql(`
  query DeadLetters($limit: Int) {
    deadLetters(limit: $limit) {
      items { messageId kind jobId body receiveCount sentAt }
    }
  }
`);

const RedriveDocument = graphql(`
  mutation RedriveDeadLetters($kind: String!) {
    redriveDeadLetters(kind: $kind) { kind moved taskHandle }
  }
`);

/**
 * Messages that exhausted their retries, grouped by job kind, with a redrive per kind. The failure reason
 * lives on the job (`Job.lastError`); the log or ticket page shows it. Queue depth and age charts arrive with
 * systemHealth (operations-surface API) on a health page beside this one.
 */
export default function DeadLettersPage() {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DeadLettersDocument,
    variables: { limit: 50 },
    context: LISTS.deadLetters,
  });
  const [confirm, setConfirm] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [result, redrive] = useMutation(RedriveDocument);
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const items = data?.deadLetters?.items ?? [];
  const kinds = [...new Set(items.map((i) => i.kind ?? 'unknown'))];

  const run = async (kind: string) => {
    setConfirm(null);
    const answer = await redrive({ kind });
    const moved = answer.data?.redriveDeadLetters;
    if (moved) {
      setDone(
        moved.moved === null
          ? `Redrive of ${kind} started (task ${moved.taskHandle ?? 'unknown'}); messages move back shortly.`
          : `Moved ${moved.moved} message${moved.moved === 1 ? '' : 's'} of ${kind} back to the work queue.`,
      );
      refresh();
    }
  };

  return (
    <Stack>
      <PageHeader
        title="Dead letters"
        description="Jobs whose messages failed every retry. Fix the cause, then redrive: each job gets a fresh attempt budget."
        actions={
          <Button variant="default" size="xs" onClick={refresh} loading={fetching}>
            Refresh
          </Button>
        }
      />
      <ErrorNotice error={error ?? result.error} action="Dead letters" />
      {done && (
        <Alert color="green" variant="light" role="status">
          {done}
        </Alert>
      )}
      {items.length === 0 && !fetching && !error && (
        <Text c="dimmed">No dead letters. Every job reached its worker.</Text>
      )}
      {kinds.map((kind) => {
        const letters = items.filter((i) => (i.kind ?? 'unknown') === kind);
        return (
          <Stack key={kind} gap="xs" component="section" aria-label={`Dead letters of ${kind}`}>
            <Group justify="space-between">
              <Text fw={600}>
                {kind}: {letters.length} message{letters.length === 1 ? '' : 's'}
              </Text>
              <Button size="xs" onClick={() => setConfirm(kind)} disabled={kind === 'unknown'}>
                Redrive {kind}
              </Button>
            </Group>
            <TableScroll label={`Dead letters of ${kind}`}>
              <Table striped miw={560}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Job</Table.Th>
                    <Table.Th ta="right">Receives</Table.Th>
                    <Table.Th>First sent</Table.Th>
                    <Table.Th>Message</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {letters.map((l) => (
                    <Table.Tr key={l.messageId}>
                      <Table.Td className="mono">{l.jobId ?? '—'}</Table.Td>
                      <Table.Td ta="right">{l.receiveCount}</Table.Td>
                      <Table.Td>{formatDateTime(l.sentAt)}</Table.Td>
                      <Table.Td className="mono">{l.body}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </Stack>
        );
      })}
      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title="Redrive dead letters?">
        <Text size="sm">
          Every dead letter of <strong>{confirm}</strong> goes back to its work queue and its job runs again.
        </Text>
        <Group mt="md" justify="flex-end">
          <Button variant="default" onClick={() => setConfirm(null)}>
            Cancel
          </Button>
          <Button onClick={() => confirm && void run(confirm)} loading={result.fetching}>
            Redrive
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
