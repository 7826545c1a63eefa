import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith, signedInContext } from '../test-utils.tsx';
import { SessionContext } from './SessionProvider.tsx';
import { useConfirmedUser } from './use-confirmed-user.ts';

function Probe() {
  useConfirmedUser();
  return null;
}

function renderProbe(answer: Parameters<typeof fakeApi>[0]) {
  const context = signedInContext();
  const { client } = fakeApi(answer);
  renderWith(
    <SessionContext.Provider value={context}>
      <Probe />
    </SessionContext.Provider>,
    client,
  );
  return context.store;
}

describe('useConfirmedUser', () => {
  it('ends the session when me says it has ended (the account was deleted or disabled)', async () => {
    const store = renderProbe(() => ({
      errors: [{ message: 'Your session has ended: sign in again', errorType: 'Unauthorized' }],
    }));
    await waitFor(() => expect(store.current()).toBeNull());
    expect(store.endReason).toBe('expired');
  });

  it('keeps the session when the API cannot be reached or answers another error', async () => {
    let calls = 0;
    const store = renderProbe(() => {
      calls++;
      return { unreachable: true };
    });
    await waitFor(() => expect(calls).toBeGreaterThan(0));
    expect(store.current()).not.toBeNull();
  });
});
