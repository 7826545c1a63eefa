import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import { similarTicketsOfEach } from '../../../lambdas/core/use-cases/tickets.ts';

const caller: Caller = { userId: 'u-1', role: 'USER', sessionId: 's-1', email: 'u@example.com' };

describe('similar tickets of a page of tickets', () => {
  it('looks them up one ticket at a time, so one field never holds more than one database connection', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const tickets = {
      similar: async ({ id }: { id: string }) => {
        asked.push(id);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return [];
      },
    };
    const page = Array.from({ length: 20 }, (_, i) => ({ id: `t-${i}` }));
    const similar = await similarTicketsOfEach(
      { tickets },
      { caller, tickets: page, columns: { body: false, triage: false, correction: false } },
    );
    expect(similar).toHaveLength(20);
    expect(asked).toEqual(page.map((t) => t.id));
    expect(most).toBe(1);
  });
});
