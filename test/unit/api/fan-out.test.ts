import { describe, expect, it } from 'vitest';
import {
  assertFanOutBounded,
  type FieldRequest,
  similarBodies,
  similarLookups,
} from '../../../lambdas/api/fan-out.ts';

/** AppSync's selectionSetList of `similar` nested `levels` deep below `at` (`items` for a page). */
function nestedSimilar(at: string, levels: number): string[] {
  const paths = at === '' ? [] : [at, `${at}/id`];
  let path = at;
  for (let i = 0; i < levels; i += 1) {
    path = path === '' ? 'similar' : `${path}/similar`;
    paths.push(path, `${path}/score`, `${path}/ticket`, `${path}/ticket/id`);
    path = `${path}/ticket`;
  }
  return paths;
}

const page = (limit: unknown, levels: number): FieldRequest => ({
  fieldName: 'tickets',
  arguments: limit === undefined ? {} : { limit },
  selectionSetList: nestedSimilar('items', levels),
});
const one = (fieldName: string, levels: number): FieldRequest => ({
  fieldName,
  arguments: { id: 'x' },
  selectionSetList: nestedSimilar('', levels),
});

describe('the lookups a request fans out into through `similar`', () => {
  it('counts every ticket of a page, three times as many per level of nesting', () => {
    expect(similarLookups(page(100, 1))).toBe(100);
    expect(similarLookups(page(100, 3))).toBe(100 + 300 + 900);
    expect(similarLookups(page(undefined, 1))).toBe(20);
    expect(similarLookups(one('ticketAt', 4))).toBe(1 + 3 + 9 + 27);
    expect(similarLookups(page(100, 0))).toBe(0);
  });

  it('counts nothing for a limit the field refuses on its own (it does no lookup)', () => {
    expect(similarLookups(page(1000, 1))).toBe(0);
    expect(similarLookups(page('100', 1))).toBe(0);
  });

  it('refuses the fields of one request together past 100, naming similar and the figure', () => {
    expect(() => assertFanOutBounded([page(100, 1)])).not.toThrow();
    expect(() => assertFanOutBounded([page(50, 1), page(49, 1), one('ticket', 1)])).not.toThrow();
    expect(() => assertFanOutBounded([page(50, 1), page(50, 1), one('triageTicket', 1)])).toThrow(
      /^similar: .*up to 101 tickets, at most 100 per request/,
    );
    // As a resolver on AWS sees it: its own field only.
    expect(() => assertFanOutBounded([page(26, 2)])).toThrow(/^similar: .*up to 104 tickets/);
  });

  it("counts the similar tickets whose body is asked for, and refuses more than one ticket's three", () => {
    const withBodies = (request: FieldRequest): FieldRequest => ({
      ...request,
      selectionSetList: [
        ...request.selectionSetList,
        ...request.selectionSetList.filter((p) => p.endsWith('similar/ticket')).map((p) => `${p}/body`),
      ],
    });
    expect(similarBodies(one('ticket', 1))).toBe(0);
    expect(similarBodies(withBodies(one('ticket', 1)))).toBe(3);
    expect(similarBodies(withBodies(one('ticket', 2)))).toBe(3 + 9);
    expect(similarBodies(withBodies(page(100, 1)))).toBe(300);
    expect(() => assertFanOutBounded([withBodies(one('ticket', 1))])).not.toThrow();
    expect(() => assertFanOutBounded([withBodies(page(1, 1))])).not.toThrow();
    expect(() => assertFanOutBounded([withBodies(page(2, 1))])).toThrow(
      /^similar: .*the body of up to 6 similar tickets, at most 3 per request/,
    );
    expect(() => assertFanOutBounded([withBodies(one('ticket', 1)), withBodies(one('ticketAt', 1))])).toThrow(
      /up to 6 similar tickets/,
    );
  });
});
