/** The summarizer worker: summarize-log jobs from its queue → template mining → summary stored on the entry. */
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { JOB_KINDS } from '../core/jobs/job.ts';
import { summarizeLogEntry } from '../core/use-cases/log-entries.ts';
import { createWorkerHandler } from '../shared/worker-runtime.ts';
import { localSummarizer } from './local-summarizer.ts';

export const handler = await createWorkerHandler(JOB_KINDS.summarizeLog, process.env, (connection) => {
  const logEntries = createLogEntryRepo(connection.db);
  return (job) => summarizeLogEntry({ logEntries, summarize: localSummarizer }, job);
});
