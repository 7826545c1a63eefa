import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCorrections } from '../../../bin/commands/ticket-corrections.ts';
import { ticketsCommand } from '../../../bin/commands/tickets.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import { commandOutput } from '../../support/command-output.ts';
import { dataField } from '../../support/local-process.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { FIXTURE, INTERNAL_FIXTURE } from '../../unit/tickets/support.ts';

/** The worker's settings in this file, given to the CLI as its options: both must decide alike. */
const REVIEW_THRESHOLD = '0.6';

const CREATE = `mutation($t: String!, $b: String, $p: String) {
  triageTicket(title: $t, body: $b, project: $p) { id title body status version triage { status } }
}`;
const FIELDS = `id title body project team duplicateOf status version createdAt
  triage { status category priority labels confidence }`;
const READ = `query($id: ID!) { ticket(id: $id) { ${FIELDS} } }`;
const SIMILAR = `query($id: ID!) { ticket(id: $id) { id similar { score ticket { id ownerId title } } } }`;
const MARK = `mutation($id: ID!, $of: ID!, $v: Int) { markDuplicate(id: $id, of: $of, expectedVersion: $v) { ${FIELDS} } }`;
const CORRECT = `mutation($id: ID!, $c: String!, $p: Priority, $team: String, $v: Int!) {
  correctTriage(id: $id, category: $c, priority: $p, team: $team, expectedVersion: $v) { ${FIELDS} }
}`;
const SEARCH = `query($text: String) { tickets(filter: { text: $text }, limit: 100) { items { id title } } }`;

interface TicketView {
  id: string;
  title: string;
  body: string;
  project: string | null;
  team: string | null;
  duplicateOf: string | null;
  status: string;
  version: number;
  createdAt: string;
  triage: {
    status: string;
    category: string | null;
    priority: string | null;
    labels: string[];
    confidence: number | null;
  };
}

const csvCell = (value: string) => `"${value.replaceAll('"', '""')}"`;

describe('ticket features through the API (similar, duplicates, search, team, title-only)', () => {
  let api: ApiHarness;
  let owner: ApiSession;
  let other: ApiSession;
  let ops: ApiSession;
  let dir = '';
  let model = '';

  const create = async (session: ApiSession, title: string, body?: string | null) => {
    const result = await session.call(CREATE, { t: title, b: body });
    return dataField<TicketView>(result, 'triageTicket');
  };
  const triaged = (session: ApiSession, id: string) =>
    eventually(
      async () => dataField<TicketView>(await session.call(READ, { id }), 'ticket'),
      (ticket) => ticket.triage.status === 'SUCCEEDED',
    );
  const similarOf = async (session: ApiSession, id: string) =>
    dataField<{ similar: { score: number; ticket: { id: string; ownerId: string } }[] }>(
      await session.call(SIMILAR, { id }),
      'ticket',
    ).similar;

  beforeAll(async () => {
    dir = tempDir('ticket-features-');
    model = join(dir, 'team.model.json');
    // A served model with an extra `team` head, as `tickets train --label-column team` makes it.
    const trained = await commandOutput(() =>
      ticketsCommand.run([
        'train',
        '--input',
        FIXTURE,
        '--input',
        INTERNAL_FIXTURE,
        '--label-column',
        'team',
        '--out',
        model,
        '--quiet',
      ]),
    );
    expect(trained.code).toBe(0);
    api = await startApiHarness({
      env: {
        TICKET_MODEL_PATH: model,
        TRIAGE_REVIEW_THRESHOLD: REVIEW_THRESHOLD,
        TRIAGE_EXTRA_REVIEW_THRESHOLD: REVIEW_THRESHOLD,
      },
    });
    owner = await api.user('feature-owner@example.com');
    other = await api.user('feature-other@example.com');
    ops = await api.user('feature-ops@example.com', 'OPS');
  }, 180_000);
  afterAll(async () => api?.close());

  it('accepts a title-only ticket (no body, null, empty or blank) and the worker triages it', async () => {
    const tickets = await Promise.all([
      create(owner, 'Production checkout is down - 502 for all users'),
      create(owner, 'Renew the TLS certificate of the status page', null),
      create(owner, 'Grant Jane read access to the billing bucket', ''),
      create(owner, 'Dark mode for the dashboard', '   \n '),
    ]);
    for (const ticket of tickets) expect(ticket.body).toBe('');
    const done = await Promise.all(tickets.map((t) => triaged(owner, t.id)));
    for (const ticket of done) expect(ticket.triage.category).toMatch(/^[A-Z_]+$/);
    const blank = await owner.call(CREATE, { t: '  ', b: 'something' });
    expect(blank.errors?.[0]?.errorType).toBe('ValidationError');
    expect(blank.errors?.[0]?.message).toContain('title');
  });

  it('gives the same answers as `ai-ops tickets classify` with the same model and settings', async () => {
    const rows = [
      ...(parse(readFileSync(INTERNAL_FIXTURE), { columns: true }) as Record<string, string>[]).slice(0, 16),
      // Text the API redacts before it stores and triages it: the CLI must read it the same way.
      {
        title: 'Key in repo',
        body: 'Committed by mistake:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdef\n-----END RSA PRIVATE KEY-----',
      },
      {
        title: 'Server 10.0.4.17 unreachable',
        body: 'ping to 10.0.4.17 and db01.prod.acme.internal times out',
      },
      {
        title: 'CI broken after token rotation',
        body: 'new token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB fails; ask jane.doe@example.com',
      },
    ];
    const created = await Promise.all(rows.map((row) => create(owner, row.title ?? '', row.body ?? '')));
    const done = await Promise.all(created.map((t) => triaged(owner, t.id)));
    expect(done.at(-3)?.body).toContain('<PRIVATE_KEY>');
    // The CLI classifies a ticket as written (it redacts it as the API does) or as the API stored it (redacted
    // text), with the stored creation time: the same answer either way.
    const classify = async (
      name: string,
      text: (t: TicketView, i: number) => { title: string; body: string },
    ) => {
      const csv = join(dir, name);
      writeFileSync(
        csv,
        `id,created_at,title,body\n${done.map((t, i) => [t.id, t.createdAt, text(t, i).title, text(t, i).body].map(csvCell).join(',')).join('\n')}\n`,
      );
      const classified = await commandOutput(() =>
        ticketsCommand.run([
          'classify',
          '--input',
          csv,
          '--model',
          model,
          '--review-below',
          REVIEW_THRESHOLD,
          '--extra-review-below',
          REVIEW_THRESHOLD,
          '--quiet',
        ]),
      );
      expect(classified.code).toBe(0);
      return classified.stdout;
    };
    const stored = await classify('parity-stored.csv', (t) => t);
    const written = await classify('parity-written.csv', (_, i) => ({
      title: rows[i]?.title ?? '',
      body: rows[i]?.body ?? '',
    }));
    expect(written).toBe(stored);
    const lines = stored
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(done.length);
    for (const [i, ticket] of done.entries()) {
      const line = lines[i];
      expect(line?.id).toBe(ticket.id);
      expect({ ...ticket.triage, team: ticket.team }).toEqual({
        status: 'SUCCEEDED',
        category: line?.category,
        priority: line?.priority,
        labels: line?.labels,
        confidence: line?.confidence,
        team: line?.team,
      });
    }
    // The served model has a team head: a confident team is one of the trained teams, an unsure one is left
    // for a person (null), the same way in both.
    const teams = done.map((t) => t.team);
    expect(teams.filter((t) => t !== null).length).toBeGreaterThan(0);
    expect(teams).toContain(null);
    for (const t of teams) expect([null, 'data', 'it', 'payments', 'platform', 'sre', 'web']).toContain(t);
    // The threshold is not the default: some answers abstain, the same way in both.
    expect(lines.map((l) => l.category)).toEqual(done.map((t) => t.triage.category));
  }, 120_000); // 16 jobs through the worker plus a CLI run: slow on a loaded 2-core CI machine

  it('lists up to three similar tickets the caller can see, best first, with a score', async () => {
    const title = 'Checkout page froze after clicking pay';
    const mine = await Promise.all([
      create(owner, title, 'The checkout page froze when I clicked pay, the spinner never stops.'),
      create(owner, 'Checkout froze when paying', 'Clicking pay on checkout freezes the page.'),
      create(owner, 'Checkout page freezes on pay', 'Spinner never stops after pay on the checkout page.'),
      create(owner, 'Checkout stuck after pressing pay', 'The checkout page froze with a spinner.'),
      create(owner, 'Add a CSV export to the reports page', 'We need to download reports as CSV.'),
    ]);
    const theirs = await create(other, title, 'The checkout page froze when I clicked pay, spinner forever.');
    await Promise.all([...mine.map((t) => triaged(owner, t.id)), triaged(other, theirs.id)]);
    const first = mine[0]?.id ?? '';

    const similar = await similarOf(owner, first);
    expect(similar.length).toBeGreaterThan(0);
    expect(similar.length).toBeLessThanOrEqual(3);
    expect(similar.every((s) => s.ticket.ownerId === owner.userId)).toBe(true);
    expect(similar.map((s) => s.ticket.id)).not.toContain(theirs.id);
    expect(similar.map((s) => s.ticket.id)).not.toContain(first);
    expect(similar.map((s) => s.ticket.id)).not.toContain(mine[4]?.id);
    const scores = similar.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0.3);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);

    // OPS sees everyone's tickets, so the other user's near-copy is the closest.
    const seenByOps = await similarOf(ops, first);
    expect(seenByOps[0]?.ticket.id).toBe(theirs.id);
    // The other user sees none of the owner's tickets, not even through `similar`.
    expect((await similarOf(other, theirs.id)).map((s) => s.ticket.ownerId)).not.toContain(owner.userId);
  });

  it('marks a duplicate, closes it, records it in history, and refuses itself, cycles and unseen tickets', async () => {
    const original = await create(owner, 'VPN disconnects every hour', 'The VPN drops each hour.');
    const copy = await create(owner, 'VPN drops hourly', 'Every hour the VPN connection is lost.');
    const theirs = await create(other, 'VPN drops', 'My VPN drops too.');
    await Promise.all([triaged(owner, original.id), triaged(owner, copy.id), triaged(other, theirs.id)]);

    const marked = dataField<TicketView>(
      await owner.call(MARK, { id: copy.id, of: original.id }),
      'markDuplicate',
    );
    expect(marked.duplicateOf).toBe(original.id);
    expect(marked.status).toBe('CLOSED');
    const again = dataField<TicketView>(
      await owner.call(MARK, { id: copy.id, of: original.id }),
      'markDuplicate',
    );
    expect(again.version).toBe(marked.version);
    const history = dataField<{ action: string; actorId: string; changes: string; meta: string }[]>(
      await owner.call('query($id: ID!) { ticketHistory(id: $id) { action actorId changes meta } }', {
        id: copy.id,
      }),
      'ticketHistory',
    );
    const entry = history.find((h) => h.action === 'marked_duplicate');
    expect(entry?.actorId).toBe(owner.userId);
    expect(JSON.parse(entry?.changes ?? '{}').duplicateOf).toEqual({ from: null, to: original.id });
    expect(history.filter((h) => h.action === 'marked_duplicate')).toHaveLength(1);

    const errorOf = async (session: ApiSession, variables: Record<string, unknown>) =>
      (await session.call(MARK, variables)).errors?.[0];
    expect(await errorOf(owner, { id: original.id, of: original.id })).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('of'),
    });
    expect((await errorOf(owner, { id: original.id, of: copy.id }))?.errorType).toBe('ValidationError');
    expect((await errorOf(owner, { id: original.id, of: theirs.id }))?.errorType).toBe('NotFound');
    expect((await errorOf(other, { id: theirs.id, of: original.id }))?.errorType).toBe('NotFound');
    expect((await errorOf(owner, { id: original.id, of: 'not-an-id' }))?.message).toContain('of');
    expect((await errorOf(owner, { id: copy.id, of: original.id, v: 1 }))?.errorType).toBe('ConflictError');
    // OPS may link tickets of different owners.
    const linked = dataField<TicketView>(
      await ops.call(MARK, { id: theirs.id, of: original.id }),
      'markDuplicate',
    );
    expect(linked.duplicateOf).toBe(original.id);
  });

  it('clears duplicateOf when a ticket closed as a duplicate is reopened, and records it', async () => {
    const original = await create(owner, 'Printer on floor 3 jams', 'Paper jam again.');
    const copy = await create(owner, 'Floor 3 printer jammed', 'It jams.');
    await Promise.all([triaged(owner, original.id), triaged(owner, copy.id)]);
    const marked = dataField<TicketView>(
      await owner.call(MARK, { id: copy.id, of: original.id }),
      'markDuplicate',
    );
    const reopened = dataField<TicketView>(
      await owner.call(
        'mutation($id: ID!, $v: Int!) { updateTicketStatus(id: $id, status: OPEN, expectedVersion: $v) { ' +
          FIELDS +
          ' } }',
        { id: copy.id, v: marked.version },
      ),
      'updateTicketStatus',
    );
    expect(reopened).toMatchObject({ status: 'OPEN', duplicateOf: null, version: marked.version + 1 });
    const history = dataField<{ action: string; changes: string }[]>(
      await owner.call('query($id: ID!) { ticketHistory(id: $id) { action changes } }', { id: copy.id }),
      'ticketHistory',
    );
    expect(JSON.parse(history.at(-1)?.changes ?? '{}')).toEqual({
      status: { from: 'CLOSED', to: 'OPEN' },
      duplicateOf: { from: original.id, to: null },
    });
  });

  it('finds tickets by words of the title or body, only among those the caller can see', async () => {
    const mine = await create(owner, 'Kafka consumer lag alarms', 'The zanzibar consumer group lags behind.');
    const theirs = await create(other, 'Zanzibar cluster rebooted', 'Nothing else.');
    const ids = async (session: ApiSession, text: string) =>
      dataField<{ items: { id: string }[] }>(await session.call(SEARCH, { text }), 'tickets').items.map(
        (t) => t.id,
      );
    expect(await ids(owner, 'zanzibar')).toEqual([mine.id]);
    expect(await ids(owner, 'ZANZIBAR lags')).toEqual([mine.id]);
    expect(await ids(owner, 'lagging consumers')).toEqual([mine.id]);
    expect(await ids(owner, 'kafka reboot')).toEqual([]);
    expect((await ids(ops, 'zanzibar')).sort()).toEqual([mine.id, theirs.id].sort());
    for (const text of ['', '!!! ???', 'x'.repeat(201), 'a b c d e f g h i']) {
      const error = (await owner.call(SEARCH, { text })).errors?.[0];
      expect(error?.errorType).toBe('ValidationError');
      expect(error?.message).toContain('filter.text');
    }
  });

  it('finds dotted words (Node.js, v2.14, foo.bar.baz, user@host, file.ext, a path) whole, by their parts and joined', async () => {
    const ticket = await create(
      owner,
      'Upgrade Node.js in the build images',
      'Pin qux-lib v2.14 and set alpha.beta.gamma in settings.yaml; log in as root@quokkahost; see /api/wombat; the zorb-tracker e-mail',
    );
    const ids = async (text: string) =>
      dataField<{ items: { id: string }[] }>(await owner.call(SEARCH, { text }), 'tickets').items.map(
        (t) => t.id,
      );
    const found = [
      'Node.js',
      'node.js',
      'js',
      'node js',
      'v2.14',
      'v2',
      '14',
      'alpha.beta.gamma',
      'beta',
      'gamma',
      'settings.yaml',
      'yaml',
      'root@quokkahost',
      'quokkahost',
      '/api/wombat',
      'wombat',
      // and joined, as people also spell them
      'nodejs',
      'NodeJS',
      'quxlib',
      'zorbtracker',
      'email',
    ];
    // Other tickets of this file may match a short part too (`14`): only this one's presence is asserted.
    for (const text of found)
      expect({ text, found: (await ids(text)).includes(ticket.id) }).toEqual({ text, found: true });
    expect(await ids('python.js')).toEqual([]);
  });

  it('accepts SECURITY and a team in correctTriage, and exports corrections as a CSV that train reads', async () => {
    const ticket = await triaged(owner, (await create(owner, 'Strange login from abroad on my account')).id);
    const corrected = dataField<TicketView>(
      await ops.call(CORRECT, { id: ticket.id, c: 'security', p: 'P1', team: 'secops', v: ticket.version }),
      'correctTriage',
    );
    expect(corrected.triage.category).toBe('SECURITY');
    expect(corrected.team).toBe('secops');
    const bug = await triaged(owner, (await create(owner, 'Export button does nothing', 'No file.')).id);
    await ops.call(CORRECT, { id: bug.id, c: 'BUG', p: 'P3', v: bug.version });
    const badTeam = await ops.call(CORRECT, {
      id: ticket.id,
      c: 'BUG',
      team: 'no;way',
      v: corrected.version,
    });
    expect(badTeam.errors?.[0]?.message).toContain('team');

    const out = join(dir, 'corrections.csv');
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = api.database.url;
    try {
      expect((await commandOutput(() => exportCorrections(['--out', out]))).code).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.id === ticket.id);
    expect(row).toMatchObject({
      category: 'SECURITY',
      priority: 'P1',
      team: 'secops',
      title: 'Strange login from abroad on my account',
      body: '',
    });
    // `tickets train` reads the export (with the NLBSE sample for the other categories).
    const retrained = await commandOutput(() =>
      ticketsCommand.run([
        'train',
        '--input',
        out,
        '--input',
        FIXTURE,
        '--out',
        join(dir, 'r.json'),
        '--quiet',
      ]),
    );
    expect(retrained.code).toBe(0);
    expect(retrained.stdout).toContain('SECURITY 1');
  });
});
