import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { DateTimeText } from '../../components/DateTimeText.tsx';
import { ShareBar } from '../../components/ShareBar.tsx';
import { JobStatusBadge, TicketStatusBadge } from '../../components/StatusBadge.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { TicketBasicsFragment } from '../../gql/graphql.ts';
import { readCorrection } from './TriageCard.tsx';
import { categoryWord, PRIORITY_COLORS } from './ticket-words.ts';

interface Props {
  items: TicketBasicsFragment[];
  /**
   * Given for viewers who see everyone's tickets (OPS, ADMIN): the owner column names each ticket's owner. A
   * USER or HR sees only their own tickets, where the column would say "you" on every row.
   */
  ownerName?: ((id: string) => string) | undefined;
}

/**
 * The tickets list. On a phone (below `sm`) only title, status and priority stay, and the table fits the
 * screen instead of scrolling sideways (QA, 6 Dec: at 390 px the status read "OP…"); the rest is on the
 * ticket's page.
 */
export function TicketTable({ items, ownerName }: Props) {
  return (
    <TableScroll label="Tickets">
      <Table striped highlightOnHover miw={{ base: 0, sm: 640 }} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="sm">Category</Table.Th>
            <Table.Th>Priority</Table.Th>
            <Table.Th visibleFrom="sm">Confidence</Table.Th>
            {ownerName && <Table.Th visibleFrom="sm">Owner</Table.Th>}
            <Table.Th visibleFrom="sm">Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td maw={360} style={{ overflowWrap: 'anywhere' }}>
                <Anchor component={Link} to={`/tickets/${t.id}`}>
                  {t.title}
                </Anchor>
                {(t.project || t.team || t.triage.labels.length > 0) && (
                  <Group gap={4} mt={2}>
                    {t.project && (
                      <Text size="xs" c="dimmed">
                        {t.project}
                      </Text>
                    )}
                    {t.team && (
                      <Text size="xs" c="dimmed">
                        team {t.team}
                      </Text>
                    )}
                    {t.triage.labels.map((l) => (
                      <Badge key={l} size="xs" variant="outline" color="gray">
                        {l}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                <TicketStatusBadge status={t.status} />
              </Table.Td>
              <Table.Td visibleFrom="sm">
                {t.triage.status === 'SUCCEEDED' ? (
                  categoryWord(t.triage.category)
                ) : (
                  <JobStatusBadge status={t.triage.status} />
                )}
              </Table.Td>
              <Table.Td>
                {t.triage.priority && (
                  <Badge color={PRIORITY_COLORS[t.triage.priority]} variant="light" miw="max-content">
                    {t.triage.priority}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Confidence triage={t.triage} />
              </Table.Td>
              {ownerName && (
                <Table.Td visibleFrom="sm">
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {ownerName(t.ownerId)}
                  </Text>
                </Table.Td>
              )}
              <Table.Td visibleFrom="sm">
                <Text size="sm">
                  <DateTimeText iso={t.createdAt} />
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/**
 * The classifier's confidence, unless a person corrected the triage: the category shown is then theirs, and
 * the model's confidence in its own answer would read as confidence in the person's.
 */
function Confidence({ triage }: { triage: TicketBasicsFragment['triage'] }) {
  if (readCorrection(triage.correction)) {
    return (
      <Badge color="teal" variant="light" miw="max-content">
        Corrected
      </Badge>
    );
  }
  return triage.confidence === null ? null : (
    <ShareBar value={triage.confidence} label="Category confidence" width={70} />
  );
}
