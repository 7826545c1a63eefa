import { Alert, Anchor, Button, Group, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { isUnreachable } from '../../api/errors.ts';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import {
  formatBytes,
  formatDateTime,
  formatNumber,
  parseJson,
  summarizerName,
} from '../../components/format.ts';
import { PageLoading } from '../../components/Layout.tsx';
import { MissingRecord } from '../../components/MissingRecord.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { useLastData } from '../../components/use-last-data.ts';
import { usePolling } from '../../components/use-polling.ts';
import { graphql } from '../../gql/index.ts';
import { can } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { LogEntryRawDocument } from './raw-text-query.ts';
import { SummaryView } from './SummaryView.tsx';
import { readSummary, readTemplateDetails } from './summary-model.ts';

const LogEntryDocument = graphql(`
  query LogEntry($id: ID!) {
    logEntry(id: $id) {
      id
      status
      source
      baselineEntryId
      format
      sizeBytes
      lineCount
      createdAt
      job { status attempts lastError model startedAt finishedAt }
      summary { text json templates generatedBy createdAt }
    }
  }
`);

/** The redacted raw text, fetched only when asked for (never for HR: the API denies it to them anyway). */
function RawText({ id }: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: LogEntryRawDocument, variables: { id } });
  if (fetching) return <PageLoading />;
  if (error) return <ErrorNotice error={error} action="Could not load the raw text" />;
  const raw = data?.logEntry?.raw ?? '';
  // A file refused by the worker (binary, unreadable) leaves no text: an empty box and a Copy button said nothing.
  if (!raw) {
    return (
      <Text size="sm" c="dimmed">
        No raw text was stored for this log.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <Group>
        <CopyTextButton text={raw} label="Copy raw text" />
      </Group>
      <ScrollArea.Autosize mah={400} type="auto">
        <pre className="mono" style={{ margin: 0 }}>
          {raw}
        </pre>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** The worker's reason ends a sentence before "Attempts": it read "…not text Attempts: 1.". */
const asSentence = (reason: string): string => (/[.!?]$/.test(reason) ? reason : `${reason}.`);

export default function LogDetailPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [showRaw, setShowRaw] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({ query: LogEntryDocument, variables: { id } });
  // Kept while a refresh fails (the server stopped): the page goes on polling and catches up when it is back.
  const entry = useLastData(data?.logEntry, id);
  // An upload's job may wait for its file a moment after the PUT (until the worker takes the file).
  const busy =
    entry?.status === 'QUEUED' || entry?.status === 'PROCESSING' || entry?.status === 'AWAITING_UPLOAD';
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  // Also while the API cannot be reached, so the page recovers by itself once the server is back: opened
  // while it was down, it said "Could not load" until Try again, with nothing running.
  usePolling(busy || isUnreachable(error), refresh, error ? 3000 : 1000);
  const summary = useMemo(() => readSummary(parseJson(entry?.summary?.json)), [entry?.summary?.json]);
  const details = useMemo(
    () => readTemplateDetails(parseJson(entry?.summary?.templates)),
    [entry?.summary?.templates],
  );
  const rawAllowed = session ? can.seeRawLogs(session.user.role) : false;
  // Each template's lines are found in the stored text by its template; not offered to HR (no raw text).
  const entryId = entry?.id;
  const lines = useMemo(
    () =>
      rawAllowed && entryId
        ? {
            entryId,
            templates: [...details.values()].map((d) => ({ id: d.id, template: d.template })),
            jsonDocument: summary?.jsonDocument === true,
          }
        : undefined,
    [rawAllowed, entryId, details, summary?.jsonDocument],
  );

  if (!entry) {
    return (
      <MissingRecord
        title="Log summary"
        fetching={fetching}
        error={error}
        listPath="/logs"
        onRetry={refresh}
      />
    );
  }
  return (
    <Stack>
      <PageHeader
        // The list names a log by its source; its page named it only inside the headline box.
        title={entry.source ? `Log summary: ${entry.source}` : 'Log summary'}
        description={
          <>
            Uploaded {formatDateTime(entry.createdAt)} · {formatNumber(entry.lineCount)} lines ·{' '}
            {formatBytes(entry.sizeBytes)}
            {entry.summary ? ` · summarized by ${summarizerName(entry.summary.generatedBy)}` : ''}
          </>
        }
        actions={
          <>
            <JobStatusBadge status={entry.status} />
            <Anchor component={Link} to="/logs" size="sm">
              All logs
            </Anchor>
          </>
        }
      />
      <ErrorNotice error={error} action="Could not refresh" onRetry={busy ? undefined : refresh} />
      {busy && (
        <Alert color="blue" variant="light" role="status">
          {entry.status === 'AWAITING_UPLOAD'
            ? 'Waiting for the uploaded file; the summary starts when it has arrived. This page updates by itself.'
            : `The summarizer is working on this log (${entry.status === 'QUEUED' ? 'queued' : 'processing'}); this page updates by itself.`}
        </Alert>
      )}
      {entry.status === 'FAILED' && (
        <Alert color="red" variant="light" title="The summary failed" role="alert">
          {entry.job?.lastError ? asSentence(entry.job.lastError) : 'No reason was recorded.'} Attempts:{' '}
          {entry.job?.attempts ?? 0}.
        </Alert>
      )}
      {summary && (
        <SummaryView
          summary={summary}
          details={details}
          showRaw={rawAllowed}
          baselineEntryId={entry.baselineEntryId}
          lines={lines}
        />
      )}
      {entry.summary && rawAllowed && (
        // The plain text quotes the first error's line: raw text, so not for HR.
        <Paper withBorder p="md">
          <details>
            <summary>Plain-text summary</summary>
            <Group my="xs">
              <CopyTextButton text={entry.summary.text} label="Copy summary" />
            </Group>
            <pre className="mono" style={{ margin: 0 }}>
              {entry.summary.text}
            </pre>
          </details>
        </Paper>
      )}
      {rawAllowed ? (
        <Paper withBorder p="md">
          <Button variant="default" size="xs" onClick={() => setShowRaw(!showRaw)} aria-expanded={showRaw}>
            {showRaw ? 'Hide raw text' : 'Show raw text (redacted)'}
          </Button>
          {showRaw && (
            <div style={{ marginTop: 12 }}>
              <RawText id={entry.id} />
            </div>
          )}
        </Paper>
      ) : (
        <Text size="sm" c="dimmed">
          Raw log text and sample lines are not shown to the HR role.
        </Text>
      )}
    </Stack>
  );
}
