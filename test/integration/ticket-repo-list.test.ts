import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../lambdas/adapters/db/schema.ts';
import { createTicketRepo } from '../../lambdas/adapters/db/ticket-repo.ts';
import { selectedIn, ticketColumns, ticketView } from '../../lambdas/api/views.ts';
import type { TicketRepo } from '../../lambdas/core/use-cases/tickets.ts';
import { createTestDatabase, insertUser, loggedDatabase, type TestDatabase } from '../support/database.ts';

describe('the ticket list', () => {
  let database: TestDatabase;
  let statements: string[];
  let repo: TicketRepo;
  let ownerId: string;
  let id: string;
  let twinId: string;
  const triage = { confidence: 0.8, rationale: 'the editor hangs', classifierVersion: 'v1', details: {} };
  const correction = { category: 'BUG', at: '2026-12-07T10:00:00Z' };

  beforeAll(async () => {
    database = await createTestDatabase();
    const logged = loggedDatabase(database);
    statements = logged.statements;
    repo = createTicketRepo(logged.db);
    ownerId = (await insertUser(database, 'lister@example.com')).id;
    const body = 'The window stops responding. '.repeat(2_000);
    const { ticket } = await repo.create(
      { ownerId, title: 'Editor freezes', body, project: null, redactions: {} },
      { kind: 'triage-ticket', traceId: null },
      null,
    );
    id = ticket.id;
    await database.db.update(schema.tickets).set({ triage, correction }).where(eq(schema.tickets.id, id));
    // Another user's ticket with the same fingerprint, so each is the other's similar ticket (for OPS).
    const twinOwnerId = (await insertUser(database, 'twin@example.com')).id;
    const { ticket: twin } = await repo.create(
      { ownerId: twinOwnerId, title: 'Editor freezes again', body, project: null, redactions: {} },
      { kind: 'triage-ticket', traceId: null },
      null,
    );
    twinId = twin.id;
    const fingerprint = { similarityTerms: [11, 22], similarityWeights: [0.6, 0.8] };
    await database.db.update(schema.tickets).set(fingerprint);
  });
  afterAll(async () => database?.close());

  const listed = async (paths: string[]) => {
    const columns = ticketColumns(selectedIn(['items', ...paths], 'items'));
    statements.length = 0;
    const [first] = await repo.list({ ownerId, filter: {}, limit: 10, after: null, columns });
    return { ticket: first?.row, sent: statements.join('\n') };
  };

  it('reads no body, triage or correction when the query shows none of them', async () => {
    const { ticket, sent } = await listed([
      'items/id',
      'items/title',
      'items/triage',
      'items/triage/category',
    ]);
    expect(sent).not.toMatch(/"tickets"\."(body|triage|correction)"/);
    expect(ticket).toMatchObject({ id, title: 'Editor freezes', body: null, triage: null, correction: null });
  });

  it('reads each of them when a field shown needs it, and shows the same as a full read', async () => {
    const paths = ['items/body', 'items/triage', 'items/triage/confidence', 'items/triage/correction'];
    const { ticket, sent } = await listed(paths);
    expect(sent).toMatch(/"tickets"\."body"/);
    expect(ticket).toMatchObject({ triage, correction });
    const full = await repo.get(id);
    if (!ticket || !full) throw new Error('ticket not read');
    expect(ticketView(ticket)).toEqual(ticketView(full));
  });

  it('reads a similar ticket with only the large columns the query shows of it', async () => {
    const similarWith = async (paths: string[]) => {
      const columns = ticketColumns(selectedIn(paths, 'items/similar/ticket'));
      statements.length = 0;
      const [found] = await repo.similar({ id: twinId, ownerId: null, limit: 3, minScore: 0.3, columns });
      return { ticket: found?.ticket, sent: statements.join('\n') };
    };
    const bare = await similarWith(['items/similar', 'items/similar/ticket', 'items/similar/ticket/id']);
    expect(bare.sent).not.toMatch(/"tickets"\."(body|triage|correction)"/);
    expect(bare.ticket).toMatchObject({ id, body: null, triage: null, correction: null });
    const shown = await similarWith(['items/similar/ticket/body', 'items/similar/ticket/triage/confidence']);
    expect(shown.ticket).toMatchObject({ id, body: expect.stringContaining('stops responding'), triage });
  });
});
