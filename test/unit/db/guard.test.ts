/**
 * The database guard (lambdas/adapters/db/guard.ts) against a server that accepts connections and never answers,
 * as a frozen PostgreSQL host does (QA2 finding 1): no real database is needed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GuardedConnection, guardConnection } from '../../../lambdas/adapters/db/guard.ts';
import { DEADLINE_MESSAGE } from '../../../lambdas/core/errors.ts';
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

/**
 * A server that speaks just enough of the PostgreSQL protocol to let a client in (authentication OK, backend
 * key, ready for query), answers `select` statements while `frozen` is false, and answers nothing once it is
 * true, new connections included: a host that stopped after the pool connected. A socket in `slow` gets no
 * answer either while new connections do: a server busy with a long statement.
 */
function handshakeThenFreeze() {
  const state = { frozen: false, sockets: [] as Socket[], slow: new Set<Socket>() };
  const message = (type: string, body: Buffer) => {
    const header = Buffer.alloc(5);
    header.write(type, 0);
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  };
  const int32s = (...values: number[]) => {
    const body = Buffer.alloc(values.length * 4);
    for (const [i, value] of values.entries()) body.writeInt32BE(value, i * 4);
    return body;
  };
  const ready = message('Z', Buffer.from('I'));
  const server = createServer((socket) => {
    state.sockets.push(socket);
    let started = false;
    socket.on('data', (data) => {
      if (state.frozen || state.slow.has(socket)) return;
      if (!started) {
        started = true;
        socket.write(Buffer.concat([message('R', int32s(0)), message('K', int32s(42, 7)), ready]));
        return;
      }
      // Any statement: an empty result ("select 0"), then ready again.
      if (data.includes(Buffer.from('Q')) || data.includes(Buffer.from('S')))
        socket.write(Buffer.concat([message('C', Buffer.from('SELECT 0\0')), ready]));
    });
  });
  return { server, state };
}

describe('database guard when a server stops answering statements already sent', () => {
  async function fakeServer() {
    const fake = handshakeThenFreeze();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const pool = () =>
      postgres({
        host: '127.0.0.1',
        port: address.port,
        connect_timeout: 1,
        max: 1,
        fetch_types: false,
        prepare: false,
        onnotice: () => {},
      });
    const guarded = guardConnection(pool(), { probeClient: pool, stallAfterMs: 200 });
    await guarded.sql.unsafe('select 0');
    const close = async () => {
      for (const socket of fake.state.sockets) socket.destroy();
      await guarded.close();
      await new Promise((resolve) => fake.server.close(resolve));
    };
    return { state: fake.state, guarded, close };
  }

  it('probes after a stall and answers the waiting request ServiceUnavailable long before its deadline', async () => {
    const { state, guarded, close } = await fakeServer();
    try {
      state.frozen = true;
      const started = Date.now();
      const answer = await withDeadline(60_000, async () => guarded.sql.unsafe('select 1')).catch(
        (error: unknown) => error,
      );
      expect(answer).toMatchObject({ name: 'ServiceUnavailableError', errorType: 'ServiceUnavailable' });
      // The stall (0.2 s) and the failed probe (1 s connect timeout), not the 60 s deadline.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(guarded.health.available).toBe(false);
    } finally {
      await close();
    }
  }, 20_000);

  it('leaves a slow statement to its deadline when the server answers the probe', async () => {
    const { state, guarded, close } = await fakeServer();
    try {
      for (const socket of state.sockets) state.slow.add(socket);
      const answer = await withDeadline(1_500, async () => guarded.sql.unsafe('select 1')).catch(
        (error: unknown) => error,
      );
      expect(answer).toMatchObject({ name: 'ServiceUnavailableError', message: DEADLINE_MESSAGE });
      expect(guarded.health.available).toBe(true);
    } finally {
      await close();
    }
  }, 20_000);
});
