import { Alert, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { useCallback } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { usePolling } from '../../components/use-polling.ts';
import type { HealthStatus } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';

const SystemHealthDocument = graphql(`
  query SystemHealth {
    systemHealth {
      status checkedAt problems
      database { status latencyMs message }
      queues {
        kind description status depth inFlight delayed oldestMessageAgeSeconds deadLetters
        succeededLastHour failedLastHour p95DurationMs problems
      }
    }
  }
`);

const COLORS: Record<HealthStatus, string> = { OK: 'green', WARNING: 'yellow', FAILING: 'red' };
const WORDS: Record<HealthStatus, string> = { OK: 'OK', WARNING: 'Needs a look', FAILING: 'Failing' };

function HealthBadge({ status, label }: { status: HealthStatus; label: string }) {
  return (
    <Badge color={COLORS[status]} variant="light" aria-label={`${label}: ${WORDS[status]}`}>
      {WORDS[status]}
    </Badge>
  );
}

const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n));

function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Queues, the last hour of jobs and the database, for OPS and ADMIN; refreshed every 15 seconds. */
export default function HealthPage() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: SystemHealthDocument });
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  usePolling(true, refresh, 15_000);
  const health = data?.systemHealth;
  return (
    <Stack>
      <PageHeader
        title="System health"
        description="Queue depths and dead letters per job kind, the last hour's jobs, and the database."
        actions={
          <Button variant="default" size="xs" onClick={refresh} loading={fetching}>
            Refresh
          </Button>
        }
      />
      <ErrorNotice error={error} action="Could not read the system health" />
      {health && (
        <>
          <Group>
            <Text fw={600}>Overall</Text>
            <HealthBadge status={health.status} label="Overall" />
            <Text size="sm" c="dimmed">
              checked {formatDateTime(health.checkedAt)}
            </Text>
          </Group>
          {health.problems.length > 0 ? (
            <Alert color={COLORS[health.status]} variant="light" title="Needs attention">
              <List size="sm">
                {health.problems.map((problem) => (
                  <List.Item key={problem}>{problem}</List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            <Text c="dimmed">Nothing needs attention.</Text>
          )}
          <Group>
            <Text fw={600}>Database</Text>
            <HealthBadge status={health.database.status} label="Database" />
            <Text size="sm">
              {health.database.message ?? `answers in ${count(health.database.latencyMs)} ms`}
            </Text>
          </Group>
          <TableScroll label="Queues">
            <Table striped miw={760}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job kind</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Waiting</Table.Th>
                  <Table.Th ta="right">In flight</Table.Th>
                  <Table.Th ta="right">Oldest</Table.Th>
                  <Table.Th ta="right">Dead letters</Table.Th>
                  <Table.Th ta="right">Done / failed (1 h)</Table.Th>
                  <Table.Th ta="right">p95</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {health.queues.map((q) => (
                  <Table.Tr key={q.kind}>
                    <Table.Td>
                      <Text size="sm" className="mono">
                        {q.kind}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {q.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <HealthBadge status={q.status} label={q.kind} />
                    </Table.Td>
                    <Table.Td ta="right">{count(q.depth)}</Table.Td>
                    <Table.Td ta="right">{count(q.inFlight)}</Table.Td>
                    <Table.Td ta="right">{age(q.oldestMessageAgeSeconds)}</Table.Td>
                    <Table.Td ta="right">{count(q.deadLetters)}</Table.Td>
                    <Table.Td ta="right">
                      {q.succeededLastHour} / {q.failedLastHour}
                    </Table.Td>
                    <Table.Td ta="right">{q.p95DurationMs === null ? '—' : `${q.p95DurationMs} ms`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </>
      )}
    </Stack>
  );
}
