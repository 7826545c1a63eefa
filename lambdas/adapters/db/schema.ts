/**
 * The one drizzle schema. `npm run db:generate` (drizzle-kit) turns changes here into SQL under
 * `migrations/`; never edit generated SQL by hand.
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { JOB_STATUSES } from '../../core/jobs/job.ts';
import type { JobKind } from '../../core/jobs/registry.ts';

/** Postgres full-text search vector; only written by Postgres itself (a generated column). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Characters of a ticket body that text search indexes: enough for any description a person writes, bounded
 * so a 256 KB pasted log does not make a huge index entry.
 */
export const SEARCHED_BODY_CHARS = 20_000;

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const roleEnum = pgEnum('role', ['ADMIN', 'OPS', 'HR', 'USER']);
export const jobStatusEnum = pgEnum('job_status', JOB_STATUSES);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-cased; uniqueness is on this column. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: roleEnum('role').notNull().default('USER'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    lastLoginAt: tstz('last_login_at'),
    /** Null while an invited user has not chosen a password yet (createUser). */
    passwordSetAt: tstz('password_set_at').defaultNow(),
    /** Set while an admin has the account disabled: no login, no session. */
    disabledAt: tstz('disabled_at'),
    /** Set when the account was deleted and its row kept as a tombstone (see docs/operations.md). */
    deletedAt: tstz('deleted_at'),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), index('users_role_idx').on(t.role)],
);

/**
 * One-time tokens that let a user choose a password: an invite (createUser) or a reset (resetPassword).
 * Only the SHA-256 of a token is stored; a token works once, before it expires.
 */
export const passwordTokens = pgTable(
  'password_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<'INVITE' | 'RESET'>().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    /** Set when a newer token for the same user replaced this one before it was used. */
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    uniqueIndex('password_tokens_hash_key').on(t.tokenHash),
    index('password_tokens_user_idx').on(t.userId),
  ],
);

/**
 * What admins did and what the system noticed about accounts: who, when, what. Append-only: the application's
 * database role may insert and read rows, never change or delete them (migration 0006_app_role).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: tstz('at').notNull().defaultNow(),
    /** Null for what the system records itself (repeated login failures). No foreign key: rows outlive users. */
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    /** `user`, `feature_flag`, `queue`, `account` (a login e-mail, whether or not an account has it). */
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    /** A readable name of the target: an e-mail, a flag name, a job kind. */
    targetLabel: text('target_label'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** Aggregated records (repeated login failures) are written once per key. */
    dedupeKey: text('dedupe_key'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at, t.id),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_target_idx').on(t.targetId, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
    uniqueIndex('audit_log_dedupe_key').on(t.dedupeKey),
  ],
);

/** Failed logins per account and hour, so the audit log gets one aggregated record instead of one per try. */
export const loginFailureWindows = pgTable(
  'login_failure_windows',
  {
    key: text('key').notNull(),
    windowStart: tstz('window_start').notNull(),
    failures: integer('failures').notNull().default(0),
    throttled: integer('throttled').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/** A login session: the family of rotated refresh tokens. Revoking it ends every token of the family. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_session_idx').on(t.sessionId),
  ],
);

/** Failed-login backoff, keyed by a hash of the e-mail so unknown and known accounts behave alike. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: tstz('locked_until'),
  lastFailureAt: tstz('last_failure_at'),
});

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<JobKind>().notNull(),
    status: jobStatusEnum('status').notNull().default('QUEUED'),
    /** The record the job works on (log entry, ticket, ...). */
    subjectId: uuid('subject_id'),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    traceId: text('trace_id'),
    model: text('model'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    /** Set once the queue accepted the message; null means the reconciler must send it. */
    enqueuedAt: tstz('enqueued_at'),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    /** The first and the latest failed attempt (dead letters show both). */
    firstFailedAt: tstz('first_failed_at'),
    lastFailedAt: tstz('last_failed_at'),
  },
  (t) => [
    index('jobs_unsent_idx').on(t.createdAt).where(sql`${t.enqueuedAt} is null and ${t.status} = 'QUEUED'`),
    index('jobs_subject_idx').on(t.subjectId),
    index('jobs_finished_idx').on(t.kind, t.finishedAt),
    index('jobs_waiting_idx').on(t.kind, t.enqueuedAt).where(sql`${t.status} = 'QUEUED'`),
  ],
);

/**
 * The local queue (SQS semantics on Postgres). Only `npm start` and tests use it; on AWS, SQS is the queue.
 * A dead-lettered message moves to the queue named by the redrive policy, keeping its id and receive count.
 */
export const queueMessages = pgTable(
  'queue_messages',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    messageId: uuid('message_id').notNull().defaultRandom(),
    queueName: text('queue_name').notNull(),
    body: text('body').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    sentAt: tstz('sent_at').notNull().defaultNow(),
    visibleAt: tstz('visible_at').notNull().defaultNow(),
    receiveCount: integer('receive_count').notNull().default(0),
    firstReceivedAt: tstz('first_received_at'),
    receiptHandle: text('receipt_handle'),
    deadLetteredFrom: text('dead_lettered_from'),
  },
  (t) => [
    index('queue_messages_ready_idx').on(t.queueName, t.visibleAt),
    uniqueIndex('queue_messages_message_id_key').on(t.messageId),
  ],
);

/**
 * First result of a create mutation per (user, operation, key): a repeat of the same request returns it and creates
 * nothing; a different request under the key is refused.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    ownerId: uuid('owner_id').notNull(),
    operation: text('operation').notNull(),
    key: text('key').notNull(),
    resourceId: uuid('resource_id').notNull(),
    /** SHA-256 of the request the key was first used for; null for keys stored before migration 0011. */
    requestFingerprint: text('request_fingerprint'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.operation, t.key] })],
);

/** Every change to a user-visible record: who, when, what (before/after), for history and point-in-time reads. */
export const changeEvents = pgTable(
  'change_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    action: text('action').notNull(),
    actorId: uuid('actor_id'),
    at: tstz('at').notNull().defaultNow(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull().default({}),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    meta: jsonb('meta').$type<Record<string, unknown>>(),
  },
  (t) => [index('change_events_entity_idx').on(t.entityType, t.entityId, t.at)],
);

/** A submitted log and, once the summarizer ran, its summary. `raw` is stored after PII redaction. */
export const logEntries = pgTable(
  'log_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The summarize job; the entry's status is the job's. */
    jobId: uuid('job_id').notNull(),
    /** The redacted text; empty for an uploaded log, which is read from `objectKey`. */
    raw: text('raw').notNull(),
    /**
     * Where an uploaded log lies (createLogUpload): the S3 key in the uploads bucket, or the same path under
     * the local data dir. Null for a log submitted inline.
     */
    objectKey: text('object_key'),
    format: text('format'),
    /** The service or file the log came from (trimmed, lower-cased); its summaries compare with the previous one. */
    source: text('source'),
    /** The earlier entry of the same source the summary was compared with. */
    baselineEntryId: uuid('baseline_entry_id'),
    sizeBytes: integer('size_bytes').notNull(),
    lineCount: integer('line_count').notNull(),
    redactions: jsonb('redactions').$type<Record<string, number>>().notNull().default({}),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    summaryText: text('summary_text'),
    templates: jsonb('templates').$type<unknown[]>(),
    generatedBy: text('generated_by'),
    error: text('error'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    summarizedAt: tstz('summarized_at'),
  },
  (t) => [
    index('log_entries_owner_idx').on(t.ownerId, t.createdAt, t.id),
    index('log_entries_created_idx').on(t.createdAt, t.id),
    index('log_entries_source_idx').on(t.source, t.createdAt, t.id).where(sql`${t.source} is not null`),
  ],
);

export const ticketStatusEnum = pgEnum('ticket_status', ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']);

/** A ticket; `triage` holds the classifier's (and later the model's) answer, `correction` a human's. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** Project or repository (e.g. `microsoft/vscode`), trimmed and lower-cased; null when not given. */
    project: text('project'),
    status: ticketStatusEnum('status').notNull().default('OPEN'),
    version: integer('version').notNull().default(1),
    /** The latest triage job; the triage status is the job's. */
    jobId: uuid('job_id').notNull(),
    category: text('category'),
    priority: text('priority'),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    /** The team or queue a served model with a `team` output routed the ticket to (or a person chose). */
    team: text('team'),
    /** Set when someone marked this ticket a duplicate of another. */
    duplicateOf: uuid('duplicate_of').references((): AnyPgColumn => tickets.id, { onDelete: 'set null' }),
    /**
     * The ticket's similarity fingerprint (core/tickets/similarity.ts), written by the triage worker: term
     * hashes as signed 32-bit integers and their L2-normalised weights, so Postgres scores candidates itself.
     */
    similarityTerms: integer('similarity_terms').array(),
    similarityWeights: real('similarity_weights').array(),
    /**
     * Title (weight A) and the opening of the body (weight B), for `tickets(filter: { text })`, plus the words
     * of both split the way a search is (`textSearchWords`: letters and digits, anything else separates).
     * Postgres' parser keeps `Node.js`, `v2.14`, `user@host.com` and `/api/checkout` as one lexeme each, so
     * without the split lexemes a search for `js` or `checkout` (or `Node.js`, searched as `node` and `js`)
     * found nothing. The same words are also indexed joined (`Node.js` as `nodejs`, `e-mail` as `email`,
     * `log-in` as `login`), since people search either spelling. These extra lexemes are stripped of
     * positions: only `@@` reads them, and they stay small.
     */
    search: tsvector('search').generatedAlwaysAs((): SQL => {
      const body = sql`left(${tickets.body}, ${sql.raw(String(SEARCHED_BODY_CHARS))})`;
      const text = sql`${tickets.title} || ' ' || ${body}`;
      const split = sql`regexp_replace(${text}, '[^[:alnum:]]+', ' ', 'g')`;
      const joined = sql`regexp_replace(${text}, '([[:alnum:]])[.-]+(?=[[:alnum:]])', '\\1', 'g')`;
      return sql`setweight(to_tsvector('english', ${tickets.title}), 'A') || setweight(to_tsvector('english', ${body}), 'B') || strip(to_tsvector('english', ${split} || ' ' || ${joined}))`;
    }),
    confidence: integer('confidence_permille'),
    triage: jsonb('triage').$type<Record<string, unknown>>(),
    correction: jsonb('correction').$type<Record<string, unknown>>(),
    redactions: jsonb('redactions').$type<Record<string, number>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('tickets_owner_idx').on(t.ownerId, t.createdAt, t.id),
    index('tickets_created_idx').on(t.createdAt, t.id),
    index('tickets_status_idx').on(t.status),
    index('tickets_category_idx').on(t.category),
    index('tickets_project_idx').on(t.project),
    index('tickets_team_idx').on(sql`lower(${t.team})`),
    index('tickets_duplicate_of_idx').on(t.duplicateOf),
    index('tickets_similarity_idx').using('gin', t.similarityTerms),
    index('tickets_search_idx').using('gin', t.search),
  ],
);

export const changelogs = pgTable(
  'changelogs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    version: text('version'),
    previousVersion: text('previous_version'),
    releaseDate: text('release_date').notNull(),
    bump: text('bump').notNull(),
    sections: jsonb('sections').$type<unknown[]>().notNull(),
    markdown: text('markdown').notNull(),
    entryCount: integer('entry_count').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('changelogs_created_idx').on(t.createdAt, t.id)],
);

/** Feature flags (e.g. `llm.summary`): on for a share of users, optionally only some roles. Changes go to change_events. */
export const featureFlags = pgTable(
  'feature_flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(false),
    rolloutPercent: integer('rollout_percent').notNull().default(100),
    /** Roles the flag applies to; empty means every role. */
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('feature_flags_name_key').on(t.name)],
);
