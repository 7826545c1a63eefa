import { Anchor, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { isUnreachable } from '../../api/errors.ts';
import { LISTS } from '../../api/typenames.ts';
import { DateTimeText } from '../../components/DateTimeText.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatBytes, formatNumber, summarizerName } from '../../components/format.ts';
import { ListState } from '../../components/ListState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager, useUrlPages, withoutPages } from '../../components/Pager.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useLastData } from '../../components/use-last-data.ts';
import { usePolling } from '../../components/use-polling.ts';
import type { JobStatus } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { can } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { LogUploadForm } from './LogUploadForm.tsx';

const LogEntriesDocument = graphql(`
  query LogEntries($limit: Int, $nextToken: String, $status: JobStatus) {
    logEntries(limit: $limit, nextToken: $nextToken, status: $status) {
      items {
        id
        ownerId
        status
        source
        format
        sizeBytes
        lineCount
        createdAt
        summary { generatedBy }
        job { attempts lastError }
      }
      nextToken
    }
  }
`);

const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'QUEUED', label: 'Queued' },
  { value: 'PROCESSING', label: 'Processing' },
  { value: 'SUCCEEDED', label: 'Done' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'AWAITING_UPLOAD', label: 'Awaiting upload' },
];

const PAGE_SIZE = 20;

export default function LogsPage() {
  const session = useSession();
  // Status and page live in the query string: Back from a summary and a reload keep them (QA pass 2).
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = STATUS_OPTIONS.some((o) => o.value && o.value === statusParam)
    ? (statusParam as JobStatus)
    : null;
  const pages = useUrlPages();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: LogEntriesDocument,
    variables: { limit: PAGE_SIZE, nextToken: pages.token, status },
    context: LISTS.logEntries,
  });
  // Kept while a refresh fails: the list does not empty itself, and goes on polling, when the server stops.
  const items = useLastData(data?.logEntries, `${pages.token ?? ''}|${status ?? ''}`)?.items ?? [];
  const busy = items.some(
    (i) => i.status === 'QUEUED' || i.status === 'PROCESSING' || i.status === 'AWAITING_UPLOAD',
  );
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  // Also while the API cannot be reached, so the page recovers by itself once the server is back: a list
  // opened or refreshed while it was down said "Could not load" until Try again, with nothing running.
  usePolling(busy || isUnreachable(error), refresh, error ? 3000 : 2000);
  const everyone = session ? can.seeEveryone(session.user.role) : false;

  return (
    <Stack>
      <PageHeader
        title="Logs"
        description={
          everyone
            ? 'Upload a log to get a summary an on-call engineer can act on. You see everyone’s logs.'
            : 'Upload a log to get a summary an on-call engineer can act on.'
        }
      />
      <LogUploadForm userId={session?.user.id} />
      <Stack gap="xs" component="section" aria-labelledby="log-list-title">
        <Group justify="space-between" align="flex-end">
          <Text component="h2" fw={600} size="lg" id="log-list-title">
            {everyone ? 'All logs' : 'Your logs'}
          </Text>
          <Select
            label="Status"
            data={STATUS_OPTIONS}
            value={status ?? ''}
            onChange={(value) => {
              const next = withoutPages(params);
              if (value) next.set('status', value);
              else next.delete('status');
              setParams(next, { replace: true });
            }}
            allowDeselect={false}
            w={180}
          />
        </Group>
        <ErrorNotice error={error} action="Could not load logs" onRetry={refresh} />
        <TableScroll label="Logs">
          {/*
            On a phone (below sm) upload time and status stay, the source under the time, and the table fits the
            screen: in a column of its own the source had 89 px and broke "bgl_2k.l|og".
          */}
          <Table striped highlightOnHover verticalSpacing="xs" miw={{ base: 0, sm: 560 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Uploaded</Table.Th>
                <Table.Th visibleFrom="sm">Source</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right" visibleFrom="sm">
                  Lines
                </Table.Th>
                <Table.Th ta="right" visibleFrom="sm">
                  Size
                </Table.Th>
                <Table.Th visibleFrom="sm">Summarized by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/logs/${entry.id}`}>
                      <DateTimeText iso={entry.createdAt} />
                    </Anchor>
                    {entry.source && (
                      <Text size="sm" c="dimmed" hiddenFrom="sm" style={{ overflowWrap: 'anywhere' }}>
                        {entry.source}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>
                    {entry.source ?? '—'}
                  </Table.Td>
                  <Table.Td>
                    <JobStatusBadge status={entry.status} />
                    {entry.status === 'FAILED' && entry.job?.lastError && (
                      <Text size="xs" c="red.9">
                        {entry.job.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="sm">
                    {formatNumber(entry.lineCount)}
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="sm">
                    {formatBytes(entry.sizeBytes)}
                  </Table.Td>
                  <Table.Td visibleFrom="sm">
                    {entry.summary ? summarizerName(entry.summary.generatedBy) : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
        <ListState
          fetching={fetching}
          empty={items.length === 0}
          error={error !== undefined}
          loading="Loading logs…"
          none={status ? 'No logs with this status.' : 'No logs yet: upload one above.'}
        />
        <Pager pages={pages} nextToken={data?.logEntries?.nextToken} />
      </Stack>
    </Stack>
  );
}
