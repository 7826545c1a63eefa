import { describe, expect, it } from 'vitest';
import { deadlineFlags, findDeadline } from '../../../lambdas/core/tickets/dates.ts';

const at = (iso: string) => new Date(`${iso}Z`);

describe('findDeadline', () => {
  it.each([
    ['TLS certificate must be renewed by 30 Nov', '', '2024-11-25T10:00', 5],
    ['TLS certificate must be renewed by 30 Nov', '', '2024-09-02T10:00', 89],
    ['renew *.example.com cert, expires friday', '', '2024-05-06T10:00', 4],
    ['Apple Pay merchant identity certificate expires 28 June', '', '2024-06-24T10:00', 4],
    ['Licences', 'They expire on 15 March.', '2024-01-08T10:00', 67],
    ['Old API version', 'It will stop working on 2024-06-15.', '2024-06-10T10:00', 5],
    ['Exec review', 'the numbers are needed for the review tomorrow', '2024-06-24T10:00', 1],
    ['Cert', 'Expires: in 6 days', '2024-01-10T10:00', 6],
    ['Domain example.io expires on Feb 7', '', '2025-02-03T10:00', 4],
    ['Renew before the 15th', '', '2024-03-20T10:00', 26],
    ['DB disk at 91%', 'Growing 2%/day, full in about 4 days.', '2024-06-10T10:00', 4],
    ['Quota', 'We run out within the next two weeks', '2024-06-10T10:00', 14],
    ['Signing key', 'It expires within 36 hours.', '2024-06-10T20:00', 2],
    ['Trial licence', 'Only 3 days left before the trial ends', '2024-06-10T10:00', 3],
    ['Migration', 'The vendor shuts the old API down 10 days from now', '2024-06-10T10:00', 10],
  ])('reads "%s %s" created %s as %i days ahead', (title, body, created, days) => {
    expect(findDeadline(title, body, at(created))?.days).toBe(days);
  });

  it.each([
    ['a past date introduced by "since"', 'Dashboards broken since the schema change on tuesday'],
    ['a date that happened', 'The config change on the 4th broke the mailer'],
    ['no date at all', 'Checkout is down for everyone'],
    ['a number that is not a date', 'We have 10 decisions to make and 30 nov is not here'],
    ['a span that already happened', 'Errors started within 2 hours of the deploy'],
  ])('finds no deadline in %s', (_name, body) => {
    expect(findDeadline('x', body, at('2024-05-10T10:00'))).toBeUndefined();
  });

  it('takes next year for a day and month long past, and the nearest of several deadlines', () => {
    expect(findDeadline('Renew by 5 January', '', at('2024-11-01T10:00'))?.days).toBe(65);
    expect(
      findDeadline(
        'Licence expires on 30 June',
        'but the quote must be signed by tomorrow',
        at('2024-06-10T10:00'),
      )?.days,
    ).toBe(1);
  });

  it('turns a deadline into cumulative flags', () => {
    expect(deadlineFlags({ days: 5, phrase: 'by Friday' })).toEqual([
      'deadline',
      'deadline_within_8d',
      'deadline_within_31d',
    ]);
    expect(deadlineFlags({ days: 90, phrase: 'by 30 Nov' })).toEqual(['deadline', 'deadline_later']);
    expect(deadlineFlags(undefined)).toEqual([]);
  });
});
