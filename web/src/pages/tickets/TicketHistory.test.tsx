import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { TicketHistory } from './TicketHistory.tsx';

describe('TicketHistory', () => {
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
    renderWith(<TicketHistory id="t1" ownerId="u1" viewerId="u9" />, client);
    await screen.findByText('Triage corrected');
    expect(screen.getByText('category: BUG → FEATURE')).toBeTruthy();
    expect(screen.queryByText(/^correction:/)).toBeNull();
  });
});
