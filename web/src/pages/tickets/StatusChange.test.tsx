import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { StatusChange } from './StatusChange.tsx';

const newer = {
  id: 't1',
  ownerId: 'u1',
  title: 'Login fails',
  body: 'Login fails',
  project: null,
  status: 'IN_PROGRESS',
  version: 4,
  createdAt: '2026-01-01T10:00:00Z',
  updatedAt: '2026-01-01T11:00:00Z',
  triage: {
    status: 'SUCCEEDED',
    category: 'BUG',
    priority: 'P2',
    labels: [],
    confidence: 0.9,
    details: null,
    rationale: null,
    classifierVersion: null,
    correction: null,
  },
};

describe('StatusChange', () => {
  it('shows the newer version on a conflict and applies the change on top of it when asked', async () => {
    const { client, calls } = fakeApi(({ operationName, variables }) => {
      if (operationName === 'Ticket') return { data: { ticket: newer } };
      if (variables.expectedVersion === 3) {
        return { errors: [{ message: 'The ticket changed since version 3', errorType: 'ConflictError' }] };
      }
      return {
        data: {
          updateTicketStatus: { id: 't1', status: 'RESOLVED', version: 5, updatedAt: '2026-01-01T12:00:00Z' },
        },
      };
    });
    renderWith(<StatusChange id="t1" status="OPEN" version={3} />, client);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'New status' }), 'RESOLVED');
    await userEvent.click(screen.getByRole('button', { name: 'Update status' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Someone else changed this ticket');
    expect(alert.textContent).toContain('In progress');
    expect(alert.textContent).toContain('version 4');

    await userEvent.click(screen.getByRole('button', { name: /Apply “Resolved” to the newer version/ }));
    await screen.findByText('Status changed to Resolved.');
    const updates = calls.filter((c) => c.operationName === 'UpdateTicketStatus');
    expect(updates.map((c) => c.variables.expectedVersion)).toEqual([3, 4]);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('lets the user keep the other change instead', async () => {
    const { client, calls } = fakeApi(({ operationName }) =>
      operationName === 'Ticket'
        ? { data: { ticket: newer } }
        : { errors: [{ message: 'stale', errorType: 'ConflictError' }] },
    );
    renderWith(<StatusChange id="t1" status="OPEN" version={3} />, client);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'New status' }), 'CLOSED');
    await userEvent.click(screen.getByRole('button', { name: 'Update status' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Keep their change' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect((screen.getByRole('combobox', { name: 'New status' }) as HTMLSelectElement).value).toBe(
      'IN_PROGRESS',
    );
    expect(calls.filter((c) => c.operationName === 'UpdateTicketStatus')).toHaveLength(1);
  });
});
