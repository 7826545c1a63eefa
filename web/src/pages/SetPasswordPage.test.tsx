import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderSignedOut } from '../test-utils.tsx';
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
  renderSignedOut(<SetPasswordPage />, async () => {
    throw new Error('not reached');
  });
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
    // The rest of the policy (common passwords, the e-mail name) is the server's alone.
    openLink('password: is too common; choose a less predictable password');
    await userEvent.type(screen.getByLabelText(/New password/), 'Password2024!');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'password: is too common; choose a less predictable password',
    );
  });

  it('refuses a password shorter than the server’s minimum before sending it, and says so at the field', async () => {
    openLink('unused');
    const field = screen.getByLabelText(/New password/);
    await userEvent.type(field, 'Violet-42');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(screen.getByText('Use at least 12 characters (this one has 9).')).toBeTruthy();
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.type(field, '-Harbour');
    expect(screen.queryByText(/Use at least 12 characters/)).toBeNull();
  });

  it('lets the keyboard reach the show-password button, which has a name and says whether it shows', async () => {
    openLink('unused');
    await userEvent.click(screen.getByLabelText(/New password/));
    await userEvent.tab();
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(document.activeElement).toBe(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await userEvent.keyboard('{Enter}');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByLabelText(/New password/).getAttribute('type')).toBe('text');
  });
});
