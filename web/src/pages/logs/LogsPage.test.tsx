import { fireEvent, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentLocation, fakeApi, pendingApi, renderSignedIn } from '../../test-utils.tsx';
import LogsPage from './LogsPage.tsx';

describe('LogsPage', () => {
  beforeEach(() => localStorage.clear());

  it('restores the status filter and the page from the URL, and pages in the URL', async () => {
    const { client, calls } = fakeApi((call) => ({
      data: { logEntries: { items: [], nextToken: call.variables.nextToken === 't1' ? 't2' : null } },
    }));
    renderSignedIn(<LogsPage />, client, '/logs?status=FAILED&page=t1');
    await waitFor(() => expect(calls.some((c) => c.operationName === 'LogEntries')).toBe(true));
    expect(calls.find((c) => c.operationName === 'LogEntries')?.variables).toMatchObject({
      status: 'FAILED',
      nextToken: 't1',
    });
    const older = screen.getByRole('button', { name: 'Older' }) as HTMLButtonElement;
    await waitFor(() => expect(older.disabled).toBe(false));
    fireEvent.click(older);
    expect(currentLocation()).toBe('/logs?status=FAILED&page=t1&page=t2');
    fireEvent.click(screen.getByRole('button', { name: 'Newer' }));
    fireEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(currentLocation()).toBe('/logs?status=FAILED');
  });

  it('says the list is loading while the API has not answered', () => {
    renderSignedIn(<LogsPage />, pendingApi(), '/logs');
    expect(screen.getByText('Loading logs…')).toBeTruthy();
  });
});
