import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from './App.tsx';
import { fakeApi, renderConsole } from './test-utils.tsx';

// The Tickets page's chunk cannot be fetched (server stopped, or a deploy removed it), as Chromium says it.
vi.mock('./pages/tickets/TicketsPage.tsx', () => {
  throw new TypeError(
    'Failed to fetch dynamically imported module: http://localhost:4000/assets/TicketsPage-x.js',
  );
});
// The changelogs page throws while rendering.
vi.mock('./pages/changelogs/ChangelogsPage.tsx', () => ({
  default: () => {
    throw new Error('cannot read properties of undefined');
  },
}));

const quiet = () => fakeApi(() => ({ data: {} })).client;

describe('the console’s routes', () => {
  it('says a page could not be loaded, inside the layout with its menu, when its code cannot be fetched', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderConsole(routes, quiet(), '/tickets');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The server cannot be reached, or a new version of the console');
    expect(within(alert).getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'This page could not be loaded' })).toBeTruthy();
    // The menu is still there, and another page opens from it.
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await userEvent.click(within(nav).getByRole('link', { name: /^Overview/ }));
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('catches a page that throws while rendering, keeping the layout', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderConsole(routes, quiet(), '/changelogs');
    await screen.findByRole('heading', { level: 1, name: 'This page stopped working' });
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('tells a role without access why it landed on the overview', async () => {
    const router = renderConsole(routes, quiet(), '/admin/users', {
      id: 'u2',
      email: 'ops@example.com',
      role: 'OPS',
    });
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    expect(router.state.location.pathname).toBe('/');
    expect(screen.getByText('That page needs the Admin role')).toBeTruthy();
    expect(screen.getByText(/You are signed in as Ops/)).toBeTruthy();
  });

  it('shows the menus of the role the server reports on load, and a demotion when the window gets focus', async () => {
    let role = 'OPS';
    const { client } = fakeApi(({ operationName }) =>
      operationName === 'Me' ? { data: { me: { id: 'u1', email: 'dev@example.com', role } } } : { data: {} },
    );
    // Signed in as USER; an admin has since promoted this user to OPS.
    renderConsole(routes, client, '/');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await within(nav).findByRole('link', { name: /^System health/ });
    expect(screen.getByLabelText('Role: Ops')).toBeTruthy();
    // Demoted again while the tab is in the background; the user comes back to it.
    role = 'USER';
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => expect(within(nav).queryByRole('link', { name: /^System health/ })).toBeNull());
  });

  it('names both roles that may open the review queue to HR', async () => {
    renderConsole(routes, quiet(), '/tickets/review', { id: 'u3', email: 'hr@example.com', role: 'HR' });
    await screen.findByText('That page needs the Ops or Admin role');
  });
});
