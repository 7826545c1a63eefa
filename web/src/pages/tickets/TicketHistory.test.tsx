import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useUserNames } from '../../components/user-names.ts';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { TicketHistory } from './TicketHistory.tsx';

/** The history as the ticket page shows it to a USER who owns the ticket. */
function OwnersHistory() {
  const name = useUserNames({ id: 'owner-1', role: 'USER' });
  return (
    <TicketHistory
      id="t1"
      version={1}
      triageStatus="SUCCEEDED"
      ownerId="owner-1"
      viewerId="owner-1"
      name={name}
    />
  );
}

interface Entry {
  at: string;
  actorId: string | null;
  action: string;
  changes: string;
  meta: null;
}

const created: Entry = {
  at: '2026-12-06T10:00:00Z',
  actorId: 'owner-1',
  action: 'created',
  changes: JSON.stringify({ title: { from: null, to: 'VPN drops' } }),
  meta: null,
};
const triaged: Entry = {
  at: '2026-12-06T10:00:02Z',
  actorId: null,
  action: 'triage_completed',
  changes: JSON.stringify({ category: { from: null, to: 'BUG' } }),
  meta: null,
};

describe('TicketHistory', () => {
  it('adds the triage to the history while the page is open, when the ticket’s version and triage change', async () => {
    let entries = [created];
    const { client } = fakeApi(() => ({ data: { ticketHistory: entries } }));
    const history = (version: number, triageStatus: string) => (
      <TicketHistory
        id="t1"
        version={version}
        triageStatus={triageStatus}
        ownerId="owner-1"
        viewerId="owner-1"
        name={(id) => id}
      />
    );
    const { rerender } = renderWith(history(1, 'QUEUED'), client);
    await screen.findByText('Created');
    // The triage worker finishes; the ticket page's polling reads version 2, DONE.
    entries = [created, triaged];
    rerender(history(2, 'SUCCEEDED'));
    await screen.findByText('Triaged');
  });

  it('shows a correction as the fields it changed, not its raw record', async () => {
    const correction = {
      category: 'FEATURE',
      priority: null,
      labels: null,
      by: 'u9',
      at: '2026-12-06T11:00:00Z',
    };
    const { client } = fakeApi(() => ({
      data: {
        ticketHistory: [
          {
            at: '2026-12-06T11:00:00Z',
            actorId: 'u9',
            action: 'triage_corrected',
            changes: JSON.stringify({
              category: { from: 'BUG', to: 'FEATURE' },
              correction: { from: null, to: correction },
            }),
            meta: null,
          },
        ],
      },
    }));
    renderWith(
      <TicketHistory
        id="t1"
        version={2}
        triageStatus="SUCCEEDED"
        ownerId="u1"
        viewerId="u9"
        name={(id) => id}
      />,
      client,
    );
    await screen.findByText('Triage corrected');
    expect(screen.getByText('Category: Bug → Feature')).toBeTruthy();
    expect(screen.queryByText(/^correction:/)).toBeNull();
  });

  it('tells a USER that an operator changed their ticket, not the operator’s id, and that they did themselves', async () => {
    const { client } = fakeApi(() => ({
      data: {
        ticketHistory: [
          {
            at: '2026-12-06T10:00:00Z',
            actorId: 'owner-1',
            action: 'created',
            changes: JSON.stringify({ title: { from: null, to: 'VPN drops' } }),
            meta: null,
          },
          {
            at: '2026-12-06T11:00:00Z',
            actorId: 'd616eee7-0000-4000-8000-000000000009',
            action: 'triage_corrected',
            changes: JSON.stringify({ category: { from: 'BUG', to: 'TASK' } }),
            meta: null,
          },
        ],
      },
    }));
    renderWith(<OwnersHistory />, client);
    await screen.findByText('Triage corrected');
    expect(screen.getByText('an operator')).toBeTruthy();
    expect(screen.getByText('you')).toBeTruthy();
    expect(screen.queryByText(/d616eee7/i)).toBeNull();
  });

  it('words each change as the ticket page does: field names and values, not the record’s codes', async () => {
    const { client } = fakeApi(() => ({
      data: {
        ticketHistory: [
          {
            at: '2026-12-06T10:00:02Z',
            actorId: null,
            action: 'triage_completed',
            changes: JSON.stringify({
              category: { from: null, to: 'NEEDS_REVIEW' },
              priority: { from: null, to: 'P2' },
              labels: { from: null, to: ['ui', 'login'] },
            }),
            meta: null,
          },
          {
            at: '2026-12-06T11:00:00Z',
            actorId: 'owner-1',
            action: 'status_changed',
            changes: JSON.stringify({
              status: { from: 'OPEN', to: 'IN_PROGRESS' },
              body: { from: '', to: 'More' },
            }),
            meta: null,
          },
        ],
      },
    }));
    renderWith(<OwnersHistory />, client);
    await screen.findByText('Status changed');
    expect(screen.getByText('Category: Needs review')).toBeTruthy();
    expect(screen.getByText('Priority: P2 · high')).toBeTruthy();
    expect(screen.getByText('Labels: ui, login')).toBeTruthy();
    expect(screen.getByText('Status: Open → In progress')).toBeTruthy();
    expect(screen.getByText('Description: More')).toBeTruthy();
  });
});
