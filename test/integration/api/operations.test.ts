import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../lambdas/adapters/queue/local-queue.ts';
import { localQueueDefinitions } from '../../../lambdas/adapters/queue/queue-from-config.ts';
import { type JobKind, jobMessageFor, serializeJobMessage } from '../../../lambdas/core/jobs/job.ts';
import { JOB_KINDS } from '../../../lambdas/core/jobs/registry.ts';
import { KNOWN_FLAGS } from '../../../lambdas/core/use-cases/feature-flags.ts';
import { appDatabaseUrl } from '../../../local/local-database.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import { dataField, type GraphQLResult } from '../../support/local-process.ts';

const PASSWORD = 'correct horse battery staple';

/** Every operation only an ADMIN may call, with arguments that would otherwise be valid. */
const ADMIN_OPERATIONS: [string, string, Record<string, unknown>][] = [
  ['users', '{ users { items { id } } }', {}],
  ['auditLog', '{ auditLog { items { id } } }', {}],
  ['featureFlags', '{ featureFlags { name } }', {}],
  ['createUser', 'mutation { createUser(email: "x@example.com", role: USER) { token } }', {}],
  ['disableUser', 'mutation($u: ID!) { disableUser(userId: $u) { id } }', {}],
  ['enableUser', 'mutation($u: ID!) { enableUser(userId: $u) { id } }', {}],
  ['deleteUser', 'mutation($u: ID!) { deleteUser(userId: $u) { dataDeleted } }', {}],
  ['resetPassword', 'mutation($u: ID!) { resetPassword(userId: $u) { token } }', {}],
  ['redriveDeadLetters', 'mutation { redriveDeadLetters(kind: "summarize-log") { moved } }', {}],
  ['purgeDeadLetters', 'mutation { purgeDeadLetters(kind: "summarize-log") { purged } }', {}],
];

const OPS_OPERATIONS: [string, string][] = [
  ['systemHealth', '{ systemHealth { status } }'],
  ['deadLetters', '{ deadLetters { items { reason } } }'],
];

const USER_FIELDS = 'id email role status lastLoginAt';

function errorOf(result: GraphQLResult) {
  return result.errors?.[0];
}

describe('the operations surface through the API', () => {
  let api: ApiHarness;
  let admin: ApiSession;
  let user: ApiSession;
  let ops: ApiSession;
  let hr: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    admin = await api.admin();
    user = await api.user('plain@example.com');
    ops = await api.user('ops@example.com', 'OPS');
    hr = await api.user('hr@example.com', 'HR');
  }, 120_000);
  afterAll(async () => api?.close());

  const login = (email: string, password: string) =>
    api.anonymous(
      'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken user { status } } }',
      { e: email, p: password },
    );
  const setPassword = (token: string, password: string) =>
    api.anonymous(
      'mutation($t: String!, $p: String!) { setPasswordWithToken(token: $t, password: $p) { accessToken user { id status } } }',
      { t: token, p: password },
    );
  const createUser = async (email: string, role = 'USER') =>
    dataField<{ user: { id: string; status: string }; token: string; expiresAt: string }>(
      await admin.call(
        `mutation($e: AWSEmail!, $r: Role!) { createUser(email: $e, role: $r) { user { ${USER_FIELDS} } token purpose expiresAt } }`,
        { e: email, r: role },
      ),
      'createUser',
    );
  /** A user who accepted their invite, with a fresh session. */
  const activeUser = async (email: string) => {
    const invited = await createUser(email);
    dataField(await setPassword(invited.token, PASSWORD), 'setPasswordWithToken');
    return invited.user.id;
  };

  it('refuses every admin operation to USER, and the operations views to USER and HR, as Unauthorized', async () => {
    for (const [field, query] of ADMIN_OPERATIONS) {
      for (const caller of [user, ops, hr]) {
        const result = await caller.call(query, { u: user.userId });
        expect(result.data?.[field] ?? null, field).toBeNull();
        expect(errorOf(result)?.errorType, field).toBe('Unauthorized');
      }
    }
    for (const [field, query] of OPS_OPERATIONS) {
      for (const caller of [user, hr]) {
        expect(errorOf(await caller.call(query))?.errorType, field).toBe('Unauthorized');
      }
      expect((await ops.call(query)).errors, field).toBeUndefined();
    }
  });

  it('stops a demoted admin at once on admin operations, although the authorizer answer is still cached', async () => {
    const deputy = await api.user('deputy@example.com', 'ADMIN');
    expect((await deputy.call('{ featureFlags { name } }')).errors).toBeUndefined();
    dataField(
      await admin.call('mutation($u: ID!) { setUserRole(userId: $u, role: USER) { role } }', {
        u: deputy.userId,
      }),
      'setUserRole',
    );
    for (const [field, query] of ADMIN_OPERATIONS) {
      const result = await deputy.call(query, { u: user.userId });
      expect(result.data?.[field] ?? null, field).toBeNull();
      expect(errorOf(result), field).toMatchObject({
        errorType: 'Unauthorized',
        message: expect.stringMatching(/^Not Authorized to access \w+ on type (Query|Mutation)$/),
      });
    }
    // Other fields follow the role within the authorizer's cache TTL, as AppSync does.
    expect((await deputy.call('{ me { email } }')).errors).toBeUndefined();
  });

  it('invites a user with a one-time token shown once, which cannot be used twice', async () => {
    const invited = await createUser('new.hire@example.com', 'HR');
    expect(invited.user.status).toBe('INVITED');
    expect(invited.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(invited.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const [stored] = await api.database.sql<{ n: number }[]>`
      select count(*)::int as n from password_tokens where token_hash = ${invited.token}`;
    expect(stored?.n).toBe(0);
    expect(errorOf(await login('new.hire@example.com', PASSWORD))?.errorType).toBe('Unauthorized');

    const signedIn = dataField<{ user: { status: string } }>(
      await setPassword(invited.token, PASSWORD),
      'setPasswordWithToken',
    );
    expect(signedIn.user.status).toBe('ACTIVE');
    expect((await login('new.hire@example.com', PASSWORD)).errors).toBeUndefined();

    const again = await setPassword(invited.token, 'another long passphrase here');
    expect(errorOf(again)).toMatchObject({ errorType: 'ValidationError' });
    expect(errorOf(again)?.message).toMatch(/^token: has already been used/);
  });

  it('answers a repeated createUser key with the same user, and refuses it for another e-mail or role', async () => {
    const CREATE = `mutation($e: AWSEmail!, $r: Role!, $k: String) {
      createUser(email: $e, role: $r, idempotencyKey: $k) { user { id email role } token }
    }`;
    const first = dataField<{ user: { id: string }; token: string | null }>(
      await admin.call(CREATE, { e: 'retry.me@example.com', r: 'OPS', k: 'invite-7' }),
      'createUser',
    );
    expect(first.token).not.toBeNull();
    // The e-mail is compared as stored (lower-cased): this is the same request.
    const again = dataField<{ user: { id: string }; token: string | null }>(
      await admin.call(CREATE, { e: 'Retry.Me@example.com', r: 'OPS', k: 'invite-7' }),
      'createUser',
    );
    expect(again).toEqual({ user: { ...first.user }, token: null });
    const users = async () =>
      (await api.database.sql<{ n: number }[]>`select count(*)::int as n from users`)[0]?.n;
    const before = await users();
    for (const [email, role] of [
      ['someone.else@example.com', 'OPS'],
      ['retry.me@example.com', 'ADMIN'],
    ]) {
      const refused = await admin.call(CREATE, { e: email, r: role, k: 'invite-7' });
      expect(refused.data?.createUser ?? null).toBeNull();
      expect(errorOf(refused)?.errorType).toBe('ValidationError');
      expect(errorOf(refused)?.message).toMatch(/^idempotencyKey: .*different createUser request/);
      expect(errorOf(refused)?.message).toContain(first.user.id);
    }
    expect(await users()).toBe(before);
  });

  it('names the problem with bad input: unknown role, taken e-mail, weak password, garbage token', async () => {
    const unknownRole = await admin.call(
      'mutation { createUser(email: "r@example.com", role: KING) { token } }',
    );
    expect(errorOf(unknownRole)).toMatchObject({ errorType: 'ValidationError' });
    expect(errorOf(unknownRole)?.message).toMatch(/^role: /);
    const taken = await admin.call(
      'mutation { createUser(email: "plain@example.com", role: USER) { token } }',
    );
    expect(errorOf(taken)?.errorType).toBe('ConflictError');
    const invited = await createUser('weak@example.com');
    const weak = await setPassword(invited.token, 'short');
    expect(errorOf(weak)).toMatchObject({ errorType: 'ValidationError' });
    expect(errorOf(weak)?.message).toMatch(/^password: /);
    const garbage = await setPassword('not-a-token', PASSWORD);
    expect(errorOf(garbage)?.message).toMatch(/^token: /);
    const badId = await admin.call('mutation { disableUser(userId: "nope") { id } }');
    expect(errorOf(badId)?.message).toMatch(/^userId: /);
  });

  it('disables a user: login refused, sessions stop; enabling lets them back in', async () => {
    const id = await activeUser('leaver@example.com');
    const before = dataField<{ accessToken: string }>(await login('leaver@example.com', PASSWORD), 'login');
    const disabled = dataField<{ status: string }>(
      await admin.call('mutation($u: ID!) { disableUser(userId: $u, reason: "left the team") { status } }', {
        u: id,
      }),
      'disableUser',
    );
    expect(disabled.status).toBe('DISABLED');
    // A token the authorizer has not cached yet is refused at once; a cached answer lapses within the TTL.
    const call = await fetch(api.runtime.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${before.accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    // Refused as a whole, as AppSync refuses it: HTTP 401 and its UnauthorizedException.
    expect(call.status).toBe(401);
    expect(((await call.json()) as GraphQLResult).errors?.[0]?.errorType).toBe('UnauthorizedException');
    const refused = await login('leaver@example.com', PASSWORD);
    expect(errorOf(refused)).toMatchObject({ errorType: 'Forbidden' });
    expect(errorOf(refused)?.message).toMatch(/disabled/);

    const listed = dataField<{ items: { id: string }[] }>(
      await admin.call('{ users(filter: { status: DISABLED }) { items { id } } }'),
      'users',
    );
    expect(listed.items.map((u) => u.id)).toEqual([id]);
    await admin.call('mutation($u: ID!) { enableUser(userId: $u) { status } }', { u: id });
    expect((await login('leaver@example.com', PASSWORD)).errors).toBeUndefined();
  });

  it('refuses to disable or delete yourself, and to leave no enabled admin', async () => {
    const self = await admin.call('mutation($u: ID!) { disableUser(userId: $u) { id } }', {
      u: admin.userId,
    });
    expect(errorOf(self)?.errorType).toBe('Forbidden');
    expect(errorOf(self)?.message).toMatch(/own account/);
    const selfDelete = await admin.call('mutation($u: ID!) { deleteUser(userId: $u) { dataDeleted } }', {
      u: admin.userId,
    });
    expect(errorOf(selfDelete)?.errorType).toBe('Forbidden');
    const demote = await admin.call('mutation($u: ID!) { setUserRole(userId: $u, role: USER) { id } }', {
      u: admin.userId,
    });
    expect(errorOf(demote)?.message).toMatch(/last ADMIN/);
  });

  it('resets a password with a one-time token; the old password works until the token is used', async () => {
    const id = await activeUser('forgetful@example.com');
    const reset = dataField<{ token: string; purpose: string }>(
      await admin.call('mutation($u: ID!) { resetPassword(userId: $u) { token purpose } }', { u: id }),
      'resetPassword',
    );
    expect(reset.purpose).toBe('RESET');
    expect((await login('forgetful@example.com', PASSWORD)).errors).toBeUndefined();
    const next = 'a brand new passphrase for me';
    expect((await setPassword(reset.token, next)).errors).toBeUndefined();
    expect(errorOf(await login('forgetful@example.com', PASSWORD))?.errorType).toBe('Unauthorized');
    expect((await login('forgetful@example.com', next)).errors).toBeUndefined();
    expect(errorOf(await setPassword(reset.token, 'yet another passphrase here'))?.message).toMatch(
      /^token: has already been used/,
    );
  });

  it('changes your own password only with the current one', async () => {
    const self = await api.user('changer@example.com');
    const change = (current: string, next: string) =>
      self.call(
        'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
        {
          c: current,
          n: next,
        },
      );
    const wrong = await change('not my password at all', 'a completely new passphrase');
    expect(errorOf(wrong)?.message).toMatch(/^currentPassword: /);
    const weak = await change(PASSWORD, 'short');
    expect(errorOf(weak)?.message).toMatch(/^newPassword: /);
    expect(dataField<boolean>(await change(PASSWORD, 'a completely new passphrase'), 'changePassword')).toBe(
      true,
    );
    expect(errorOf(await login('changer@example.com', PASSWORD))?.errorType).toBe('Unauthorized');
    expect((await login('changer@example.com', 'a completely new passphrase')).errors).toBeUndefined();
  });

  it('deletes a user keeping their records under a tombstone, or deleting them too', async () => {
    const keeper = await api.user('keeper@example.com');
    const dropper = await api.user('dropper@example.com');
    const submit = 'mutation { summarizeLog(raw: "2025-01-01 10:00:00 INFO app: started") { id } }';
    const kept = dataField<{ id: string }>(await keeper.call(submit), 'summarizeLog');
    const dropped = dataField<{ id: string }>(await dropper.call(submit), 'summarizeLog');
    const remove = (u: string, deleteData: boolean) =>
      admin.call(
        'mutation($u: ID!, $d: Boolean) { deleteUser(userId: $u, deleteData: $d) { user { status } dataDeleted logEntries } }',
        { u, d: deleteData },
      );
    const keptAnswer = dataField<{ user: { status: string }; logEntries: number }>(
      await remove(keeper.userId, false),
      'deleteUser',
    );
    expect(keptAnswer).toMatchObject({ user: { status: 'DELETED' }, dataDeleted: false, logEntries: 1 });
    expect(
      dataField<{ dataDeleted: boolean }>(await remove(dropper.userId, true), 'deleteUser').dataDeleted,
    ).toBe(true);
    const entries = await api.database.sql<{ id: string }[]>`
      select id from log_entries where id in (${kept.id}, ${dropped.id})`;
    expect(entries.map((e) => e.id)).toEqual([kept.id]);
    expect(errorOf(await login('keeper@example.com', PASSWORD))?.errorType).toBe('Unauthorized');
    // The address is free again.
    expect(
      (
        await api.anonymous(
          'mutation { signup(email: "keeper@example.com", password: "correct horse battery staple") { user { id } } }',
        )
      ).errors,
    ).toBeUndefined();
    expect(errorOf(await remove(keeper.userId, false))?.errorType).toBe('NotFound');
  });

  it('filters users by role, status and e-mail', async () => {
    const page = dataField<{ items: { email: string; role: string; status: string }[] }>(
      await admin.call(`{ users(filter: { role: OPS, email: "OPS@" }) { items { ${USER_FIELDS} } } }`),
      'users',
    );
    expect(page.items).toEqual([
      expect.objectContaining({ email: 'ops@example.com', role: 'OPS', status: 'ACTIVE' }),
    ]);
    const bad = await admin.call('{ users(filter: { status: GONE }) { items { id } } }');
    expect(errorOf(bad)?.errorType).toBe('ValidationError');
  });

  it('lists every known flag with its default and description, set or not', async () => {
    const flags = dataField<{ name: string; isSet: boolean; defaultEnabled: boolean; description: string }[]>(
      await admin.call('{ featureFlags { name enabled isSet defaultEnabled description known updatedAt } }'),
      'featureFlags',
    );
    for (const known of KNOWN_FLAGS) {
      expect(flags).toContainEqual(
        expect.objectContaining({ name: known.name, defaultEnabled: known.defaultEnabled, known: true }),
      );
    }
    expect(flags.every((flag) => flag.description.length > 20)).toBe(true);
    const unknown = await admin.call(
      'mutation { setFeatureFlag(name: "llm.sumary", enabled: true) { name } }',
    );
    expect(errorOf(unknown)?.message).toMatch(/^name: is not a flag this version reads/);
    await admin.call(
      'mutation { setFeatureFlag(name: "llm.triage", enabled: true, rolloutPercent: 10) { name } }',
    );
    const after = dataField<{ name: string; isSet: boolean }[]>(
      await admin.call('{ featureFlags { name isSet } }'),
      'featureFlags',
    );
    expect(after.find((f) => f.name === 'llm.triage')?.isSet).toBe(true);
  });

  it('shows every dead letter with its reason, for every kind; purging is recorded', async () => {
    const ticket = dataField<{ id: string }>(
      await user.call('mutation { triageTicket(title: "Login page broken", body: "500 on submit") { id } }'),
      'triageTicket',
    );
    const [job] = await api.database.sql<
      { id: string }[]
    >`select id from jobs where subject_id = ${ticket.id}`;
    await poison('triage-ticket', job?.id ?? '', 'Classifier model failed to load');
    const letters = await eventuallyLetters(ops, 'triage-ticket');
    expect(letters[0]).toMatchObject({
      jobId: job?.id,
      kind: 'triage-ticket',
      reason: 'Classifier model failed to load',
      receiveCount: expect.any(Number),
    });
    expect(letters[0]?.lastFailedAt).toEqual(expect.any(String));

    const purged = dataField<{ purged: number }>(
      await admin.call('mutation { purgeDeadLetters(kind: "triage-ticket") { kind purged } }'),
      'purgeDeadLetters',
    );
    expect(purged.purged).toBe(1);
    const audit = dataField<{ items: { action: string; actorEmail: string; details: string }[] }>(
      await admin.call(
        '{ auditLog(filter: { action: DEAD_LETTERS_PURGED }) { items { action actorEmail details } } }',
      ),
      'auditLog',
    );
    expect(audit.items).toHaveLength(1);
    expect(JSON.parse(audit.items[0]?.details ?? '{}')).toEqual({ purged: 1 });
    const wrongKind = await admin.call('mutation { purgeDeadLetters(kind: "nope") { purged } }');
    expect(errorOf(wrongKind)?.message).toMatch(/^kind: must be one of/);
  });

  it('reports system health per job kind and the database', async () => {
    const health = dataField<{
      status: string;
      database: { status: string; latencyMs: number };
      queues: { kind: string; depth: number; deadLetters: number; succeededLastHour: number }[];
    }>(
      await ops.call(`{ systemHealth { status checkedAt problems database { status latencyMs message }
        queues { kind description status depth inFlight delayed oldestMessageAgeSeconds deadLetters
          succeededLastHour failedLastHour p95DurationMs problems } } }`),
      'systemHealth',
    );
    expect(health.database.status).toBe('OK');
    expect(health.queues.map((q) => q.kind)).toEqual(JOB_KINDS.map((k) => k.kind));
    for (const queue of health.queues) expect(queue.depth).toBeGreaterThanOrEqual(0);
  });

  it('keeps an audit log of admin actions, filterable and paged, that the app role cannot change', async () => {
    const id = await activeUser('audited@example.com');
    await admin.call('mutation($u: ID!) { setUserRole(userId: $u, role: OPS) { id } }', { u: id });
    const changes = dataField<{
      items: { action: string; targetLabel: string; details: string; actorEmail: string }[];
    }>(
      await admin.call(
        '{ auditLog(filter: { target: "audited@example.com" }) { items { action targetLabel details actorEmail } } }',
      ),
      'auditLog',
    );
    expect(changes.items.map((e) => e.action)).toEqual([
      'USER_ROLE_CHANGED',
      'USER_PASSWORD_SET',
      'USER_CREATED',
    ]);
    expect(JSON.parse(changes.items[0]?.details ?? '{}')).toEqual({ from: 'USER', to: 'OPS' });
    expect(changes.items[0]?.actorEmail).toBe(admin.email);

    const first = dataField<{ items: { id: string }[]; nextToken: string }>(
      await admin.call('{ auditLog(limit: 2) { items { id } nextToken } }'),
      'auditLog',
    );
    const second = dataField<{ items: { id: string }[] }>(
      await admin.call('query($t: String) { auditLog(limit: 2, nextToken: $t) { items { id } } }', {
        t: first.nextToken,
      }),
      'auditLog',
    );
    expect(Number(second.items[0]?.id)).toBeLessThan(Number(first.items[1]?.id));
    const badRange = await admin.call(
      '{ auditLog(filter: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { items { id } } }',
    );
    expect(errorOf(badRange)?.message).toMatch(/^filter.to: /);

    const appSql = postgres(await appDatabaseUrl(api.database, () => {}), { max: 1, onnotice: () => {} });
    try {
      await expect(appSql`update audit_log set action = 'NOTHING'`).rejects.toThrow(/permission denied/);
      await expect(appSql`delete from audit_log`).rejects.toThrow(/permission denied/);
      await expect(appSql`truncate audit_log`).rejects.toThrow(/permission denied/);
      const [row] = await appSql<{ n: number }[]>`select count(*)::int as n from audit_log`;
      expect(row?.n).toBeGreaterThan(0);
    } finally {
      await appSql.end();
    }
  });

  it('records repeated failed logins once per account and hour, not per attempt', async () => {
    await api.user('guessed@example.com');
    for (let i = 0; i < 5; i += 1) await login('guessed@example.com', `wrong guess number ${i}`);
    const entries = dataField<{ items: { action: string; details: string }[] }>(
      await admin.call(
        '{ auditLog(filter: { target: "guessed@example.com" }) { items { action details } } }',
      ),
      'auditLog',
    );
    expect(entries.items.map((e) => e.action)).toEqual(['LOGIN_REPEATED_FAILURES']);
    expect(JSON.parse(entries.items[0]?.details ?? '{}')).toMatchObject({ failures: 5 });
  });

  it('tells the history of a log entry: created, job steps, summary', async () => {
    const entry = dataField<{ id: string }>(
      await user.call('mutation { summarizeLog(raw: "2025-01-01 10:00:00 ERROR db: refused") { id } }'),
      'summarizeLog',
    );
    const history = async () =>
      dataField<{ action: string; actorId: string | null }[]>(
        await user.call('query($id: ID!) { logEntryHistory(id: $id) { at actorId action changes meta } }', {
          id: entry.id,
        }),
        'logEntryHistory',
      );
    const steps = await eventually(history, (h) => h.some((c) => c.action === 'summarized'));
    expect(steps[0]).toMatchObject({ action: 'created', actorId: user.userId });
    expect(steps.map((s) => s.action)).toContain('summarized');
    const other = await hr.call('query($id: ID!) { logEntryHistory(id: $id) { action } }', { id: entry.id });
    expect(errorOf(other)?.errorType).toBe('NotFound');
  });

  /** A job's message as the queue sees it after its last failed delivery: the next receive dead-letters it. */
  async function poison(kind: JobKind, jobId: string, reason: string): Promise<void> {
    const definition = JOB_KINDS.find((k) => k.kind === kind);
    if (!definition) throw new Error(`no kind ${kind}`);
    const { queue: settings } = definition;
    const queue = new LocalQueue(api.database.sql, localQueueDefinitions());
    const body = serializeJobMessage(jobMessageFor({ id: jobId, kind, traceId: null }));
    const { messageId } = await queue.send(settings.name, body, { delaySeconds: 1 });
    await api.database
      .sql`update queue_messages set receive_count = ${settings.maxReceiveCount} where message_id = ${messageId}`;
    await api.database.sql`update jobs set status = 'FAILED', attempts = ${settings.maxReceiveCount},
      last_error = ${reason}, first_failed_at = now(), last_failed_at = now() where id = ${jobId}`;
  }

  async function eventuallyLetters(caller: ApiSession, kind: string) {
    const read = async () =>
      dataField<{ items: Record<string, unknown>[] }>(
        await caller.call(
          'query($k: String) { deadLetters(kind: $k) { items { messageId jobId kind reason receiveCount firstFailedAt lastFailedAt job { status } } } }',
          { k: kind },
        ),
        'deadLetters',
      ).items;
    return eventually(read, (items) => items.length > 0);
  }
});
