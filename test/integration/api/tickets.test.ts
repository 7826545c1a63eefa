import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicketClassifier } from '../../../lambdas/triage/local-classifier.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import { dataField } from '../../support/local-process.ts';

const CREATE = `mutation($t: String!, $b: String!, $p: String, $k: String) {
  triageTicket(title: $t, body: $b, project: $p, idempotencyKey: $k) { id project status version triage { status category } }
}`;
const READ = `query($id: ID!) {
  ticket(id: $id) { id project status version triage { status category priority labels confidence rationale classifierVersion } }
}`;
const UPDATE = `mutation($id: ID!, $s: TicketStatus!, $v: Int!) {
  updateTicketStatus(id: $id, status: $s, expectedVersion: $v) { id status version }
}`;

interface TicketView {
  id: string;
  project: string | null;
  status: string;
  version: number;
  triage: {
    status: string;
    category: string | null;
    priority: string | null;
    labels: string[];
    confidence: number | null;
  };
}

describe('tickets through the API', () => {
  let api: ApiHarness;
  let owner: ApiSession;
  let other: ApiSession;
  let ops: ApiSession;

  const create = async (
    session: ApiSession,
    title: string,
    body: string,
    options: { key?: string; project?: string } = {},
  ) => {
    const result = await session.call(CREATE, { t: title, b: body, p: options.project, k: options.key });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data?.triageTicket as TicketView;
  };
  const triaged = (session: ApiSession, id: string) =>
    eventually(
      async () => (await session.call(READ, { id })).data?.ticket as TicketView,
      (ticket) => ticket.triage.status === 'SUCCEEDED',
    );

  beforeAll(async () => {
    api = await startApiHarness();
    owner = await api.user('reporter@example.com');
    other = await api.user('someone@example.com');
    ops = await api.user('oncall@example.com', 'OPS');
  }, 120_000);
  afterAll(async () => api?.close());

  it('returns the ticket at once with triage QUEUED, then the worker fills the triage', async () => {
    const ticket = await create(
      owner,
      'App crashes with NullPointerException when saving settings',
      'Steps to reproduce: open settings, click save. Expected: saved. Actual: crash with stack trace.',
    );
    expect(ticket.status).toBe('OPEN');
    expect(ticket.triage.status).toBe('QUEUED');
    const done = await triaged(owner, ticket.id);
    expect(done.triage.category).toBe('BUG');
    expect(done.triage.priority).toMatch(/^P[1-4]$/);
    expect(done.triage.confidence).toBeGreaterThan(0);
    expect(done.version).toBe(2);
  });

  it('is idempotent per user and key', async () => {
    const first = await create(owner, 'Add dark mode', 'It would be nice to have a dark theme.', {
      key: 'ticket-42',
    });
    const again = await create(owner, 'Add dark mode', 'It would be nice to have a dark theme.', {
      key: 'ticket-42',
    });
    expect(again.id).toBe(first.id);
    const [count] = await api.database.sql<
      { n: number }[]
    >`select count(*)::int as n from jobs where subject_id = ${first.id}`;
    expect(count?.n).toBe(1);
  });

  it('shows a ticket to its owner and OPS, not to another USER', async () => {
    const ticket = await create(
      owner,
      'How do I rotate my API key?',
      'Is there a documented way to rotate keys?',
    );
    expect((await other.call(READ, { id: ticket.id })).errors?.[0]?.errorType).toBe('NotFound');
    expect(dataField<TicketView>(await ops.call(READ, { id: ticket.id }), 'ticket').id).toBe(ticket.id);
    const list = await other.call('{ tickets(limit: 50) { items { id } } }');
    expect(JSON.stringify(list.data)).not.toContain(ticket.id);
  });

  it('lets exactly one of 50 concurrent updates with the same expectedVersion win; the rest get ConflictError', async () => {
    const created = await create(
      owner,
      'Database connection pool exhausted',
      'Production errors: too many connections.',
    );
    const ticket = await triaged(owner, created.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        owner.call(UPDATE, { id: ticket.id, s: 'IN_PROGRESS', v: ticket.version }),
      ),
    );
    const wins = results.filter((r) => !r.errors);
    const conflicts = results.filter((r) => r.errors?.[0]?.errorType === 'ConflictError');
    expect(wins).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const history = await owner.call(
      'query($id: ID!) { ticketHistory(id: $id) { action changes actorId } }',
      {
        id: ticket.id,
      },
    );
    const changes = history.data?.ticketHistory as { action: string; changes: string; actorId: string }[];
    expect(changes.map((c) => c.action)).toEqual(['created', 'triaged', 'status_changed']);
    expect(JSON.parse(changes[2]?.changes ?? '{}')).toEqual({ status: { from: 'OPEN', to: 'IN_PROGRESS' } });
    expect(changes[2]?.actorId).toBe(owner.userId);
  });

  it('rebuilds the ticket as it was at a past time from its recorded changes', async () => {
    const created = await create(owner, 'Login page is slow', 'Takes 10 seconds to load the login page.');
    const ticket = await triaged(owner, created.id);
    const updated = await owner.call(UPDATE, { id: ticket.id, s: 'RESOLVED', v: ticket.version });
    expect(updated.errors).toBeUndefined();
    // The instant of the triage, as recorded: the state then is the triaged ticket, before the update.
    const history = await owner.call('query($id: ID!) { ticketHistory(id: $id) { action at } }', {
      id: ticket.id,
    });
    const changes = dataField<{ action: string; at: string }[]>(history, 'ticketHistory');
    expect(changes.map((c) => c.action)).toEqual(['created', 'triaged', 'status_changed']);
    const triagedAt = changes[1]?.at;
    expect(Date.parse(changes[2]?.at ?? '')).toBeGreaterThan(Date.parse(triagedAt ?? ''));
    const then = await owner.call(
      'query($id: ID!, $at: AWSDateTime!) { ticketAt(id: $id, at: $at) { status version } }',
      { id: ticket.id, at: triagedAt },
    );
    expect(then.data?.ticketAt).toEqual({ status: 'OPEN', version: ticket.version });
    const now = await owner.call(READ, { id: ticket.id });
    expect(dataField<TicketView>(now, 'ticket').status).toBe('RESOLVED');
    const beforeCreation = await owner.call(
      'query($id: ID!) { ticketAt(id: $id, at: "2000-01-01T00:00:00Z") { id } }',
      {
        id: ticket.id,
      },
    );
    expect(beforeCreation.errors?.[0]?.errorType).toBe('NotFound');
    expect(beforeCreation.errors?.[0]?.message).toBe(
      `Ticket at 2000-01-01T00:00:00.000Z not found: it was created at ${new Date(changes[0]?.at ?? '').toISOString()}`,
    );
  });

  // QA2 (6 Dec): `card 4111 1111 1111 1111.` at the end of a sentence was stored, recorded in history and sent
  // to the model verbatim.
  it('stores a card number and an international phone number that end a sentence redacted, in the ticket and its history', async () => {
    const created = await create(
      owner,
      'Refund for card 4111111111111111.',
      'Please refund my card 4111 1111 1111 1111.\nCard: 5555555555554444.\nCall me on +33 6 12 34 56 78.',
    );
    const ticket = await triaged(owner, created.id);
    const read = await owner.call('query($id: ID!) { ticket(id: $id) { title body } }', { id: ticket.id });
    expect(dataField<{ title: string; body: string }>(read, 'ticket')).toEqual({
      title: 'Refund for card <CARD>.',
      body: 'Please refund my card <CARD>.\nCard: <CARD>.\nCall me on <PHONE>.',
    });
    const history = dataField<{ action: string; changes: string }[]>(
      await owner.call('query($id: ID!) { ticketHistory(id: $id) { action changes } }', { id: ticket.id }),
      'ticketHistory',
    );
    const recorded = JSON.stringify(history);
    expect(history[0]?.action).toBe('created');
    expect(history[0]?.changes).toContain('<CARD>');
    // Whole numbers, not fragments: a job id (a random UUID) in the history may contain "5555".
    expect(recorded).not.toMatch(/4111( ?1111){3}|5555555555554444|12 34 56 78/);
  });

  it('shows the triage at the creation time as QUEUED with no answer, as it was then', async () => {
    const created = await create(owner, 'Disk full on build agent', 'The agent ran out of disk space.');
    const ticket = await triaged(owner, created.id);
    const history = dataField<{ action: string; at: string }[]>(
      await owner.call('query($id: ID!) { ticketHistory(id: $id) { action at } }', { id: ticket.id }),
      'ticketHistory',
    );
    const at = (action: string) => history.find((change) => change.action === action)?.at;
    const triageAt = async (instant: string | undefined) =>
      dataField<{ version: number; triage: { status: string; category: string | null } }>(
        await owner.call(
          'query($id: ID!, $at: AWSDateTime!) { ticketAt(id: $id, at: $at) { version triage { status category } } }',
          { id: ticket.id, at: instant },
        ),
        'ticketAt',
      );
    expect(await triageAt(at('created'))).toEqual({
      version: 1,
      triage: { status: 'QUEUED', category: null },
    });
    expect(await triageAt(new Date().toISOString())).toEqual({
      version: ticket.version,
      triage: { status: 'SUCCEEDED', category: ticket.triage.category },
    });
  });

  it('changes nothing when the status is set to the one the ticket has: same version, no history record', async () => {
    const ticket = await triaged(owner, (await create(owner, 'Wiki search broken', 'No results.')).id);
    const first = dataField<TicketView>(
      await owner.call(UPDATE, { id: ticket.id, s: 'IN_PROGRESS', v: ticket.version }),
      'updateTicketStatus',
    );
    const again = dataField<TicketView>(
      await owner.call(UPDATE, { id: ticket.id, s: 'IN_PROGRESS', v: first.version }),
      'updateTicketStatus',
    );
    expect(again).toMatchObject({ status: 'IN_PROGRESS', version: first.version });
    const history = dataField<{ action: string }[]>(
      await owner.call('query($id: ID!) { ticketHistory(id: $id) { action } }', { id: ticket.id }),
      'ticketHistory',
    );
    expect(history.map((change) => change.action)).toEqual(['created', 'triaged', 'status_changed']);
    const stale = await owner.call(UPDATE, { id: ticket.id, s: 'IN_PROGRESS', v: ticket.version });
    expect(stale.errors?.[0]?.errorType).toBe('ConflictError');
  });

  it('records a correction with the classifier answer kept, and refuses unknown categories', async () => {
    const created = await create(owner, 'Question about export', 'How can I export my data to CSV?');
    const ticket = await triaged(owner, created.id);
    const corrected = await ops.call(
      'mutation($id: ID!, $v: Int!) { correctTriage(id: $id, category: "feature", priority: P3, labels: ["export"], expectedVersion: $v) { version triage { category priority labels correction details } } }',
      { id: ticket.id, v: ticket.version },
    );
    expect(corrected.errors).toBeUndefined();
    const triage = dataField<{ triage: Record<string, unknown> }>(corrected, 'correctTriage').triage;
    expect(triage).toMatchObject({ category: 'FEATURE', priority: 'P3', labels: ['export'] });
    expect(JSON.parse(String(triage.correction))).toMatchObject({ category: 'FEATURE' });
    expect(triage.details).not.toBeNull();
    const unknown = await ops.call(
      'mutation($id: ID!) { correctTriage(id: $id, category: "nonsense", expectedVersion: 99) { id } }',
      { id: ticket.id },
    );
    expect(unknown.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(unknown.errors?.[0]?.message).toMatch(/^category/);
  });

  it('filters tickets by status, category, priority and label', async () => {
    const result = await ops.call(
      '{ tickets(filter: { category: "BUG" }, limit: 100) { items { triage { category } } } }',
    );
    const items = dataField<{ items: { triage: { category: string } }[] }>(result, 'tickets').items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((t) => t.triage.category === 'BUG')).toBe(true);
  });

  it('keeps the project given, trimmed and lower-cased, and records it in the creation change', async () => {
    const created = await create(owner, 'Terminal tab crashes', 'The integrated terminal crashes on split.', {
      project: '  Microsoft/VSCode ',
    });
    expect(created.project).toBe('microsoft/vscode');
    const read = dataField<TicketView>(await owner.call(READ, { id: created.id }), 'ticket');
    expect(read.project).toBe('microsoft/vscode');
    const history = await owner.call('query($id: ID!) { ticketHistory(id: $id) { action changes } }', {
      id: created.id,
    });
    const [creation] = dataField<{ action: string; changes: string }[]>(history, 'ticketHistory');
    expect(creation?.action).toBe('created');
    expect(JSON.parse(creation?.changes ?? '{}').project).toEqual({ from: null, to: 'microsoft/vscode' });
    const without = await create(owner, 'Terminal tab crashes', 'The integrated terminal crashes on split.');
    expect(without.project).toBeNull();
  });

  it('has the worker classify with the project, as the classifier answers when given it', async () => {
    const title = 'Editor freezes when opening a large file';
    const body = 'When I open a 200 MB log file the window stops responding.';
    const classifier = loadTicketClassifier(undefined);
    const expected = classifier.classify({ title, body, project: 'microsoft/vscode' });
    const unaware = classifier.classify({ title, body });
    expect(expected.confidence.category).not.toBeCloseTo(unaware.confidence.category, 2);
    const withProject = await create(owner, title, body, { project: 'Microsoft/VSCode' });
    const withoutProject = await create(owner, title, body);
    const [done, doneWithout] = await Promise.all([
      triaged(owner, withProject.id),
      triaged(owner, withoutProject.id),
    ]);
    expect(done.triage.category).toBe(expected.category);
    expect(done.triage.confidence).toBeCloseTo(expected.confidence.category, 6);
    expect(doneWithout.triage.category).toBe(unaware.category);
    expect(doneWithout.triage.confidence).toBeCloseTo(unaware.confidence.category, 6);
  });

  it('filters tickets by project, case-insensitively', async () => {
    const react = await create(owner, 'Hooks warning', 'useEffect warns twice in strict mode.', {
      project: 'facebook/react',
    });
    const opencv = await create(owner, 'imread fails', 'cv2.imread returns None for a PNG.', {
      project: 'opencv/opencv',
    });
    const result = await ops.call(
      '{ tickets(filter: { project: " FaceBook/React " }, limit: 100) { items { id project } } }',
    );
    const items = dataField<{ items: { id: string; project: string }[] }>(result, 'tickets').items;
    expect(items.map((t) => t.id)).toContain(react.id);
    expect(items.map((t) => t.id)).not.toContain(opencv.id);
    expect(items.every((t) => t.project === 'facebook/react')).toBe(true);
  });

  it('refuses a repeated idempotencyKey with a different title or project, and creates nothing', async () => {
    const first = await create(owner, 'VPN down', 'Nobody can connect since 9:00.', {
      key: 'ticket-43',
      project: 'bitcoin/bitcoin',
    });
    const count = async () =>
      (await api.database.sql<{ n: number }[]>`select count(*)::int as n from tickets`)[0]?.n;
    const before = await count();
    for (const variables of [
      { t: 'Totally different: buy coffee', b: 'Nobody can connect since 9:00.', p: 'bitcoin/bitcoin' },
      { t: 'VPN down', b: 'Nobody can connect since 9:00.', p: 'tensorflow/tensorflow' },
    ]) {
      const refused = await owner.call(CREATE, { ...variables, k: 'ticket-43' });
      expect(refused.data?.triageTicket).toBeNull();
      expect(refused.errors?.[0]?.errorType).toBe('ValidationError');
      expect(refused.errors?.[0]?.message).toMatch(/^idempotencyKey: .*different triageTicket request/);
      expect(refused.errors?.[0]?.message).toContain(first.id);
      expect(refused.errors?.[0]?.message).toMatch(/send a new key/);
    }
    expect(await count()).toBe(before);
    // The same request is still a retry: the project is compared as stored (trimmed, lower-cased).
    const retry = await create(owner, 'VPN down', 'Nobody can connect since 9:00.', {
      key: 'ticket-43',
      project: ' Bitcoin/Bitcoin ',
    });
    expect(retry.id).toBe(first.id);
  });

  it('answers a key stored before fingerprints were (null) with its ticket, as before', async () => {
    const first = await create(owner, 'Printer jams', 'Tray 2.', { key: 'ticket-legacy' });
    await api.database.sql`
      update idempotency_keys set request_fingerprint = null where key = 'ticket-legacy'`;
    const again = await create(owner, 'Another request', 'Tray 3.', { key: 'ticket-legacy' });
    expect(again.id).toBe(first.id);
  });

  it('gives one ticket to concurrent creates with one key and the same input', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        owner.call(CREATE, { t: 'Disk full on build agent', b: 'no space left', k: 'ticket-burst' }),
      ),
    );
    const ids = new Set(results.map((result) => dataField<{ id: string }>(result, 'triageTicket').id));
    expect(ids.size).toBe(1);
  });

  it('refuses a blank or oversized project with a ValidationError naming project', async () => {
    for (const project of ['   ', 'x'.repeat(201)]) {
      const result = await owner.call(CREATE, { t: 'title', b: 'body', p: project });
      expect(result.errors?.[0]?.errorType).toBe('ValidationError');
      expect(result.errors?.[0]?.message).toMatch(/^project:/);
    }
    const longest = await create(owner, 'title', 'body', { project: 'x'.repeat(200) });
    expect(longest.project).toBe('x'.repeat(200));
    const blankFilter = await ops.call('{ tickets(filter: { project: "  " }) { items { id } } }');
    expect(blankFilter.errors?.[0]?.message).toMatch(/^filter\.project:/);
  });

  it('refuses bad input with a ValidationError naming the field', async () => {
    const empty = await owner.call(CREATE, { t: '  ', b: 'body' });
    expect(empty.errors?.[0]?.message).toMatch(/^title/);
    const huge = await owner.call(CREATE, { t: 'x'.repeat(10_000), b: 'body' });
    expect(huge.errors?.[0]?.errorType).toBe('ValidationError');
    const badVersion = await owner.call(UPDATE, {
      id: '00000000-0000-4000-8000-000000000000',
      s: 'OPEN',
      v: 0,
    });
    expect(badVersion.errors?.[0]?.message).toMatch(/^expectedVersion/);
  });

  it('refuses malformed ids, an unknown status, a bad instant and a limit above the cap, naming the field', async () => {
    // Triaged first: the triage itself changes the version, and with a queue that wakes its worker at once it
    // could land between the refused calls and the last read.
    const created = await create(owner, 'Export fails', 'The CSV export button does nothing.');
    const ticket = await triaged(owner, created.id);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [READ, { id: 'not-a-ticket-id' }, /^id/],
      ['query($id: ID!) { ticketHistory(id: $id) { at } }', { id: 'x' }, /^id/],
      [UPDATE, { id: 'not-a-ticket-id', s: 'OPEN', v: 1 }, /^id/],
      [UPDATE, { id: ticket.id, s: 'DONE_AND_DUSTED', v: ticket.version }, /TicketStatus/],
      ['query($id: ID!) { ticketAt(id: $id, at: "yesterday-ish") { id } }', { id: ticket.id }, /^at/],
      ['{ tickets(limit: 101) { items { id } } }', {}, /^limit: must be at most 100/],
      ['{ tickets(filter: { status: SOMEDAY }) { items { id } } }', {}, /^filter\.status: .*TicketStatus/],
    ];
    for (const [query, variables, field] of cases) {
      const result = await owner.call(query, variables);
      expect(result.errors?.[0]?.errorType, query).toBe('ValidationError');
      expect(result.errors?.[0]?.message, query).toMatch(field);
    }
    const unchanged = (await owner.call(READ, { id: ticket.id })).data?.ticket as TicketView;
    expect(unchanged.status).toBe(ticket.status);
    expect(unchanged.version).toBe(ticket.version);
  });

  it('ends a page of large bodies early with a nextToken, and following it answers every ticket once', async () => {
    // 30 bodies of 250 KB (7.5 MB) do not fit one answer: the page stops at the list budget (4 MB).
    const reporter = await api.user('long-bodies@example.com');
    const bodyOf = (i: number) =>
      `Ticket ${i}: ${'the nightly export stalls on large files '.repeat(6_250)}`.slice(0, 250_000);
    const created = new Set<string>();
    for (let i = 0; i < 30; i++) created.add((await create(reporter, `Export stalls ${i}`, bodyOf(i))).id);
    const LIST = `query($t: String) { tickets(limit: 100, nextToken: $t) { items { id body } nextToken } }`;
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let token: string | null = null;
    do {
      const result = await reporter.call(LIST, { t: token });
      expect(result.errors).toBeUndefined();
      const page = result.data?.tickets as {
        items: { id: string; body: string }[];
        nextToken: string | null;
      };
      for (const item of page.items) expect(item.body).toHaveLength(250_000);
      seen.push(...page.items.map((item) => item.id));
      pageSizes.push(page.items.length);
      token = page.nextToken;
    } while (token !== null && pageSizes.length < 30);
    expect(pageSizes[0]).toBeLessThan(30);
    expect(pageSizes.length).toBeGreaterThan(1);
    expect(seen).toHaveLength(30);
    expect(new Set(seen)).toEqual(created);
  }, 120_000);
});
