/**
 * A poison job (issue 13, problems 4 and 5): a job whose work fails on every attempt ends FAILED with a safe
 * reason (no SQL, no parameters) and its message in the dead-letter queue; once the cause is fixed, an admin's
 * redrive gives it a fresh attempt budget, runs it to SUCCEEDED and records who redrove it and when.
 * The poison is real: a trigger on the test's own database refuses the summary of one entry, as a broken
 * dependency or a bad row would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataField, type StartedLocalProcess, startLocalProcess } from '../support/local-process.ts';
import { adminSession, type Session, StoppableDatabase, sampleLog, tempDir, until } from './support.ts';

const ENTRY = 'query($id: ID!) { logEntry(id: $id) { status job { id status attempts lastError } } }';
type Entry = {
  status: string;
  job: { id: string; status: string; attempts: number; lastError: string | null };
};

describe('poison message → DLQ → FAILED with a safe reason → redrive → SUCCEEDED', () => {
  const dir = tempDir('ai-ops-fault-poison-');
  let database: StoppableDatabase;
  let stack: StartedLocalProcess;
  let admin: Session;

  beforeAll(async () => {
    database = await StoppableDatabase.start(`${dir.path}/pg`);
    stack = await startLocalProcess(`${dir.path}/data`, 90_000, {
      DATABASE_URL: database.url,
      RETRY_BASE_SECONDS: '0',
    });
    admin = await adminSession(stack);
    await database.sql(async (sql) => {
      await sql.unsafe(`
        create function fault_poison() returns trigger language plpgsql as $$
        begin
          raise exception 'fault-poison: refusing update of log_entries for %', new.id;
        end $$;
        create trigger fault_poison before update on log_entries
          for each row when (new.summary_text is not null and new.raw like '%blk_poison%')
          execute function fault_poison();`);
    });
  });
  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await database?.down();
      dir.remove();
    }
  });

  it('fails safely, dead-letters, and runs again once redriven', async () => {
    const created = await admin.call('mutation($raw: String!) { summarizeLog(raw: $raw) { id } }', {
      raw: sampleLog('poison'),
    });
    const id = dataField<{ id: string }>(created, 'summarizeLog').id;
    const failed = await until(
      async () => {
        const entry = dataField<Entry>(await admin.call(ENTRY, { id }), 'logEntry');
        return entry.job.status === 'FAILED' ? entry : undefined;
      },
      90_000,
      'the poison job FAILED',
    );
    expect(failed.job.attempts).toBe(5);
    expect(failed.job.lastError).toMatch(/internal error/i);
    expect(failed.job.lastError).not.toMatch(/fault-poison|log_entries|update|select|\$\d/i);
    // The failed attempt's message reaches the dead-letter queue when its receive count is spent.
    await until(
      async () => {
        const letters = await admin.call('{ deadLetters(kind: "summarize-log") { items { jobId } } }');
        return JSON.stringify(letters.data).includes(failed.job.id) ? true : undefined;
      },
      60_000,
      'the dead letter',
    );

    await database.sql((sql) => sql.unsafe('drop trigger fault_poison on log_entries'));
    const redrive = await admin.call(
      'mutation { redriveDeadLetters(kind: "summarize-log") { moved jobsRequeued } }',
    );
    expect(redrive.errors).toBeUndefined();
    expect(redrive.data?.redriveDeadLetters).toMatchObject({ moved: 1 });

    const done = await until(
      async () => {
        const entry = dataField<Entry>(await admin.call(ENTRY, { id }), 'logEntry');
        return entry.job.status === 'SUCCEEDED' ? entry : undefined;
      },
      60_000,
      'the redriven job SUCCEEDED',
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(done.job.attempts).toBe(1);
    const history = await database.sql(
      (sql) =>
        sql`select action, actor_id from change_events where entity_type = 'job' and entity_id = ${failed.job.id} order by id`,
    );
    // Every attempt's steps are recorded too; the redrive is the one step with an actor, after the failure.
    const actions = history.map((event) => event.action);
    expect(history.filter((event) => event.actor_id !== null)).toEqual([
      { action: 'redriven', actor_id: admin.userId },
    ]);
    expect(actions.slice(actions.indexOf('redriven') - 1)).toEqual([
      'job_failed',
      'redriven',
      'job_started',
      'job_succeeded',
    ]);
    const remaining = await admin.call('{ deadLetters(kind: "summarize-log") { items { jobId } } }');
    expect(JSON.stringify(remaining.data)).not.toContain(failed.job.id);
  });
});
