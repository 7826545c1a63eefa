import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../lambdas/core/pagination.ts';
import { isRealInstant, textProblem } from '../../lambdas/core/text.ts';
import { validateTicketInput } from '../../lambdas/core/tickets/input.ts';
import { validationProblem } from '../support/validation.ts';

const ID = '7f0c1e9a-3b2d-4c5e-8f6a-1b2c3d4e5f60';

describe('text fields', () => {
  it.each([
    ['NUL', 'Disk\u0000full', /NUL/],
    ['BEL', 'Disk full\u0007', /control characters \(found U\+0007/],
    ['ESC', '\u001b[31mred', /control characters \(found U\+001B/],
    ['a line break', 'two\nlines', /control characters/],
    ['right-to-left override', 'invoice\u202Egnp.exe', /bidirectional.*U\+202E/],
    ['a zero-width space', 'admin\u200Bpanel', /invisible.*U\+200B/],
  ])('refuses %s in a single-line field', (_name, value, problem) => {
    expect(textProblem(value, 'single-line')).toMatch(problem);
  });

  it('keeps tabs, line breaks and escapes in a multi-line field but refuses NUL there too', () => {
    expect(textProblem('line 1\n\tline 2 \u001b[0m', 'multi-line')).toBeNull();
    expect(textProblem('a\u0000b', 'multi-line')).toMatch(/NUL/);
  });

  it('accepts a tab in a single-line field: pasted titles carry them and it cannot alter a terminal', () => {
    expect(textProblem('Crash on save\tv2.3', 'single-line')).toBeNull();
  });

  it('accepts ordinary text in any script, emoji included', () => {
    expect(textProblem('Éditeur: l’écran se fige 🙃 — 编辑器 — מחשב', 'single-line')).toBeNull();
  });

  it('names the ticket field that holds the character', () => {
    expect(validationProblem(() => validateTicketInput({ title: 'a\u202Eb', body: 'x' }))).toMatchObject({
      field: 'title',
    });
    expect(validationProblem(() => validateTicketInput({ title: 'ok', body: 'x\u0000' }))).toMatchObject({
      field: 'body',
    });
    expect(
      validationProblem(() => validateTicketInput({ title: 'ok', body: 'x', project: 'acme\u0007/app' })),
    ).toMatchObject({ field: 'project' });
  });
});

describe('instants and cursors as Postgres reads them', () => {
  it.each([
    ['2020-02-29T10:00:00Z', true],
    ['2026-03-01T10:00:00.123456+05:30', true],
    ['2020-02-31T00:00:00Z', false],
    ['2021-02-29T00:00:00Z', false],
    ['2020-04-31T00:00:00Z', false],
    ['2020-01-01T24:00:00Z', false],
    ['+275760-09-13T00:00:00Z', false],
    ['2020-01-01', false],
  ])('%s is a real instant: %s', (text, expected) => {
    expect(isRealInstant(text)).toBe(expected);
  });

  it('refuses a nextToken whose date JavaScript accepts but Postgres does not', () => {
    const token = encodeCursor({ createdAt: '2020-02-31T00:00:00.000000Z', id: ID });
    expect(validationProblem(() => decodeCursor(token))).toMatchObject({ field: 'nextToken' });
  });

  it('reads back a token it handed out', () => {
    const cursor = { createdAt: '2026-03-01T10:00:00.123456Z', id: ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });
});
