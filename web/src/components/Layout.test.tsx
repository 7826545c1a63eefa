import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderSignedIn } from '../test-utils.tsx';
import { Layout } from './Layout.tsx';

describe('Layout', () => {
  it('closes the phone navigation with Escape and puts the focus back on its button', async () => {
    const { client } = fakeApi(() => ({ data: {} }));
    renderSignedIn(
      <Layout>
        <p>page</p>
      </Layout>,
      client,
      '/tickets',
    );
    const button = screen.getByRole('button', { name: 'Open navigation' });
    await userEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    await userEvent.keyboard('{Escape}');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getAttribute('aria-label')).toBe('Open navigation');
    expect(document.activeElement).toBe(button);
  });
});
