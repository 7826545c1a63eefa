import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../session/session-store.ts';
import { fakeApi, renderWith } from '../test-utils.tsx';
import { useUserNames } from './user-names.ts';

function Names({ viewer, ids }: { viewer: { id: string; role: Role }; ids: string[] }) {
  const name = useUserNames(viewer);
  return <p data-testid="names">{ids.map(name).join(' | ')}</p>;
}

const ids = ['me', 'a1b2c3d4-0000-4000-8000-000000000001', 'f9e8d7c6-0000-4000-8000-000000000002'];

describe('useUserNames', () => {
  it('gives an ADMIN the e-mail of each user the API lists, the short id for others', async () => {
    const { client, calls } = fakeApi(() => ({
      data: { users: { items: [{ id: ids[1], email: 'ana@example.com' }] } },
    }));
    renderWith(<Names viewer={{ id: 'me', role: 'ADMIN' }} ids={ids} />, client);
    await screen.findByText('you | ana@example.com | user f9e8d7c6');
    expect(new Set(calls.map((c) => c.operationName))).toEqual(new Set(['UserEmails']));
  });

  it('never asks for users as OPS (Query.users is denied to OPS): you, or the short id', () => {
    const { client, calls } = fakeApi(() => ({ data: { users: { items: [] } } }));
    renderWith(<Names viewer={{ id: 'me', role: 'OPS' }} ids={ids} />, client);
    expect(screen.getByTestId('names').textContent).toBe('you | user a1b2c3d4 | user f9e8d7c6');
    expect(calls).toEqual([]);
  });

  it('names anyone else as "an operator" to a USER or HR, never by id, and asks for no users', () => {
    for (const role of ['USER', 'HR'] as const) {
      const { client, calls } = fakeApi(() => ({ data: { users: { items: [] } } }));
      const { unmount } = renderWith(<Names viewer={{ id: 'me', role }} ids={ids} />, client);
      expect(screen.getByTestId('names').textContent).toBe('you | an operator | an operator');
      expect(calls).toEqual([]);
      unmount();
    }
  });
});
