import type { TicketBasicsFragment } from '../../gql/graphql.ts';

/** A triaged ticket as the list queries return it, for the console's tests; `triage` merges into its triage. */
export const ticketFixture = (
  fields: Partial<Omit<TicketBasicsFragment, 'triage'>> & { id: string; ownerId: string },
  triage: Partial<TicketBasicsFragment['triage']> = {},
) =>
  ({
    title: `Ticket ${fields.id}`,
    body: '',
    project: null,
    team: null,
    status: 'OPEN',
    version: 3,
    createdAt: '2026-12-06T10:00:00Z',
    updatedAt: '2026-12-06T10:05:00Z',
    ...fields,
    triage: {
      status: 'SUCCEEDED',
      category: 'BUG',
      priority: 'P2',
      labels: [],
      confidence: 0.42,
      correction: null,
      ...triage,
    },
  }) satisfies TicketBasicsFragment;
