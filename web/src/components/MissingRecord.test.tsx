import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import TicketDetailPage from '../pages/tickets/TicketDetailPage.tsx';
import { fakeApi, renderSignedIn } from '../test-utils.tsx';

describe('a detail page whose address names no record', () => {
  it('says there is no ticket with this address, not "Please check what you entered"', async () => {
    // What the API answers for /tickets/not-a-uuid.
    const { client } = fakeApi(({ operationName }) =>
      operationName === 'Ticket'
        ? { errors: [{ message: 'id: must be an ID', errorType: 'ValidationError' }] }
        : { data: {} },
    );
    renderSignedIn(
      <Routes>
        <Route path="/tickets/:id" element={<TicketDetailPage />} />
      </Routes>,
      client,
      '/tickets/not-a-uuid',
    );
    await screen.findByText('No ticket with this address');
    expect(screen.queryByText(/Please check what you entered/)).toBeNull();
    expect(screen.queryByText(/must be an ID/)).toBeNull();
    expect(screen.getByRole('link', { name: 'list' }).getAttribute('href')).toBe('/tickets');
  });

  it('still says a well-formed id that is not there was not found', async () => {
    const { client } = fakeApi(() => ({ errors: [{ message: 'Ticket not found', errorType: 'NotFound' }] }));
    renderSignedIn(
      <Routes>
        <Route path="/tickets/:id" element={<TicketDetailPage />} />
      </Routes>,
      client,
      '/tickets/7d9f3c1e-0000-4000-8000-000000000001',
    );
    await screen.findByText(/^Not found: it may have been deleted/);
  });
});
