import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
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
});
