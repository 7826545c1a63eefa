/**
 * The database host stops answering (SIGSTOP to PostgreSQL, not a clean stop) while calls are in flight (QA2
 * finding 1): the process stays up, the API answers the retryable ServiceUnavailable during the freeze, and
 * everything works again after SIGCONT without a restart. Before, a call that had listed dead letters left a
 * query the database guard cancelled without anyone to handle it, and `ai-ops start` died of the unhandled
 * rejection as soon as the guard marked the database down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLResult, StartedLocalProcess } from '../support/local-process.ts';
import { startLocalProcess } from '../support/local-process.ts';
import {
  adminSession,
  LIST_ENTRIES,
  type Session,
  StoppableDatabase,
  SUMMARIZE,
  sampleLog,
  tempDir,
  timed,
  until,
} from './support.ts';

// The dead-letter list builds its column list as a fragment (`sql.unsafe` inside a template): what crashed.
const CALLS = [
  '{ deadLetters { items { jobId } } }',
  LIST_ENTRIES,
  '{ tickets(limit: 5, filter: { text: "login" }) { items { id } } }',
  '{ systemHealth { status } }',
  '{ auditLog(limit: 3) { items { id } } }',
];

/** A call the process did not answer (it exited) counts as `NoAnswer` instead of failing the test elsewhere. */
const answered = (call: Promise<GraphQLResult>): Promise<GraphQLResult> =>
  call.catch((error: unknown) => ({
    status: 0,
    errors: [{ message: String(error), errorType: 'NoAnswer' }],
  }));

const errorTypes = (answers: GraphQLResult[]): string[] =>
  answers.flatMap((answer) => (answer.errors ?? []).map((error) => error.errorType));

describe('database frozen (SIGSTOP) with calls in flight', () => {
  const dir = tempDir('ai-ops-fault-freeze-');
  let database: StoppableDatabase;
  let stack: StartedLocalProcess;
  let admin: Session;
  let frozen: number[] = [];

  beforeAll(async () => {
    database = await StoppableDatabase.start(`${dir.path}/pg`);
    stack = await startLocalProcess(`${dir.path}/data`, 90_000, { DATABASE_URL: database.url });
    admin = await adminSession(stack);
  });
  afterAll(async () => {
    try {
      database?.thaw(frozen);
      await stack?.stop();
    } finally {
      await database?.down();
      dir.remove();
    }
  });

  it('stays up, answers ServiceUnavailable while frozen and recovers after SIGCONT', async () => {
    // Ordinary use first, every kind of call twice.
    for (const query of [...CALLS, ...CALLS]) expect((await admin.call(query)).errors).toBeUndefined();
    expect((await admin.call(SUMMARIZE, { raw: sampleLog('before') })).errors).toBeUndefined();

    // Calls in flight when the host stops answering.
    const inFlight = [
      ...CALLS.map((query) => answered(admin.call(query))),
      ...Array.from({ length: 4 }, (_, i) =>
        answered(admin.call(SUMMARIZE, { raw: sampleLog(`inflight${i}`) })),
      ),
    ];
    frozen = database.freeze();
    const frozenAt = Date.now();
    const during = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        timed(() => answered(admin.call(CALLS[i % CALLS.length] ?? LIST_ENTRIES))),
      ),
    );
    const finished = await Promise.all(inFlight);
    // The calls whose statements the frozen host holds are answered once the guard's probe after a stall (5 s)
    // fails (3 s connect timeout), not when their 25 s request deadline passes.
    expect(Date.now() - frozenAt).toBeLessThan(20_000);

    // Every call either finished before the freeze or was told to retry; nothing else (no internal error).
    expect(new Set(errorTypes([...finished, ...during.map(({ value }) => value)]))).toEqual(
      new Set(['ServiceUnavailable']),
    );
    // Once the guard knows, a call is refused at once rather than waiting for its deadline.
    const refused = await until(
      async () => {
        const { ms, value } = await timed(() => answered(admin.call(LIST_ENTRIES)));
        return value.errors?.[0]?.errorType === 'ServiceUnavailable' && ms < 1_000 ? value : undefined;
      },
      30_000,
      'a fast ServiceUnavailable',
    );
    expect(refused.data?.logEntries ?? null).toBeNull();
    const health = await fetch(new URL('/health', stack.url));
    expect(health.status).toBe(503);
    // The crash came right after the guard marked the database down; give it time to happen.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(stack.child.exitCode).toBeNull();

    database.thaw(frozen);
    frozen = [];
    await until(async () => ((await admin.call(LIST_ENTRIES)).errors ? undefined : true), 30_000, 'recovery');
    for (const query of CALLS) expect((await admin.call(query)).errors).toBeUndefined();
    expect(stack.child.exitCode).toBeNull();
    expect(stack.output.join('\n')).not.toMatch(/Unhandled|57014|TypeError|Cannot read properties/);
  });
});
