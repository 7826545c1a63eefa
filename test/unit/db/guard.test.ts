/**
 * The database guard (lambdas/adapters/db/guard.ts) against a server that accepts connections and never answers,
 * as a frozen PostgreSQL host does (QA2 finding 1): no real database is needed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GuardedConnection, guardConnection } from '../../../lambdas/adapters/db/guard.ts';
import { withDeadline } from '../../../lambdas/shared/request-deadline.ts';

let server: Server;
let sockets: Socket[];
let closing: boolean;
let port: number;
let connection: GuardedConnection;
let unhandled: unknown[];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

const frozenPool = () =>
  postgres({ host: '127.0.0.1', port, connect_timeout: 1, max: 1, backoff: () => 0.05, onnotice: () => {} });

/** Lets the event loop see rejections nobody handled. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

beforeEach(async () => {
  sockets = [];
  closing = false;
  server = createServer((socket) => (closing ? socket.destroy() : void sockets.push(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
  connection = guardConnection(frozenPool(), { probeClient: frozenPool });
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  closing = true;
  const closed = new Promise((resolve) => server.close(resolve));
  for (const socket of sockets) socket.destroy();
  await connection.close();
  await closed;
});

describe('database guard when the server stops answering', () => {
  it('marks the database down and cancels the statements waiting for a connection, each rejection reaching its caller', async () => {
    const first = connection.sql`select 1`.catch((error: unknown) => error);
    const waiting = connection.sql`select 2`.catch((error: unknown) => error);
    expect(await first).toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(connection.health.available).toBe(false);
    expect(await waiting).toMatchObject({ code: '57014' });
    await expect(async () => connection.sql`select 3`).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('leaves a fragment (`sql.unsafe` inside a template) alone when it marks the database down: no unhandled rejection', async () => {
    // A fragment never runs and nobody awaits it: cancelling it rejected a promise without a handler, which
    // ended the whole `ai-ops start` process.
    const columns = connection.sql.unsafe('1 as one');
    const failure = await connection.sql`select ${columns}`.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(connection.health.available).toBe(false);
    await settle();
    expect(unhandled).toEqual([]);
    expect((columns as unknown as { cancelled: unknown }).cancelled).toBeNull();
  });

  it('leaves a fragment alone when its request deadline passes: no unhandled rejection', async () => {
    const answer = withDeadline(200, async () => {
      const columns = connection.sql.unsafe('1 as one');
      return connection.sql`select ${columns}`;
    }).catch((error: unknown) => error);
    expect(await answer).toMatchObject({ name: 'ServiceUnavailableError' });
    await settle();
    expect(unhandled).toEqual([]);
  });
});
