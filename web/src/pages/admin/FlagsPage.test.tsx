import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderSignedIn } from '../../test-utils.tsx';
import FlagsPage from './FlagsPage.tsx';

const ADMIN = { id: 'a1', email: 'admin@example.com', role: 'ADMIN' as const };
const flag = (name: string, enabled: boolean, rolloutPercent: number, roles: string[]) => ({
  name,
  enabled,
  rolloutPercent,
  roles,
  updatedAt: null,
  updatedBy: null,
  description: null,
  defaultEnabled: false,
  isSet: true,
  known: true,
});

describe('FlagsPage', () => {
  it('says who a flag is on for: the share and the roles it is limited to', async () => {
    const { client } = fakeApi(() => ({
      data: {
        featureFlags: [
          flag('llm.triage', true, 25, ['OPS']),
          flag('llm.summary', true, 100, []),
          flag('llm.changelog', true, 40, []),
          flag('llm.other', true, 100, ['OPS', 'ADMIN']),
          flag('llm.off', false, 100, []),
        ],
      },
    }));
    renderSignedIn(<FlagsPage />, client, '/admin/flags', ADMIN);
    expect(await screen.findByText('on for 25% of Ops')).toBeTruthy();
    expect(screen.getByText('on for everyone')).toBeTruthy();
    expect(screen.getByText('on for 40% of users')).toBeTruthy();
    expect(screen.getByText('on for Ops and Admin')).toBeTruthy();
    expect(screen.getByText('off')).toBeTruthy();
  });
});
