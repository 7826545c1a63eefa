import { beforeEach, describe, expect, it } from 'vitest';
import { clearAllDrafts, clearDraft, readDraft, saveDraft } from './drafts.ts';

describe('drafts', () => {
  beforeEach(() => sessionStorage.clear());

  it('keeps a draft per user and form, forgets an empty one, and signing out clears them all', () => {
    saveDraft('new-ticket', 'u1', { title: 'VPN drops', body: '' });
    saveDraft('new-ticket', 'u2', { title: 'Other' });
    expect(readDraft('new-ticket', 'u1')).toEqual({ title: 'VPN drops', body: '' });
    expect(readDraft('new-log', 'u1')).toBeUndefined();
    saveDraft('new-ticket', 'u2', { title: '' });
    expect(readDraft('new-ticket', 'u2')).toBeUndefined();
    clearDraft('new-ticket', 'u1');
    expect(readDraft('new-ticket', 'u1')).toBeUndefined();
    saveDraft('new-ticket', 'u1', { title: 'again' });
    sessionStorage.setItem('unrelated', 'kept');
    clearAllDrafts();
    expect(sessionStorage.length).toBe(1);
  });
});
