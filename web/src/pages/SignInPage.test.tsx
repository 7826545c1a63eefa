import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderSignedOut } from '../test-utils.tsx';
import { SignInPage } from './SignInPage.tsx';

/** The page signed out, with an auth API whose calls are recorded and never answer. */
function open(mode: 'signin' | 'signup') {
  const pending = vi.fn(() => new Promise<never>(() => {}));
  renderSignedOut(<SignInPage mode={mode} />, pending);
  return pending;
}

const password = () => screen.getByLabelText(/^Password/);

describe('SignInPage', () => {
  afterEach(() => localStorage.clear());

  it('refuses a signup password shorter than the server’s minimum before sending it', async () => {
    const api = open('signup');
    await userEvent.type(screen.getByLabelText(/^Email/), 'new@example.com');
    await userEvent.type(password(), 'short-pw');
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(screen.getByText('Use at least 12 characters (this one has 8).')).toBeTruthy();
    expect(api).not.toHaveBeenCalled();
  });

  it('does not judge the length of an existing password at sign-in', async () => {
    const api = open('signin');
    await userEvent.type(screen.getByLabelText(/^Email/), 'old@example.com');
    await userEvent.type(password(), 'short-pw');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.queryByText(/Use at least/)).toBeNull();
    expect(api).toHaveBeenCalledTimes(1);
  });

  it('lets the keyboard reach the show-password button, named "Show password"', async () => {
    open('signin');
    await userEvent.click(password());
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Show password' }));
  });
});
