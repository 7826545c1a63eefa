import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import type { Caller } from '../../core/auth/roles.ts';
import { listUsers, setUserRole } from '../../core/auth/service.ts';
import { systemClock } from '../../core/clock.ts';
import { ForbiddenError } from '../../core/errors.ts';
import { redriveDeadLetters } from '../../core/jobs/redrive.ts';
import { JOB_KIND_NAMES } from '../../core/jobs/registry.ts';
import { limitArg, pageArgs, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { type ResolverEvent, requireCaller, route } from '../route.ts';

/** AppSync already denies these fields to other roles (deniedFields); this is the second lock on the door. */
function requireAdmin(event: ResolverEvent): Caller {
  const caller = requireCaller(event);
  if (caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN may do this');
  return caller;
}

/** A job kind of the registry; an unknown one is a ValidationError naming `kind`. */
const kindArg = z.enum(JOB_KIND_NAMES, { error: `must be one of ${JOB_KIND_NAMES.join(', ')}` });

export function registerAdminRoutes(app: Router, deps: () => Promise<ApiDependencies>) {
  app.onQuery(
    'users',
    route(z.object(pageArgs), async (args, event) => {
      requireAdmin(event);
      return listUsers((await deps()).auth, { page: toPage(args) });
    }),
  );
  app.onMutation(
    'setUserRole',
    route(z.object({ userId: z.string(), role: z.string() }), async ({ userId, role }, event) =>
      setUserRole((await deps()).auth, { caller: requireAdmin(event), userId, role }),
    ),
  );
  app.onQuery(
    'deadLetters',
    route(z.object({ kind: kindArg.nullish(), limit: limitArg }), async ({ kind, limit }, event) => {
      requireAdmin(event);
      const { queues } = await deps();
      const kinds = kind ? [kind] : JOB_KIND_NAMES;
      const pages = await Promise.all(kinds.map((k) => queues.deadLetters.list(k, limit ?? 20)));
      const items = pages.flat().map((letter) => ({
        messageId: letter.messageId,
        kind: letter.kind,
        jobId: letter.jobId,
        body: letter.body,
        receiveCount: letter.receiveCount,
        sentAt: letter.sentAt?.toISOString() ?? null,
      }));
      return { items };
    }),
  );
  app.onMutation(
    'redriveDeadLetters',
    route(z.object({ kind: kindArg }), async ({ kind }, event) => {
      const caller = requireAdmin(event);
      const { queues, jobs } = await deps();
      const result = await redriveDeadLetters(
        { deadLetters: queues.deadLetters, jobs, clock: systemClock },
        { kind, actorId: caller.userId },
      );
      return { kind, moved: result.moved, taskHandle: result.taskHandle, jobsRequeued: result.rearmed };
    }),
  );
}
