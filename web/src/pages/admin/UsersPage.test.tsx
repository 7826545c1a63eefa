import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

  it('says a role was saved and keeps the focus on that user’s role, where it was', async () => {
    let role = 'USER';
    const { client, calls } = fakeApi((call) =>
      call.operationName === 'SetUserRole'
        ? (() => {
            role = String(call.variables.role);
            return {
              data: { setUserRole: { id: 'dana', email: 'dana@example.com', role, __typename: 'User' } },
            };
          })()
        : {
            data: {
              users: { items: [{ ...person('dana', 'ACTIVE'), role, __typename: 'User' }], nextToken: null },
            },
          },
    );
    renderSignedIn(<UsersPage />, client, '/admin/users', ADMIN);
    const select = await screen.findByRole('combobox', { name: 'Role of dana@example.com' });
    await userEvent.selectOptions(select, 'OPS');
    await userEvent.click(screen.getByRole('button', { name: 'Save the role of dana@example.com' }));
    await waitFor(() => expect(calls.some((c) => c.operationName === 'SetUserRole')).toBe(true));
    expect(await screen.findByText('Saved: Ops')).toBeTruthy();
    const now = screen.getByRole('combobox', { name: 'Role of dana@example.com' }) as HTMLSelectElement;
    expect(now.value).toBe('OPS');
    expect(document.activeElement).toBe(now);
  });
});
