import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderSignedIn } from '../../test-utils.tsx';
import UsersPage from './UsersPage.tsx';

const ADMIN = { id: 'a1', email: 'admin@example.com', role: 'ADMIN' as const };
const person = (id: string, status: string) => ({
  id,
  email: `${id}@example.com`,
  role: 'USER',
  createdAt: '2026-12-01T10:00:00Z',
  status,
  lastLoginAt: null,
});

describe('UsersPage', () => {
  it('names account statuses in words, in the filter and in the list, as it names roles', async () => {
    const { client } = fakeApi(() => ({
      data: { users: { items: [person('dana', 'INVITED'), person('eli', 'DISABLED')], nextToken: null } },
    }));
    renderSignedIn(<UsersPage />, client, '/admin/users', ADMIN);
    const filter = screen.getByRole('combobox', { name: 'Status' });
    const options = within(filter)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['Any but deleted', 'Active', 'Invited', 'Disabled', 'Deleted']);
    const dana = (await screen.findByText('dana@example.com')).closest('tr');
    if (!dana) throw new Error('no row for dana');
    expect(within(dana).getByText('Invited')).toBeTruthy();
  });
});
