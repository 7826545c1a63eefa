import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { currentLocation, type FakeCall, fakeApi, pendingApi, renderSignedIn } from '../../test-utils.tsx';
import TicketsPage from './TicketsPage.tsx';
import { ticketFixture } from './ticket-fixture.ts';

const ticket = {
  ...ticketFixture({ id: 't1', ownerId: 'u1', title: 'Login times out', version: 2 }, { confidence: 0.8 }),
  __typename: 'Ticket',
};

const ticketCalls = (calls: FakeCall[]) => calls.filter((c) => c.operationName === 'Tickets');

describe('TicketsPage', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('restores search, filters and page from the URL, as after Back or a reload', async () => {
    const { client, calls } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    renderSignedIn(<TicketsPage />, client, '/tickets?q=login&status=OPEN&label=ui&page=t1&page=t2');
    await waitFor(() => expect(ticketCalls(calls).length).toBeGreaterThan(0));
    expect(ticketCalls(calls)[0]?.variables).toMatchObject({
      filter: { text: 'login', status: 'OPEN', label: 'ui' },
      nextToken: 't2',
    });
    expect((screen.getByRole('textbox', { name: 'Search' }) as HTMLInputElement).value).toBe('login');
    expect((screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement).value).toBe('OPEN');
    expect((screen.getByRole('textbox', { name: 'Label' }) as HTMLInputElement).value).toBe('ui');
    fireEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(currentLocation()).toBe('/tickets?q=login&status=OPEN&label=ui&page=t1');
  });

  it('filters by team, the routing a team head or a person gave, kept in the URL', async () => {
    const { client, calls } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    renderSignedIn(<TicketsPage />, client, '/tickets');
    fireEvent.change(screen.getByRole('textbox', { name: 'Team' }), { target: { value: ' sre ' } });
    await waitFor(() => expect(currentLocation()).toBe('/tickets?team=+sre+'));
    await waitFor(() =>
      expect(ticketCalls(calls).at(-1)?.variables).toMatchObject({ filter: { team: 'sre' } }),
    );
  });

  it('keeps the search, a filter and the page in the URL, and a changed filter starts at the first page', async () => {
    const { client, calls } = fakeApi((call) => ({
      data: { tickets: { items: [], nextToken: call.variables.nextToken ? null : 'n1' } },
    }));
    renderSignedIn(<TicketsPage />, client, '/tickets');
    const older = screen.getByRole('button', { name: 'Older' }) as HTMLButtonElement;
    await waitFor(() => expect(older.disabled).toBe(false));
    fireEvent.click(older);
    expect(currentLocation()).toBe('/tickets?page=n1');
    fireEvent.change(screen.getByRole('textbox', { name: 'Search' }), { target: { value: 'login' } });
    await waitFor(() => expect(currentLocation()).toBe('/tickets?q=login'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'RESOLVED' } });
    expect(currentLocation()).toBe('/tickets?q=login&status=RESOLVED');
    await waitFor(() =>
      expect(ticketCalls(calls).at(-1)?.variables).toMatchObject({
        filter: { text: 'login', status: 'RESOLVED' },
        nextToken: null,
      }),
    );
  });

  it('reopens the new-ticket form with what was typed before the session ended', async () => {
    const { client } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    const before = renderSignedIn(<TicketsPage />, client, '/tickets');
    fireEvent.click(screen.getByRole('button', { name: 'New ticket' }));
    fireEvent.change(await screen.findByRole('textbox', { name: 'Title' }), {
      target: { value: 'Typed before my session expired' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Description (optional)' }), {
      target: { value: 'A long description.' },
    });
    // The session ends: the sign-in page replaces the list; signed in again, the list comes back.
    before.unmount();
    renderSignedIn(<TicketsPage />, client, '/tickets');
    expect(((await screen.findByRole('textbox', { name: 'Title' })) as HTMLInputElement).value).toBe(
      'Typed before my session expired',
    );
    expect(
      (screen.getByRole('textbox', { name: 'Description (optional)' }) as HTMLTextAreaElement).value,
    ).toBe('A long description.');
    // Closing the form discards it, as before.
    fireEvent.click(screen.getByRole('button', { name: 'Close the form' }));
    expect(sessionStorage.length).toBe(0);
  });

  it('shows another user’s draft to no one else', async () => {
    sessionStorage.setItem('ai-ops.draft.new-ticket.u2', JSON.stringify({ title: 'Not yours' }));
    const { client } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    renderSignedIn(<TicketsPage />, client, '/tickets');
    expect(screen.queryByRole('textbox', { name: 'Title' })).toBeNull();
  });

  it('says the list is loading while the API has not answered, not that there are no tickets', () => {
    renderSignedIn(<TicketsPage />, pendingApi(), '/tickets?q=login');
    expect(screen.getByText('Loading tickets…')).toBeTruthy();
  });

  it('says there are no tickets yet, not that none match, when nothing filters the list', async () => {
    const { client } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    renderSignedIn(<TicketsPage />, client, '/tickets');
    await waitFor(() => expect(screen.getByText('No tickets yet: create one with New ticket.')).toBeTruthy());
  });

  it('says no ticket matches when a search or filter is set', async () => {
    const { client } = fakeApi(() => ({ data: { tickets: { items: [], nextToken: null } } }));
    renderSignedIn(<TicketsPage />, client, '/tickets?priority=P1');
    await waitFor(() => expect(screen.getByText('No tickets match.')).toBeTruthy());
  });

  describe('when the server was down', () => {
    afterEach(() => vi.useRealTimers());

    it('asks again by itself until the API answers, and then shows the list without Try again', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      let up = false;
      const { client } = fakeApi(() =>
        up ? { data: { tickets: { items: [ticket], nextToken: null } } } : { unreachable: true },
      );
      renderSignedIn(<TicketsPage />, client, '/tickets');
      await screen.findByText('Could not load tickets');
      up = true;
      await vi.advanceTimersByTimeAsync(3000);
      await waitFor(() => expect(screen.getByRole('link', { name: 'Login times out' })).toBeTruthy());
      expect(screen.queryByText('Could not load tickets')).toBeNull();
    });
  });
});
