import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { LISTS } from '../../api/typenames.ts';
import { DateTimeText } from '../../components/DateTimeText.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { graphql } from '../../gql/index.ts';
import { can } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';

const DeadLettersDocument = graphql(`
  query DeadLetters($limit: Int) {
    deadLetters(limit: $limit) {
      items {
        messageId kind jobId body receiveCount sentAt reason firstFailedAt lastFailedAt
        job { id status attempts }
      }
    }
  }
`);

/** The API's safe reason, with how many attempts the job made when it names one. */
function reasonText(letter: { reason: string; job?: { attempts: number } | null }): string {
  return letter.job ? `${letter.reason} (after ${letter.job.attempts} attempts)` : letter.reason;
}

const RedriveDocument = graphql(`
  mutation RedriveDeadLetters($kind: String!) {
    redriveDeadLetters(kind: $kind) { kind moved taskHandle }
  }
`);

const PurgeDocument = graphql(`
  mutation PurgeDeadLetters($kind: String!) {
    purgeDeadLetters(kind: $kind) { kind purged }
  }
`);

type Action = { kind: string; verb: 'redrive' | 'purge' };

/**
 * Messages that exhausted their retries, grouped by job kind, with the reason each failed (OPS and ADMIN read
 * them); an ADMIN redrives or purges a kind, and both are recorded in the audit log.
 */
export default function DeadLettersPage() {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DeadLettersDocument,
    variables: { limit: 50 },
    context: LISTS.deadLetters,
  });
  const session = useSession();
  const isAdmin = session ? can.administer(session.user.role) : false;
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [result, redrive] = useMutation(RedriveDocument);
  const [purgeResult, purge] = useMutation(PurgeDocument);
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const items = data?.deadLetters?.items ?? [];
  const kinds = [...new Set(items.map((i) => i.kind ?? 'unknown'))];

  const runPurge = async (kind: string) => {
    const answer = await purge({ kind });
    const purged = answer.data?.purgeDeadLetters;
    if (purged) {
      setDone(`Deleted ${purged.purged} dead letter${purged.purged === 1 ? '' : 's'} of ${kind}.`);
      refresh();
    }
  };

  const run = async ({ kind, verb }: Action) => {
    setConfirm(null);
    if (verb === 'purge') return runPurge(kind);
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
      <ErrorNotice error={error ?? result.error ?? purgeResult.error} action="Dead letters" />
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
              {isAdmin && (
                <Group gap="xs">
                  <Button
                    size="xs"
                    onClick={() => setConfirm({ kind, verb: 'redrive' })}
                    disabled={kind === 'unknown'}
                  >
                    Redrive {kind}
                  </Button>
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() => setConfirm({ kind, verb: 'purge' })}
                    disabled={kind === 'unknown'}
                  >
                    Purge {kind}
                  </Button>
                </Group>
              )}
            </Group>
            <TableScroll label={`Messages of ${kind}`}>
              {/*
                As wide as its columns need (styles.css): a fixed 560 px broke the job id over five lines. When
                and why first: on a phone they are what fits the screen.
              */}
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Last failed</Table.Th>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th>Job</Table.Th>
                    <Table.Th ta="right">Receives</Table.Th>
                    <Table.Th>Message</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {letters.map((l) => (
                    <Table.Tr key={l.messageId}>
                      <Table.Td>
                        <DateTimeText iso={l.lastFailedAt ?? l.sentAt} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" className="cell-text">
                          {reasonText(l)}
                        </Text>
                      </Table.Td>
                      <Table.Td className="mono nowrap">{l.jobId ?? '—'}</Table.Td>
                      <Table.Td ta="right">{l.receiveCount}</Table.Td>
                      <Table.Td>
                        <div className="mono cell-text">{l.body}</div>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </Stack>
        );
      })}
      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.verb === 'purge' ? 'Purge dead letters?' : 'Redrive dead letters?'}
      >
        <Text size="sm">
          {confirm?.verb === 'purge' ? (
            <>
              Every dead letter of <strong>{confirm.kind}</strong> is deleted for good; the jobs stay failed
              with their reasons.
            </>
          ) : (
            <>
              Every dead letter of <strong>{confirm?.kind}</strong> goes back to its work queue and its job
              runs again.
            </>
          )}
        </Text>
        <Group mt="md" justify="flex-end">
          <Button variant="default" onClick={() => setConfirm(null)}>
            Cancel
          </Button>
          <Button
            color={confirm?.verb === 'purge' ? 'red' : undefined}
            onClick={() => confirm && void run(confirm)}
            loading={result.fetching || purgeResult.fetching}
          >
            {confirm?.verb === 'purge' ? 'Purge' : 'Redrive'}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
