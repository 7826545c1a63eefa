/**
 * The audit log: what admins did (users, roles, flags, dead letters) and what the system noticed about
 * accounts (repeated login failures, throttling), as who, when, what. Rows are only ever added: the
 * application's database role cannot change or delete them. Only ADMIN reads it.
 */
import type { Caller } from '../auth/roles.ts';
import { ValidationError } from '../errors.ts';
import { DEFAULT_PAGE_SIZE, type Page } from '../pagination.ts';
import { requireAdmin } from './feature-flags.ts';

export const AUDIT_ACTIONS = [
  'USER_CREATED',
  'USER_ROLE_CHANGED',
  'USER_DISABLED',
  'USER_ENABLED',
  'USER_DELETED',
  'USER_PASSWORD_RESET',
  'USER_PASSWORD_CHANGED',
  'USER_PASSWORD_SET',
  'FLAG_CHANGED',
  'DEAD_LETTERS_REDRIVEN',
  'DEAD_LETTERS_PURGED',
  'LOGIN_REPEATED_FAILURES',
  'LOGIN_THROTTLED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it: a signed-in user; none for what the system records itself. */
export interface Actor {
  id: string;
  email: string;
}

export const actorOf = (caller: Caller): Actor => ({ id: caller.userId, email: caller.email });

export interface NewAuditEntry {
  actor: Actor | null;
  action: AuditAction;
  target: { type: 'user' | 'feature_flag' | 'queue' | 'account'; id: string | null; label: string | null };
  details?: Record<string, unknown>;
  /** An aggregated record is written once per key (e.g. per account and hour). */
  dedupeKey?: string;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  /** One of AUDIT_ACTIONS (a newer version may write others). */
  action: string;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  /** The actor's id or e-mail (case-insensitive). */
  actor: string | null;
  action: AuditAction | null;
  /** The target's id or label (an e-mail, a flag name, a job kind; case-insensitive). */
  target: string | null;
  from: Date | null;
  to: Date | null;
}

/** Newest first; a page continues below the id where the previous one ended. */
export interface AuditPageRequest {
  limit: number;
  beforeId: number | null;
}

export interface AuditLog {
  record(entry: NewAuditEntry): Promise<void>;
  list(filter: AuditFilter, page: AuditPageRequest): Promise<AuditEntry[]>;
}

export function auditPageRequest(limit: number | null | undefined, nextToken: string | null | undefined) {
  return { limit: limit ?? DEFAULT_PAGE_SIZE, beforeId: nextToken ? decodeAuditToken(nextToken) : null };
}

function decodeAuditToken(token: string): number {
  const invalid = new ValidationError('nextToken', 'is not a token returned by this query');
  if (token.length > 64 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid;
  const match = /^audit:(\d{1,18})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const id = match?.[1] ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw invalid;
  return id;
}

const encodeAuditToken = (id: number): string => Buffer.from(`audit:${id}`).toString('base64url');

export async function readAuditLog(
  deps: { audit: Pick<AuditLog, 'list'> },
  input: { caller: Caller; filter: AuditFilter; page: AuditPageRequest },
): Promise<Page<AuditEntry>> {
  requireAdmin(input.caller);
  const { filter, page } = input;
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new ValidationError('filter.to', 'must not be before filter.from');
  }
  const rows = await deps.audit.list(filter, { ...page, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextToken: rows.length > page.limit && last ? encodeAuditToken(last.id) : null };
}
