import { describe, expect, it } from 'vitest';
import { splitPastedCommits } from '../../../lambdas/core/changelog/paste.ts';

describe('splitPastedCommits (the console paste box)', () => {
  it('reads git log output: messages without the commit, author and date headers', () => {
    const log = [
      'commit 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      'Author: Dev <dev@example.com>',
      'Date:   Mon Jan 6 10:00:00 2025 +0100',
      '',
      '    feat(api): add ticketAt',
      '',
      '    Rebuilds a ticket from its history.',
      '',
      '    BREAKING CHANGE: ticket ids are UUIDs',
      '',
      'commit 1111111111111111111111111111111111111111',
      'Merge: aaaaaaa bbbbbbb',
      'Author: Dev <dev@example.com>',
      'Date:   Sun Jan 5 10:00:00 2025 +0100',
      '',
      '    fix: handle empty logs',
    ].join('\n');
    expect(splitPastedCommits(log)).toEqual([
      'feat(api): add ticketAt\n\nRebuilds a ticket from its history.\n\nBREAKING CHANGE: ticket ids are UUIDs',
      'fix: handle empty logs',
    ]);
  });

  it('drops the hashes of git log --oneline', () => {
    expect(splitPastedCommits('a1b2c3d feat: one\n\nb2c3d4e fix(ui): two\n')).toEqual([
      'feat: one',
      'fix(ui): two',
    ]);
  });

  it('takes one message per line, or whole messages between --- lines', () => {
    expect(splitPastedCommits('feat: a\r\nfix: b')).toEqual(['feat: a', 'fix: b']);
    expect(splitPastedCommits('feat: a\n\nbody of a\n---\nfix: b\n')).toEqual([
      'feat: a\n\nbody of a',
      'fix: b',
    ]);
  });

  it('keeps a subject that merely starts with a word of hex letters', () => {
    expect(splitPastedCommits('added feature flags')).toEqual(['added feature flags']);
  });
});
