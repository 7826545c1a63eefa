/**
 * Failed and throttled logins in the audit log, aggregated: the failures of each account are counted per
 * hour (login_failure_windows), and an audit entry is written when the count reaches 5, 50, 500 … failures,
 * or 1, 50, 500 … refusals while throttled, at most once each per account and hour (the dedupe key).
 * Per-attempt counts stay in the metrics (LoginFailures, LoginThrottles).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AuthEvents, LoginAccount } from '../../core/auth/ports.ts';
import { describeError } from '../../core/errors.ts';
import type { WarningLog } from '../../core/jobs/ports.ts';
import { insertAudit } from './audit-repo.ts';
import type { Database } from './client.ts';
import { loginFailureWindows } from './schema.ts';

/** Counts at which an account's hour gets an audit entry. */
export const FAILURE_MILESTONES = [5, 50, 500, 5000];
export const THROTTLE_MILESTONES = [1, 50, 500, 5000];

const windowKey = (email: string) => createHash('sha256').update(`login-window:${email}`).digest('hex');

type Reason = Parameters<AuthEvents['loginFailed']>[0];

async function countAttempt(db: Database, key: string, reason: Reason) {
  const locked = reason === 'locked' ? 1 : 0;
  const [row] = await db
    .insert(loginFailureWindows)
    .values({ key, windowStart: sql`date_trunc('hour', now())`, failures: 1 - locked, throttled: locked })
    .onConflictDoUpdate({
      target: [loginFailureWindows.key, loginFailureWindows.windowStart],
      set: {
        failures: sql`${loginFailureWindows.failures} + ${1 - locked}`,
        throttled: sql`${loginFailureWindows.throttled} + ${locked}`,
      },
    })
    .returning({
      failures: loginFailureWindows.failures,
      throttled: loginFailureWindows.throttled,
      windowStart: loginFailureWindows.windowStart,
    });
  return row;
}

async function recordLoginEvent(db: Database, reason: Reason, account: LoginAccount): Promise<void> {
  const key = windowKey(account.email);
  const row = await countAttempt(db, key, reason);
  if (!row) return;
  const count = reason === 'locked' ? row.throttled : row.failures;
  if (row.failures + row.throttled === 1) {
    // A new window: forget the ones nobody needs any more (the audit log keeps what mattered).
    await db
      .delete(loginFailureWindows)
      .where(sql`${loginFailureWindows.windowStart} < now() - interval '2 days'`);
  }
  const milestones = reason === 'locked' ? THROTTLE_MILESTONES : FAILURE_MILESTONES;
  if (!milestones.includes(count)) return;
  const action = reason === 'locked' ? 'LOGIN_THROTTLED' : 'LOGIN_REPEATED_FAILURES';
  const window = row.windowStart.toISOString();
  await insertAudit(db, {
    actor: null,
    action,
    target: { type: 'account', id: account.userId, label: account.email },
    details:
      reason === 'locked'
        ? { refusedWhileThrottled: count, hourFrom: window }
        : { failures: count, hourFrom: window },
    dedupeKey: `${action}:${key}:${window}:${count}`,
  });
}

/** The audit half of the auth events; a failure to record is logged, never thrown into the login. */
export function loginAuditEvents(db: Database, log: WarningLog): Pick<AuthEvents, 'loginFailed'> {
  return {
    async loginFailed(reason, account) {
      if (!account) return;
      try {
        await recordLoginEvent(db, reason, account);
      } catch (error: unknown) {
        log.warn('Could not record a failed login in the audit log', { error: describeError(error) });
      }
    },
  };
}
