import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { firstApiError } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { TicketStatusBadge } from '../../components/StatusBadge.tsx';
import { graphql } from '../../gql/index.ts';

const SimilarTicketsDocument = graphql(`
  query SimilarTickets($id: ID!) {
    ticket(id: $id) {
      id
      duplicateOf
      similar { score ticket { id title status } }
    }
  }
`);

const MarkDuplicateDocument = graphql(`
  mutation MarkDuplicate($id: ID!, $of: ID!, $expectedVersion: Int) {
    markDuplicate(id: $id, of: $of, expectedVersion: $expectedVersion) { id status version duplicateOf updatedAt }
  }
`);

interface Props {
  id: string;
  version: number;
  /** The triage has run: before it, the ticket has no fingerprint and nothing is similar yet. */
  triaged: boolean;
}

/**
 * Up to three tickets like this one (among those the viewer can see), to spot a duplicate, and marking this
 * ticket a duplicate of one of them (which closes it).
 */
export function SimilarTickets({ id, version, triaged }: Props) {
  const [{ data, error }, refetch] = useQuery({
    query: SimilarTicketsDocument,
    variables: { id },
    pause: !triaged,
    requestPolicy: 'cache-and-network',
  });
  const [result, mark] = useMutation(MarkDuplicateDocument);
  const [problem, setProblem] = useState<ReturnType<typeof firstApiError>>(null);
  const ticket = data?.ticket;
  const similar = ticket?.similar ?? [];

  const markAs = async (of: string) => {
    const answer = await mark({ id, of, expectedVersion: version }, { additionalTypenames: ['Change'] });
    setProblem(firstApiError(answer.error));
    if (!answer.error) refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="similar-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="similar-title">
          Similar tickets
        </Title>
        {ticket?.duplicateOf && (
          <Text size="sm">
            Marked a duplicate of{' '}
            <Anchor component={Link} to={`/tickets/${ticket.duplicateOf}`}>
              this ticket
            </Anchor>
            .
          </Text>
        )}
        <ErrorNotice error={error} action="Could not load similar tickets" />
        {problem && (
          <Text size="sm" c="red" role="alert">
            {problem.message}
          </Text>
        )}
        {triaged && similar.length === 0 && !error && (
          <Text size="sm" c="dimmed">
            No similar tickets.
          </Text>
        )}
        {similar.map((s) => (
          <Group key={s.ticket.id} justify="space-between" wrap="nowrap" gap="xs">
            <Stack gap={0} miw={0}>
              <Anchor component={Link} to={`/tickets/${s.ticket.id}`} size="sm" className="similar-title">
                {s.ticket.title}
              </Anchor>
              <Group gap={6}>
                <TicketStatusBadge status={s.ticket.status} />
                <Text size="xs" c="dimmed">
                  {Math.round(s.score * 100)}% alike
                </Text>
              </Group>
            </Stack>
            {ticket?.duplicateOf !== s.ticket.id && (
              <Button
                size="compact-xs"
                variant="default"
                loading={result.fetching}
                onClick={() => void markAs(s.ticket.id)}
                // The accessible name starts with the visible words (WCAG 2.5.3, axe label-content-name-mismatch).
                aria-label={`Duplicate of this: “${s.ticket.title}”`}
                style={{ flexShrink: 0 }}
              >
                Duplicate of this
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
