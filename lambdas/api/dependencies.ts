/**
 * Everything the resolver needs, built once per container from its configuration object. The database
 * connection opens lazily so a cold start that cannot reach the database recovers on the next invocation.
 */
import { createAuthDependencies } from '../adapters/auth-dependencies.ts';
import { createAuditLog } from '../adapters/db/audit-repo.ts';
import { createChangelogRepo } from '../adapters/db/changelog-repo.ts';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { createJobStats, probeDatabase } from '../adapters/db/job-stats.ts';
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { createTicketRepo } from '../adapters/db/ticket-repo.ts';
import { createUserAdminRepo } from '../adapters/db/user-admin-repo.ts';
import { keyProviderFromConfig } from '../adapters/keys/from-config.ts';
import { llmAccess, llmSetup } from '../adapters/llm/llm-from-config.ts';
import { type QueueAdapters, queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
import { uploadTargetFromConfig } from '../adapters/storage/uploads-from-config.ts';
import type { BcryptCompute } from '../core/auth/password.ts';
import type { AuthDeps } from '../core/auth/service.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { RedactLogElsewhere, SubmitLogDeps } from '../core/jobs/kinds/summarize-log/accept.ts';
import type { LogUploadTarget } from '../core/jobs/kinds/summarize-log/upload.ts';
import type { CreateTicketDeps } from '../core/jobs/kinds/triage-ticket/accept.ts';
import type { JobLookup, JobRepo } from '../core/jobs/ports.ts';
import { llmHighlights } from '../core/llm/changelog-highlights.ts';
import type { AuditLog } from '../core/use-cases/audit.ts';
import type { ChangelogRepo, WriteHighlights } from '../core/use-cases/changelogs.ts';
import type { FeatureFlagRepo, FlagEvaluator } from '../core/use-cases/feature-flags.ts';
import type { LogEntryRepo } from '../core/use-cases/log-entries.ts';
import type { HealthSources } from '../core/use-cases/operations.ts';
import type { TicketRepo } from '../core/use-cases/tickets.ts';
import type { UserAdminRepo } from '../core/use-cases/users.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import { logger, metrics } from '../shared/observability.ts';

export interface ApiDependencies {
  auth: AuthDeps;
  /** User administration; the audit log is written by its transactions. */
  admin: UserAdminRepo;
  audit: AuditLog;
  queues: QueueAdapters;
  /** Jobs by id, for the reasons of dead letters, and to re-arm the jobs of redriven letters. */
  jobs: JobLookup & Pick<JobRepo, 'rearm'>;
  health: HealthSources;
  database: DatabaseConnection;
  logs: SubmitLogDeps & { logEntries: LogEntryRepo; uploads: LogUploadTarget };
  changelogs: { changelogs: ChangelogRepo; clock: Clock; highlights: WriteHighlights };
  flags: { flags: FeatureFlagRepo; evaluator: FlagEvaluator };
  tickets: CreateTicketDeps & { tickets: TicketRepo; categories: readonly string[]; clock: Clock };
}

const { database, auth, queue, llm, correction, redaction, uploads } = CONFIG_SECTIONS;
const RESOLVER_CONFIG = { database, auth, queue, llm, correction, redaction, uploads };

/** The resolver's configuration object: the AWS entry reads it from the environment, the local runtime builds it. */
export type ResolverConfig = ConfigOf<typeof RESOLVER_CONFIG>;

/** Read once per container; a bad or missing value fails the cold start naming the variable. */
export const resolverConfigFromEnv = (env: Record<string, string | undefined>): ResolverConfig =>
  configFromEnv(RESOLVER_CONFIG, env);

/**
 * What a host may put in place of the container's defaults. The local server, one thread for every request,
 * runs bcrypt on worker threads and redacts a pasted log on a thread of its own (`SubmitLogDeps.redact`), or
 * pauses its redaction between slices (`SubmitLogDeps.pause`).
 */
export interface ResolverHost {
  bcrypt?: BcryptCompute;
  pause?: () => Promise<void>;
  redact?: RedactLogElsewhere;
}

/**
 * Everything the resolver needs, built on first use: the database opens lazily, again after a failure, and
 * afresh after an idle time longer than the server keeps sessions (lazyDatabase).
 */
export function apiDependencyFactory(
  config: ResolverConfig,
  host: ResolverHost = {},
): () => Promise<ApiDependencies> {
  const authConfig = config.auth;
  const queueConfig = config.queue;
  const database = lazyDatabase(config.database);
  const keys = keyProviderFromConfig(authConfig, {
    onStale: (error) => logger.warn('JWT key set refresh failed; using the cached one', { error }),
  });
  const llm = llmSetup(config.llm, { metrics, log: logger });
  const { TICKET_CATEGORIES } = config.correction;
  const uploads = uploadTargetFromConfig(config.uploads);
  let ready: ApiDependencies | undefined;
  return async () => {
    const connection = await database();
    // A different connection (the old one idled out) gets repositories of its own.
    if (ready?.database === connection) return ready;
    const queues = queueAdaptersFromConfig(queueConfig, connection.sql);
    const flags = createFeatureFlagRepo(connection.db);
    const { access, evaluator } = llmAccess(llm, flags);
    const jobs = createJobRepo(connection.db);
    ready = {
      auth: createAuthDependencies({
        db: connection.db,
        config: authConfig,
        keys,
        metrics,
        log: logger,
        ...(host.bcrypt ? { bcrypt: host.bcrypt } : {}),
      }),
      admin: createUserAdminRepo(connection.db),
      audit: createAuditLog(connection.db),
      queues,
      jobs,
      health: {
        queues: queues.stats,
        jobs: createJobStats(connection.db),
        probeDatabase: () => probeDatabase(connection.sql),
      },
      database: connection,
      logs: {
        logEntries: createLogEntryRepo(connection.db),
        jobs: createJobRepo(connection.db),
        queue: queues.jobQueue,
        log: logger,
        network: config.redaction.NETWORK_REDACTION,
        uploads,
        ...(host.pause ? { pause: host.pause } : {}),
        ...(host.redact ? { redact: host.redact } : {}),
      },
      changelogs: {
        changelogs: createChangelogRepo(connection.db),
        clock: systemClock,
        // Written inside the request: AppSync waits 30 s, so one short call (see docs/llm.md).
        highlights: llmHighlights(access, {
          maxAnswerTokens: llm.config.LLM_MAX_ANSWER_TOKENS,
          jobTokenBudget: llm.config.LLM_JOB_TOKEN_BUDGET,
          maxEntries: 200,
        }),
      },
      flags: { flags, evaluator },
      tickets: {
        tickets: createTicketRepo(connection.db),
        jobs: createJobRepo(connection.db),
        queue: queues.jobQueue,
        categories: TICKET_CATEGORIES,
        clock: systemClock,
        log: logger,
        network: config.redaction.NETWORK_REDACTION,
      },
    };
    return ready;
  };
}
