import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../session/SessionProvider.tsx';
import { SessionStore } from '../session/session-store.ts';
import { renderWith } from '../test-utils.tsx';
import SetPasswordPage from './SetPasswordPage.tsx';

/** The page as a link opens it, signed out, with the API answering `message` as AppSync does. */
function openLink(message: string) {
  window.location.hash = '#token=abc';
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async () =>
        new Response(JSON.stringify({ data: null, errors: [{ message, errorType: 'ValidationError' }] }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    ),
  );
  const unused = async (): Promise<never> => {
    throw new Error('not reached');
  };
  const store = new SessionStore({
    storage: localStorage,
    api: { login: unused, signup: unused, refresh: unused, logout: unused },
  });
  renderWith(
    <SessionContext.Provider
      value={{ store, config: { graphqlUrl: 'http://api.invalid/graphql', apiKey: 'k' } }}
    >
      <SetPasswordPage />
    </SessionContext.Provider>,
  );
}

describe('SetPasswordPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('says a used link is used, not "check what you entered" about a token nobody typed', async () => {
    openLink('token: has already been used');
    await userEvent.type(screen.getByLabelText(/New password/), 'Violet-Harbour-Lantern-42');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'This link has already been used. Ask your administrator for a new one.',
    );
    expect(alert.textContent).not.toContain('token:');
    expect(alert.textContent).not.toContain('check what you entered');
  });

  it('says an expired link has expired, once', async () => {
    openLink('token: has expired; ask an administrator for a new one');
    await userEvent.type(screen.getByLabelText(/New password/), 'Violet-Harbour-Lantern-42');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'This link has expired. Ask your administrator for a new one.',
    );
  });

  it('still shows why the API refused a password, as before', async () => {
    openLink('password: must be at least 12 characters');
    await userEvent.type(screen.getByLabelText(/New password/), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'password: must be at least 12 characters',
    );
  });
});
