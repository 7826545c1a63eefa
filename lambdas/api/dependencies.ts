/**
 * Everything the resolver Lambda needs, built once per container from validated configuration. The database
 * connection opens lazily so a cold start that cannot reach the database recovers on the next invocation.
 */
import { createAuthDependencies } from '../adapters/auth-dependencies.ts';
import { createChangelogRepo } from '../adapters/db/changelog-repo.ts';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { createTicketRepo } from '../adapters/db/ticket-repo.ts';
import { keyProviderFromConfig } from '../adapters/keys/from-config.ts';
import { llmAccess, llmSetupFromEnv } from '../adapters/llm/llm-from-config.ts';
import { type QueueAdapters, queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
import type { AuthDeps } from '../core/auth/service.ts';
import { llmHighlights, type WriteHighlights } from '../core/llm/changelog-highlights.ts';
import { assertFormat } from '../core/logs/header.ts';
import { type TicketClassifier, validateTicketInput } from '../core/tickets/index.ts';
import type { ChangelogRepo } from '../core/use-cases/changelogs.ts';
import type { FeatureFlagRepo, FlagEvaluator } from '../core/use-cases/feature-flags.ts';
import type { SubmitLogDeps } from '../core/use-cases/log-entries.ts';
import type { CreateTicketDeps } from '../core/use-cases/tickets.ts';
import {
  authConfigSchema,
  databaseConfigSchema,
  parseConfig,
  queueConfigSchema,
  ticketTriageConfigSchema,
} from '../shared/config.ts';
import { logger, metrics } from '../shared/observability.ts';
import { loadTicketClassifier } from '../triage/local-classifier.ts';

export interface ApiDependencies {
  auth: AuthDeps;
  queues: QueueAdapters;
  database: DatabaseConnection;
  logs: SubmitLogDeps;
  changelogs: { changelogs: ChangelogRepo; highlights: WriteHighlights };
  flags: { flags: FeatureFlagRepo; evaluator: FlagEvaluator };
  tickets: CreateTicketDeps & { knownCategory: (name: string) => string };
}

type Env = Record<string, string | undefined>;

export function apiDependencyFactory(env: Env): () => Promise<ApiDependencies> {
  const authConfig = parseConfig(authConfigSchema, env, 'auth');
  const queueConfig = parseConfig(queueConfigSchema, env, 'queue');
  const database = lazyDatabase(parseConfig(databaseConfigSchema, env, 'database'));
  const keys = keyProviderFromConfig(authConfig, {
    onStale: (error) => logger.warn('JWT key set refresh failed; using the cached one', { error }),
  });
  const llm = llmSetupFromEnv(env, { metrics, log: logger });
  const ticketConfig = parseConfig(ticketTriageConfigSchema, env, 'ticket triage');
  let ready: ApiDependencies | undefined;
  // Loaded on first use: only corrections need the model's category set.
  let classifier: TicketClassifier | undefined;
  return async () => {
    if (ready) return ready;
    const connection = await database();
    const queues = queueAdaptersFromConfig(queueConfig, connection.sql);
    const flags = createFeatureFlagRepo(connection.db);
    const { access, evaluator } = llmAccess(llm, flags);
    ready = {
      auth: createAuthDependencies({ db: connection.db, config: authConfig, keys, metrics }),
      queues,
      database: connection,
      logs: {
        logEntries: createLogEntryRepo(connection.db),
        jobs: createJobRepo(connection.db),
        queue: queues.jobQueue,
        checkFormat: assertFormat,
        log: logger,
      },
      changelogs: {
        changelogs: createChangelogRepo(connection.db),
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
        validate: validateTicketInput,
        knownCategory: (name) => {
          classifier ??= loadTicketClassifier(ticketConfig.TICKET_MODEL_PATH);
          const [canonical] = classifier.resolveCategories([name], 'category').names.keys();
          return canonical ?? name;
        },
        log: logger,
      },
    };
    return ready;
  };
}
