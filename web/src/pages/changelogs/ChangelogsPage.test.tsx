import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, pendingApi, renderWith } from '../../test-utils.tsx';
import ChangelogsPage from './ChangelogsPage.tsx';

const unreleased = {
  id: 'c1',
  version: null,
  previousVersion: null,
  date: '2026-12-06',
  bump: 'patch',
  createdAt: '2026-12-06T11:00:00Z',
  sections: [{ title: 'Bug Fixes' }],
};

describe('ChangelogsPage', () => {
  it('lists a changelog made without a previous version as Unreleased, its date beside', async () => {
    const { client } = fakeApi(() => ({ data: { changelogs: { items: [unreleased], nextToken: null } } }));
    renderWith(<ChangelogsPage />, client);
    expect(await screen.findByRole('link', { name: 'Unreleased (2026-12-06)' })).toBeTruthy();
  });

  it('counts a pasted footer line as part of the commit above it', () => {
    const { client } = fakeApi(() => ({ data: { changelogs: { items: [], nextToken: null } } }));
    renderWith(<ChangelogsPage />, client);
    fireEvent.change(screen.getByLabelText(/Commits, newest first/), {
      target: { value: 'feat(api)!: drop v1 endpoints\nBREAKING CHANGE: v1 removed\nfix: bar' },
    });
    expect(screen.getByText('2 commits recognised')).toBeTruthy();
  });

  it('says at the field that the repository URL is not a web address, and does not send it', () => {
    const { client, calls } = fakeApi(() => ({ data: { changelogs: { items: [], nextToken: null } } }));
    renderWith(<ChangelogsPage />, client);
    fireEvent.change(screen.getByLabelText(/Commits, newest first/), { target: { value: 'feat: x' } });
    const url = screen.getByLabelText(/Repository URL/);
    const generate = screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;
    fireEvent.change(url, { target: { value: 'not a url' } });
    expect(screen.getByText('A web address such as https://github.com/acme/app')).toBeTruthy();
    expect(generate.disabled).toBe(true);
    fireEvent.change(url, { target: { value: 'https://github.com/acme/app' } });
    expect(screen.queryByText('A web address such as https://github.com/acme/app')).toBeNull();
    expect(generate.disabled).toBe(false);
    expect(calls.some((c) => c.operationName === 'GenerateChangelog')).toBe(false);
  });

  it('says past changelogs are loading while the API has not answered, not "None yet."', () => {
    renderWith(<ChangelogsPage />, pendingApi());
    const section = screen.getByRole('region', { name: 'Past changelogs' });
    expect(section.textContent).toContain('Loading…');
    expect(section.textContent).not.toContain('None yet.');
  });
});
