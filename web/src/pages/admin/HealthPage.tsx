import { Alert, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { type ReactNode, useCallback } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime, formatNumber } from '../../components/format.ts';
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

/** A column of figures: right-aligned, a figure or a one-word heading never broken over two lines. */
function FigureHeading({ children }: { children: ReactNode }) {
  return (
    <Table.Th ta="right" className="nowrap">
      {children}
    </Table.Th>
  );
}

function FigureCell({ children }: { children: ReactNode }) {
  return (
    <Table.Td ta="right" className="nowrap">
      {children}
    </Table.Td>
  );
}

function HealthBadge({ status, label }: { status: HealthStatus; label: string }) {
  return (
    <Badge color={COLORS[status]} variant="light" miw="max-content" aria-label={`${label}: ${WORDS[status]}`}>
      {WORDS[status]}
    </Badge>
  );
}

const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : formatNumber(n));

/**
 * The oldest waiting message's age, or none when nothing waits: an empty queue read "Oldest 0 s", as if a
 * message had just arrived (QA pass, 7 December).
 */
const oldest = (q: { depth?: number | null; oldestMessageAgeSeconds?: number | null }): string =>
  q.depth === 0 ? '—' : age(q.oldestMessageAgeSeconds);

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
            {/* As wide as its columns need (styles.css): the status badge read "NEED…" in a fixed 760 px. */}
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job kind</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {/* Headings break between their parts only: "Done / failed (1 h)" took five lines. */}
                  <FigureHeading>Waiting</FigureHeading>
                  <FigureHeading>In flight</FigureHeading>
                  <FigureHeading>Oldest</FigureHeading>
                  <Table.Th ta="right">
                    <span className="nowrap">Dead</span> <span className="nowrap">letters</span>
                  </Table.Th>
                  <Table.Th ta="right">
                    <span className="nowrap">Done / failed</span> <span className="nowrap">(1 h)</span>
                  </Table.Th>
                  <FigureHeading>p95</FigureHeading>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {health.queues.map((q) => (
                  <Table.Tr key={q.kind}>
                    <Table.Td>
                      <Text size="sm" className="mono">
                        {q.kind}
                      </Text>
                      <Text size="xs" c="dimmed" className="cell-text">
                        {q.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <HealthBadge status={q.status} label={q.kind} />
                    </Table.Td>
                    <FigureCell>{count(q.depth)}</FigureCell>
                    <FigureCell>{count(q.inFlight)}</FigureCell>
                    <FigureCell>{oldest(q)}</FigureCell>
                    <FigureCell>{count(q.deadLetters)}</FigureCell>
                    <FigureCell>
                      {count(q.succeededLastHour)} / {count(q.failedLastHour)}
                    </FigureCell>
                    <FigureCell>{q.p95DurationMs === null ? '—' : `${count(q.p95DurationMs)} ms`}</FigureCell>
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
