import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderSignedIn } from '../../test-utils.tsx';
import AuditPage from './AuditPage.tsx';

const ADMIN = { id: 'a1', email: 'admin@example.com', role: 'ADMIN' as const };

describe('AuditPage', () => {
  it('shows what a role change and a flag change did in words, not their JSON', async () => {
    const entry = (id: string, action: string, details: object) => ({
      id,
      at: '2026-12-07T14:00:00Z',
      actorEmail: 'admin@example.com',
      action,
      targetType: 'user',
      targetLabel: 'dana@example.com',
      details: JSON.stringify(details),
    });
    const { client } = fakeApi(() => ({
      data: {
        auditLog: {
          items: [
            entry('e1', 'USER_ROLE_CHANGED', { to: 'OPS', from: 'USER' }),
            entry('e2', 'FLAG_CHANGED', { changes: { enabled: { to: true, from: null } }, created: true }),
          ],
          nextToken: null,
        },
      },
    }));
    renderSignedIn(<AuditPage />, client, '/admin/audit', ADMIN);
    expect(await screen.findByText('User → Ops')).toBeTruthy();
    expect(screen.getByText('Created, Enabled: on')).toBeTruthy();
    expect(screen.queryByText(/"enabled"/)).toBeNull();
  });
});
