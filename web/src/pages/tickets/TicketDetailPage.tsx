import { Anchor, Grid, Paper, Stack, Text } from '@mantine/core';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { isUnreachable } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { MissingRecord } from '../../components/MissingRecord.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TicketStatusBadge } from '../../components/StatusBadge.tsx';
import { useLastData } from '../../components/use-last-data.ts';
import { usePolling } from '../../components/use-polling.ts';
import { useUserNames } from '../../components/user-names.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { CorrectionForm } from './CorrectionForm.tsx';
import { SimilarTickets } from './SimilarTickets.tsx';
import { StatusChange } from './StatusChange.tsx';
import { TicketHistory } from './TicketHistory.tsx';
import { readDetails, TriageCard } from './TriageCard.tsx';
import { TicketDocument } from './ticket-documents.ts';

export default function TicketDetailPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const names = useUserNames(session?.user);
  const [{ data, error, fetching }, refetch] = useQuery({ query: TicketDocument, variables: { id } });
  // Kept while a refresh fails (the server stopped): a triage under way goes on polling and appears when it is back.
  const ticket = useLastData(data?.ticket, id);
  const busy = ticket?.triage.status === 'QUEUED' || ticket?.triage.status === 'PROCESSING';
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  // Also while the API cannot be reached, so the page recovers by itself once the server is back: opened
  // while it was down, it said "Could not load" until Try again, with nothing running.
  usePolling(busy || isUnreachable(error), refresh, error ? 3000 : 1000);

  if (!ticket) {
    return (
      <MissingRecord title="Ticket" fetching={fetching} error={error} listPath="/tickets" onRetry={refresh} />
    );
  }
  const details = readDetails(ticket.triage.details);
  const unrouted = details.unroutedTeam;
  return (
    <Stack>
      <PageHeader
        title={ticket.title}
        description={
          <>
            {ticket.project ? `${ticket.project} · ` : ''}
            {ticket.team ? `team ${ticket.team} · ` : unrouted ? 'no team yet (needs review) · ' : ''}created{' '}
            {formatDateTime(ticket.createdAt)} · version {ticket.version}
          </>
        }
        actions={
          <>
            <TicketStatusBadge status={ticket.status} />
            <Anchor component={Link} to="/tickets" size="sm">
              All tickets
            </Anchor>
          </>
        }
      />
      <ErrorNotice error={error} action="Could not refresh" onRetry={busy ? undefined : refresh} />
      {ticket.body && ticket.body !== ticket.title && (
        <Paper withBorder p="md">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {ticket.body}
          </Text>
        </Paper>
      )}
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }} miw={0}>
          <Stack>
            <TriageCard triage={ticket.triage} who={names} />
            <StatusChange id={ticket.id} status={ticket.status} version={ticket.version} />
            <CorrectionForm
              id={ticket.id}
              version={ticket.version}
              category={ticket.triage.category}
              priority={ticket.triage.priority}
              labels={ticket.triage.labels}
              team={ticket.team}
              suggested={details.predictedCategory}
              suggestedTeam={unrouted}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }} miw={0}>
          <Stack>
            <SimilarTickets
              id={ticket.id}
              version={ticket.version}
              triaged={ticket.triage.status === 'SUCCEEDED'}
            />
            <TicketHistory
              id={ticket.id}
              version={ticket.version}
              triageStatus={ticket.triage.status}
              ownerId={ticket.ownerId}
              viewerId={session?.user.id ?? ''}
              name={names}
            />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
