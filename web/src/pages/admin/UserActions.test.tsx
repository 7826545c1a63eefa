import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { UserActions } from './UserActions.tsx';

const user = { id: 'u-1', email: 'dana@example.com', status: 'ACTIVE' as const };

describe('UserActions', () => {
  it.each([
    ['Escape', async () => userEvent.keyboard('{Escape}')],
    ['Cancel', async () => userEvent.click(screen.getByRole('button', { name: 'Cancel' }))],
  ])(
    'gives the focus back to the Delete button when the delete dialog is closed with %s',
    async (_, close) => {
      const { client } = fakeApi(() => ({ data: {} }));
      renderWith(<UserActions user={user} onIssued={() => {}} />, client);
      const opener = screen.getByRole('button', { name: 'Delete dana@example.com' });
      opener.focus();
      await userEvent.keyboard('{Enter}');
      await screen.findByRole('dialog', { name: 'Delete dana@example.com?' });
      await close();
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      await waitFor(() => expect(document.activeElement).toBe(opener));
    },
  );

  it('opens the delete dialog again with "also delete their records" unticked after it was cancelled', async () => {
    const { client } = fakeApi(() => ({ data: {} }));
    renderWith(<UserActions user={user} onIssued={() => {}} />, client);
    const opener = screen.getByRole('button', { name: 'Delete dana@example.com' });
    await userEvent.click(opener);
    await userEvent.click(await screen.findByRole('checkbox', { name: /Also delete/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await userEvent.click(opener);
    const box = await screen.findByRole('checkbox', { name: /Also delete/ });
    expect((box as HTMLInputElement).checked).toBe(false);
  });
});
