import { Button, Collapse, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useCallback, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { LISTS } from '../../api/typenames.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager, usePages } from '../../components/Pager.tsx';
import { TICKET_STATUS_WORDS } from '../../components/StatusBadge.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { useUserNames } from '../../components/user-names.ts';
import type { Priority, TicketFilter, TicketStatus } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { can } from '../../session/roles.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { NewTicketForm } from './NewTicketForm.tsx';
import { TicketTable } from './TicketTable.tsx';
import { CATEGORIES, categoryWord, NEEDS_REVIEW, PRIORITIES, STATUSES } from './ticket-words.ts';

const TicketsDocument = graphql(`
  query Tickets($filter: TicketFilter, $limit: Int, $nextToken: String) {
    tickets(filter: $filter, limit: $limit, nextToken: $nextToken) {
      items {
        ...TicketBasics
      }
      nextToken
    }
  }
`);

const PAGE_SIZE = 50;
const any = (label: string) => ({ value: '', label });

interface Filters {
  status: string;
  category: string;
  priority: string;
  label: string;
  project: string;
}

const EMPTY: Filters = { status: '', category: '', priority: '', label: '', project: '' };

/** The API's limit on a text search (TicketFilter.text). */
const SEARCH_MAX_CHARS = 200;
/** A search without a letter or digit finds nothing: it is not sent. */
const searchable = (text: string) => /[\p{L}\p{N}]/u.test(text);

function toFilter(f: Filters, review: boolean, search: string): TicketFilter {
  const filter: TicketFilter = {};
  if (searchable(search)) filter.text = search.trim();
  if (f.status) filter.status = f.status as TicketStatus;
  if (review) filter.category = NEEDS_REVIEW;
  else if (f.category) filter.category = f.category;
  if (f.priority) filter.priority = f.priority as Priority;
  if (f.label.trim()) filter.label = f.label.trim().toLowerCase();
  if (f.project.trim()) filter.project = f.project.trim();
  return filter;
}

export default function TicketsPage({ review = false }: { review?: boolean }) {
  const [filters, setFilters] = useState<Filters>(review ? { ...EMPTY, status: 'OPEN' } : EMPTY);
  const [search, setSearch] = useState('');
  const pages = usePages();
  const [formOpen, form] = useDisclosure(false);
  // The server searches every ticket the caller can see; typing waits a moment before asking it.
  const [searched] = useDebouncedValue(search, 300);
  const filter = useMemo(() => toFilter(filters, review, searched), [filters, review, searched]);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: TicketsDocument,
    variables: { filter, limit: PAGE_SIZE, nextToken: pages.token },
    context: LISTS.tickets,
  });
  const set = (key: keyof Filters) => (value: string) => {
    setFilters({ ...filters, [key]: value });
    pages.reset();
  };
  const items = data?.tickets?.items ?? [];
  const viewer = useSession()?.user;
  const everyone = viewer !== undefined && can.seeEveryone(viewer.role);
  const ownerName = useUserNames(viewer);
  const busy = items.some((t) => t.triage.status === 'QUEUED' || t.triage.status === 'PROCESSING');
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  usePolling(busy, refresh);

  return (
    <Stack>
      <PageHeader
        title={review ? 'Review queue' : 'Tickets'}
        description={
          review
            ? 'Tickets the classifier was not confident about. Open one, check the suggestion and correct it.'
            : 'Create a ticket and it is triaged at once: category, priority, labels, confidence and why.'
        }
        actions={
          !review && (
            <Button onClick={form.toggle} aria-expanded={formOpen} variant={formOpen ? 'default' : 'filled'}>
              {formOpen ? 'Close the form' : 'New ticket'}
            </Button>
          )
        }
      />
      {!review && (
        // Mounted only while open, not kept in Mantine's hidden React <Activity>: kept so, a click on "Create
        // and triage" sent no request twice in browser tests under CPU load (6 Dec; the cause is not proven).
        <Collapse expanded={formOpen} keepMounted={false}>
          <NewTicketForm />
        </Collapse>
      )}
      <SimpleGrid
        cols={{ base: 2, sm: 3, lg: 6 }}
        component="fieldset"
        style={{ border: 0, padding: 0, margin: 0 }}
      >
        <legend className="visually-hidden">Filters</legend>
        <TextInput
          label="Search"
          placeholder="Words in title or text"
          description="All words, in title or text"
          maxLength={SEARCH_MAX_CHARS}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            pages.reset();
          }}
        />
        <NativeSelect
          label="Status"
          value={filters.status}
          onChange={(e) => set('status')(e.currentTarget.value)}
          data={[any('Any status'), ...STATUSES.map((s) => ({ value: s, label: TICKET_STATUS_WORDS[s] }))]}
        />
        {!review && (
          <NativeSelect
            label="Category"
            value={filters.category}
            onChange={(e) => set('category')(e.currentTarget.value)}
            data={[
              any('Any category'),
              ...[...CATEGORIES, NEEDS_REVIEW].map((c) => ({ value: c, label: categoryWord(c) })),
            ]}
          />
        )}
        <NativeSelect
          label="Priority"
          value={filters.priority}
          onChange={(e) => set('priority')(e.currentTarget.value)}
          data={[any('Any priority'), ...PRIORITIES]}
        />
        <TextInput
          label="Label"
          value={filters.label}
          onChange={(e) => set('label')(e.currentTarget.value)}
        />
        <TextInput
          label="Project"
          value={filters.project}
          onChange={(e) => set('project')(e.currentTarget.value)}
        />
      </SimpleGrid>
      <ErrorNotice error={error} action="Could not load tickets" onRetry={refresh} />
      <TicketTable items={items} ownerName={everyone ? ownerName : undefined} />
      {!fetching && items.length === 0 && !error && (
        <Text c="dimmed" size="sm">
          {review ? 'Nothing to review.' : 'No tickets match.'}
        </Text>
      )}
      <Pager pages={pages} nextToken={data?.tickets?.nextToken} />
    </Stack>
  );
}
