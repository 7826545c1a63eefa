import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { JOB_STATUSES } from '../../core/jobs/job.ts';
import { submitLog } from '../../core/jobs/kinds/summarize-log/accept.ts';
import {
  assertUploadSize,
  createLogUpload,
  uploadFilename,
} from '../../core/jobs/kinds/summarize-log/upload.ts';
import { assertFormat } from '../../core/logs/header.ts';
import { rawLogProblem } from '../../core/logs/summarize-log.ts';
import {
  getLogEntry,
  listLogEntries,
  logEntryHistory,
  MAX_SOURCE_CHARS,
  normalisedSource,
} from '../../core/use-cases/log-entries.ts';
import { checkedBy, idArg, idempotencyKeyArg, pageArgs, ruledBy, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route, traceIdOf } from '../route.ts';
import {
  changeView,
  jsonBytes,
  logEntryColumns,
  logEntryView,
  logSummaryView,
  selectedIn,
  summaryColumns,
} from '../views.ts';

/** The longest explicit header format accepted (a Loghub format is a line of placeholders). */
export const MAX_FORMAT_LENGTH = 500;

/** What summarizeLog and createLogUpload share: the header format, the source, the idempotency key. */
const logOptionArgs = {
  /** An explicit Loghub-style header format; empty means "detect it". */
  format: z
    .string()
    .max(MAX_FORMAT_LENGTH, `must be a Loghub-style format of at most ${MAX_FORMAT_LENGTH} characters`)
    .superRefine(checkedBy(assertFormat))
    .or(z.literal(''))
    .nullish()
    .transform((format) => format || null),
  /** The service or file the log came from: its summary says what changed since the previous one. */
  source: z
    .string()
    .max(MAX_SOURCE_CHARS, `must be at most ${MAX_SOURCE_CHARS} characters`)
    .superRefine(checkedBy(normalisedSource))
    .nullish()
    .transform((source) => normalisedSource(source)),
  idempotencyKey: idempotencyKeyArg,
};

const submitArgs = z.object({
  /** Up to 5 MB of text that is not binary and not empty (DESIGN §7). */
  raw: z.string().superRefine(ruledBy((raw: string) => rawLogProblem(raw))),
  ...logOptionArgs,
});

const uploadArgs = z.object({
  filename: z.string().superRefine(checkedBy(uploadFilename)),
  size: z.number().superRefine(checkedBy(assertUploadSize)),
  ...logOptionArgs,
});

export function registerLogRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'summarizeLog',
    route(submitArgs, async (args, event) => {
      const caller = requireCaller(event);
      const entry = await submitLog((await deps()).logs, caller, { ...args, traceId: traceIdOf(event) });
      return logEntryView(entry, caller, selectedIn(event.info.selectionSetList));
    }),
  );
  app.onMutation(
    'createLogUpload',
    route(uploadArgs, async (args, event) => {
      const caller = requireCaller(event);
      const { entry, upload } = await createLogUpload((await deps()).logs, caller, {
        ...args,
        traceId: traceIdOf(event),
      });
      return {
        entry: logEntryView(entry, caller),
        uploadUrl: upload.url,
        uploadHeaders: upload.headers,
        expiresAt: upload.expiresAt.toISOString(),
      };
    }),
  );
  app.onQuery(
    'logEntry',
    route(z.object({ id: idArg }), async ({ id }, event) => {
      const caller = requireCaller(event);
      const selected = selectedIn(event.info.selectionSetList);
      const columns = logEntryColumns(caller, selected);
      const entry = await getLogEntry((await deps()).logs, { caller, id, columns });
      return logEntryView(entry, caller, selected);
    }),
  );
  app.onQuery(
    'logEntries',
    route(z.object({ ...pageArgs, status: z.enum(JOB_STATUSES).nullish() }), async (args, event) => {
      const caller = requireCaller(event);
      const selected = selectedIn(event.info.selectionSetList, 'items');
      return listLogEntries((await deps()).logs, {
        caller,
        page: toPage(args),
        status: args.status ?? null,
        columns: logEntryColumns(caller, selected),
        view: (entry) => logEntryView(entry, caller, selected),
        sizeOf: jsonBytes,
      });
    }),
  );
  app.onQuery(
    'logSummary',
    route(z.object({ id: idArg }), async ({ id }, event) => {
      const caller = requireCaller(event);
      const selected = selectedIn(event.info.selectionSetList);
      const columns = summaryColumns(caller, selected);
      const entry = await getLogEntry((await deps()).logs, { caller, id, columns });
      return logSummaryView(entry, caller, selected);
    }),
  );
  app.onQuery(
    'logEntryHistory',
    route(z.object({ id: idArg }), async ({ id }, event) =>
      (await logEntryHistory((await deps()).logs, { caller: requireCaller(event), id })).map(changeView),
    ),
  );
}
