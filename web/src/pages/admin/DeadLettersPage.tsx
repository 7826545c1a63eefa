import { Alert, Anchor, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
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

/** Failed log jobs with their reasons: the API has no job lookup by id yet, so reasons come from the entries. */
const FailedLogJobsDocument = graphql(`
  query FailedLogJobs {
    logEntries(limit: 100, status: FAILED) {
      items { id job { id attempts lastError } }
    }
  }
`);

interface Reason {
  text: string;
  link: string;
}

function useReasons(): Map<string, Reason> {
  const [{ data }] = useQuery({ query: FailedLogJobsDocument, context: LISTS.logEntries });
  const reasons = new Map<string, Reason>();
  for (const entry of data?.logEntries?.items ?? []) {
    if (entry.job?.lastError) {
      reasons.set(entry.job.id, {
        text: `${entry.job.lastError} (after ${entry.job.attempts} attempts)`,
        link: `/logs/${entry.id}`,
      });
    }
  }
  return reasons;
}

function ReasonCell({ reason }: { reason: Reason | undefined }) {
  if (!reason) {
    return (
      <Text size="sm" c="dimmed">
        Not recorded on a failed log job
      </Text>
    );
  }
  return (
    <Text size="sm">
      {reason.text}{' '}
      <Anchor component={Link} to={reason.link} size="sm">
        Open the log
      </Anchor>
    </Text>
  );
}

const RedriveDocument = graphql(`
  mutation RedriveDeadLetters($kind: String!) {
    redriveDeadLetters(kind: $kind) { kind moved taskHandle }
  }
`);

/**
 * Messages that exhausted their retries, grouped by job kind, with the reason and a redrive per kind. The
 * reason lives on the job (`Job.lastError`), which the API exposes through log entries only: ticket jobs show
 * theirs once the API can look a job up. Queue depth and age charts arrive with systemHealth
 * (operations-surface API) on a health page beside this one.
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
  const reasons = useReasons();
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
                    <Table.Th>Reason</Table.Th>
                    <Table.Th>Message</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {letters.map((l) => (
                    <Table.Tr key={l.messageId}>
                      <Table.Td className="mono">{l.jobId ?? '—'}</Table.Td>
                      <Table.Td ta="right">{l.receiveCount}</Table.Td>
                      <Table.Td>{formatDateTime(l.sentAt)}</Table.Td>
                      <Table.Td>
                        <ReasonCell reason={l.jobId ? reasons.get(l.jobId) : undefined} />
                      </Table.Td>
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
