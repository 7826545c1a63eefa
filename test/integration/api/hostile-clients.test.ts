/**
 * What a client whose account or session changed under it, or who sends values the database would quietly
 * alter, gets from the real local stack (Postgres, HTTP, the authorizer's per-token cache).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type ApiSession, startApiHarness } from '../../support/api-harness.ts';
import { dataField, type GraphQLResult } from '../../support/local-process.ts';

const errorOf = (result: GraphQLResult) => result.errors?.[0];

/** One mutation of each kind that creates work, with valid arguments. */
const WRITES: [string, string][] = [
  ['triageTicket', 'mutation { triageTicket(title: "Export hangs at 99%") { id } }'],
  ['summarizeLog', 'mutation { summarizeLog(raw: "2025-01-01 10:00:00 INFO app: started") { id } }'],
  ['createLogUpload', 'mutation { createLogUpload(filename: "app.log", size: 10) { uploadUrl } }'],
  ['generateChangelog', 'mutation { generateChangelog(input: { commits: ["feat: a"] }) { id } }'],
];

describe('a client whose account or session ended while the authorizer answer is still cached', () => {
  let api: ApiHarness;
  let admin: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    admin = await api.admin();
  }, 120_000);
  afterAll(async () => api?.close());

  /** A signed-in user whose authorizer answer the endpoint has cached (60 s locally, 120 s on prod). */
  const cachedUser = async (email: string) => {
    const session = await api.user(email);
    expect((await session.call('{ me { id } }')).errors).toBeUndefined();
    return session;
  };
  const owned = async (userId: string) => {
    const [row] = await api.database.sql<{ n: number }[]>`
      select (select count(*) from tickets where owner_id = ${userId})
           + (select count(*) from log_entries where owner_id = ${userId})
           + (select count(*) from changelogs where owner_id = ${userId}) as n`;
    return Number(row?.n);
  };
  const expectRefused = async (session: ApiSession) => {
    for (const [field, mutation] of WRITES) {
      const result = await session.call(mutation);
      expect(result.data?.[field] ?? null, field).toBeNull();
      expect(errorOf(result), field).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Your session has ended: sign in again',
      });
    }
  };

  it('creates no more work for a disabled account', async () => {
    const leaver = await cachedUser('leaver@example.com');
    dataField(
      await admin.call('mutation($u: ID!) { disableUser(userId: $u, reason: "left") { id } }', {
        u: leaver.userId,
      }),
      'disableUser',
    );
    await expectRefused(leaver);
    expect(await owned(leaver.userId)).toBe(0);
  });

  it('answers a deleted account Unauthorized, not InternalError from a missing owner', async () => {
    for (const deleteData of [true, false]) {
      const gone = await cachedUser(`gone-${deleteData}@example.com`);
      dataField(
        await admin.call(
          'mutation($u: ID!, $d: Boolean) { deleteUser(userId: $u, deleteData: $d) { dataDeleted } }',
          {
            u: gone.userId,
            d: deleteData,
          },
        ),
        'deleteUser',
      );
      await expectRefused(gone);
      expect(await owned(gone.userId)).toBe(0);
    }
  });

  /** How each way of ending an account's access is done to a signed-in user. */
  const ENDINGS: [string, (session: ApiSession) => Promise<void>][] = [
    [
      'deleted',
      async (session) => {
        const query = 'mutation($u: ID!) { deleteUser(userId: $u, deleteData: true) { dataDeleted } }';
        dataField(await admin.call(query, { u: session.userId }), 'deleteUser');
      },
    ],
    [
      'disabled',
      async (session) => {
        const query = 'mutation($u: ID!) { disableUser(userId: $u, reason: "left") { id } }';
        dataField(await admin.call(query, { u: session.userId }), 'disableUser');
      },
    ],
    ['signed out', async (session) => void dataField(await session.call('mutation { logout }'), 'logout')],
  ];

  for (const [ending, end] of ENDINGS) {
    it(`answers \`me\` for an account ${ending} under a cached answer that its session ended, not NotFound`, async () => {
      const session = await cachedUser(`me.${ending.replace(' ', '.')}@example.com`);
      await end(session);
      const result = await session.call('{ me { id } }');
      expect(result.data?.me ?? null).toBeNull();
      expect(errorOf(result)).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Your session has ended: sign in again',
      });
    });
  }

  it('runs the logins’ bcrypt on worker threads, off the event loop every request shares', () => {
    // The admin signed in and users signed up in this file: each computed bcrypt on the pool's threads.
    expect(api.runtime.bcrypt.threads()).toBeGreaterThan(0);
  });

  it('creates no more work from a session that was signed out', async () => {
    const session = await cachedUser('signed.out@example.com');
    expect(dataField<boolean>(await session.call('mutation { logout }'), 'logout')).toBe(true);
    await expectRefused(session);
    // Signing out twice is no error: the console signs out whatever the state of its session.
    expect(errorOf(await session.call('mutation { logout }'))).toBeUndefined();
  });

  it('still takes writes from an account in good standing', async () => {
    const active = await cachedUser('active@example.com');
    for (const [field, mutation] of WRITES)
      expect((await active.call(mutation)).errors, field).toBeUndefined();
  });
});

describe('values the database would store altered', () => {
  let api: ApiHarness;
  let user: ApiSession;
  let admin: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    admin = await api.admin();
    user = await api.user('writer@example.com');
  }, 120_000);
  afterAll(async () => api?.close());

  it('refuses a lone surrogate, naming the field, instead of storing U+FFFD in its place', async () => {
    const title = await user.call('mutation($t: String!) { triageTicket(title: $t) { id title } }', {
      t: 'Crash on save \ud83d',
    });
    expect(errorOf(title)).toMatchObject({
      errorType: 'ValidationError',
      message: 'title: must be valid Unicode text (found a lone surrogate, U+D83D)',
    });
    const nested = await user.call('mutation($i: ChangelogInput!) { generateChangelog(input: $i) { id } }', {
      i: { commits: ['feat: a', 'fix: \udc00b'] },
    });
    expect(errorOf(nested)?.message).toBe(
      'input.commits[1]: must be valid Unicode text (found a lone surrogate, U+DC00)',
    );
    const [row] = await api.database.sql<{ n: number }[]>`select count(*)::int as n from tickets`;
    expect(row?.n).toBe(0);
    // A whole pair (an emoji) is text like any other.
    const emoji = await user.call('mutation($t: String!) { triageTicket(title: $t) { title } }', {
      t: 'Crash on save \ud83d\ude00',
    });
    expect(dataField<{ title: string }>(emoji, 'triageTicket').title).toBe('Crash on save 😀');
  });

  it('refuses an audit filter bound on a day the calendar does not have, instead of rolling it into March', async () => {
    const result = await admin.call('query($f: AuditFilter) { auditLog(filter: $f) { items { id } } }', {
      f: { from: '2026-02-30T00:00:00Z' },
    });
    expect(result.data?.auditLog ?? null).toBeNull();
    expect(errorOf(result)).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringMatching(/^filter\.from: must be an ISO 8601 date-time of a real calendar day/),
    });
    const leap = await admin.call('query($f: AuditFilter) { auditLog(filter: $f) { items { id } } }', {
      f: { from: '2024-02-29T00:00:00Z', to: '2024-03-01T00:00:00+01:00' },
    });
    expect(leap.errors).toBeUndefined();
  });
});

describe('a query that multiplies expensive work', () => {
  let api: ApiHarness;
  let user: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    user = await api.user('multiplier@example.com');
  }, 120_000);
  afterAll(async () => api?.close());

  /** `similar` nested `levels` deep below each ticket: each level asks for three times the level above. */
  const nestedSimilar = (levels: number): string => {
    let selection = 'id';
    for (let i = 0; i < levels; i += 1) selection = `id similar { score ticket { ${selection} } }`;
    return selection;
  };

  it('refuses a page whose nested `similar` would look up more than 100 tickets, naming similar, before any', async () => {
    // 100 tickets, then 300, then 900: 1,300 scored queries for one field (50 aliases: 65,000).
    for (const [limit, levels] of [
      [100, 3],
      [26, 2],
    ] as const) {
      const result = await user.call(`{ tickets(limit: ${limit}) { items { ${nestedSimilar(levels)} } } }`);
      expect(result.data?.tickets ?? null).toBeNull();
      expect(errorOf(result)).toMatchObject({
        errorType: 'ValidationError',
        message: expect.stringMatching(/^similar: .*at most 100/),
      });
    }
  });

  it('counts the lookups of the whole request, every field, alias and fragment together, and refuses it before any field runs', async () => {
    const unknownTicket = '00000000-0000-4000-8000-000000000000';
    const aliases = (count: number, field: string) =>
      Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');
    const cases: [string, string, Record<string, unknown>, number][] = [
      // Fifty aliases of a page of 100, each within the bound on its own: 5,000 scored queries.
      [
        'fifty aliases',
        `{ ${aliases(50, 'tickets(limit: 100) { items { id similar { score } } }')} }`,
        {},
        5000,
      ],
      // Two half pages and one ticket, through a fragment and a variable.
      [
        'a fragment and a variable',
        `query($n: Int, $id: ID!) { a: tickets(limit: $n) { items { id similar { score } } } ...More }
         fragment More on Query { b: tickets(limit: $n) { items { similar { score } } } c: ticket(id: $id) { similar { score } } }`,
        { n: 50, id: unknownTicket },
        101,
      ],
    ];
    for (const [name, query, variables, lookups] of cases) {
      const result = await user.call(query, variables);
      expect(result.status, name).toBe(400);
      expect(result.data ?? null, name).toBeNull();
      expect(result.errors, name).toEqual([
        expect.objectContaining({
          errorType: 'ValidationError',
          message: expect.stringMatching(
            new RegExp(`^similar: .*up to ${lookups} tickets, at most 100 per request`),
          ),
        }),
      ]);
    }
  });

  it('answers a request whose fields together stay within 100 lookups, not counting a skipped field', async () => {
    const result = await user.call(
      `query($skip: Boolean!) {
         a: tickets(limit: 50) { items { id similar { score } } }
         b: tickets(limit: 50) { items { id similar { score } } }
         c: tickets(limit: 100) @skip(if: $skip) { items { id similar { score } } }
       }`,
      { skip: true },
    );
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data ?? {}).sort()).toEqual(['a', 'b']);
  });

  it('still answers `similar` on a full page, and nested below one ticket as deep as the depth limit allows', async () => {
    const { id } = dataField<{ id: string }>(
      await user.call('mutation { triageTicket(title: "Export hangs at 99%") { id } }'),
      'triageTicket',
    );
    for (const query of [
      `{ tickets(limit: 100) { items { ${nestedSimilar(1)} } } }`,
      `{ tickets(limit: 25) { items { ${nestedSimilar(2)} } } }`,
      `{ ticket(id: "${id}") { ${nestedSimilar(4)} } }`,
    ])
      expect((await user.call(query)).errors, query).toBeUndefined();
  });
});
