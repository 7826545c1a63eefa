import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TicketBasicsFragment } from '../../gql/graphql.ts';
import { renderWith } from '../../test-utils.tsx';
import { TicketTable } from './TicketTable.tsx';
import { ticketFixture } from './ticket-fixture.ts';

const ticket = (id: string, ownerId: string, triage: Partial<TicketBasicsFragment['triage']> = {}) =>
  ticketFixture({ id, ownerId }, triage);

const row = (title: string) => {
  const link = screen.getByRole('link', { name: title });
  const tr = link.closest('tr');
  if (!tr) throw new Error(`no row for ${title}`);
  return within(tr);
};

describe('TicketTable', () => {
  it('says which team a ticket is routed to, and nothing for one not routed', () => {
    renderWith(<TicketTable items={[{ ...ticket('t1', 'u1'), team: 'sre' }, ticket('t2', 'u1')]} />);
    expect(row('Ticket t1').getByText('team sre')).toBeTruthy();
    expect(row('Ticket t2').queryByText(/^team /)).toBeNull();
  });

  it('names each ticket’s owner for a viewer who sees everyone’s tickets', () => {
    const names: Record<string, string> = { u1: 'you', u2: 'ana@example.com' };
    renderWith(
      <TicketTable items={[ticket('t1', 'u1'), ticket('t2', 'u2')]} ownerName={(id) => names[id] ?? id} />,
    );
    expect(screen.getByRole('columnheader', { name: 'Owner' })).toBeTruthy();
    expect(row('Ticket t1').getByText('you')).toBeTruthy();
    expect(row('Ticket t2').getByText('ana@example.com')).toBeTruthy();
  });

  it('has no owner column for a viewer who sees only their own tickets', () => {
    renderWith(<TicketTable items={[ticket('t1', 'u1')]} />);
    expect(screen.queryByRole('columnheader', { name: 'Owner' })).toBeNull();
  });

  it('marks a corrected triage instead of showing the classifier’s confidence as if it were the answer', () => {
    const correction = JSON.stringify({ category: 'FEATURE', by: 'u9', at: '2026-12-06T11:00:00Z' });
    renderWith(
      <TicketTable items={[ticket('t1', 'u1'), ticket('t2', 'u1', { category: 'FEATURE', correction })]} />,
    );
    expect(row('Ticket t1').getByRole('progressbar', { name: 'Category confidence: 42%' })).toBeTruthy();
    expect(row('Ticket t1').queryByText('Corrected')).toBeNull();
    expect(row('Ticket t2').getByText('Corrected')).toBeTruthy();
    expect(row('Ticket t2').queryByRole('progressbar')).toBeNull();
  });
});
