/** Operations (OPS and ADMIN read, ADMIN acts): system health, dead letters with reasons, the audit log. */
import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { systemClock } from '../../core/clock.ts';
import { JOB_KIND_NAMES, JOB_KINDS } from '../../core/jobs/registry.ts';
import { AUDIT_ACTIONS, auditPageRequest, readAuditLog } from '../../core/use-cases/audit.ts';
import { actOnDeadLetters, listDeadLetters, systemHealth } from '../../core/use-cases/operations.ts';
import { instantArg, limitArg, nextTokenArg, optionalTextArg } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route } from '../route.ts';
import { auditEntryView, deadLetterView, systemHealthView } from '../views.ts';

/** A job kind of the registry; an unknown one is a ValidationError naming `kind`. */
const kindArg = z.enum(JOB_KIND_NAMES, { error: `must be one of ${JOB_KIND_NAMES.join(', ')}` });

/** A bound of the audit filter; an impossible day (2026-02-30) is refused, not rolled over into March. */
const boundArg = instantArg.nullish().transform((at) => at ?? null);

const optionalText = optionalTextArg(254);

const auditFilterArg = z
  .object({
    actor: optionalText,
    action: z
      .enum(AUDIT_ACTIONS, { error: `must be one of ${AUDIT_ACTIONS.join(', ')}` })
      .nullish()
      .transform((action) => action ?? null),
    target: optionalText,
    from: boundArg,
    to: boundArg,
  })
  .nullish()
  .transform((filter) => filter ?? { actor: null, action: null, target: null, from: null, to: null });

const KINDS = JOB_KINDS.map(({ kind, description }) => ({ kind, description }));

export function registerOperationsRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onQuery(
    'systemHealth',
    route(z.object({}), async (_args, event) => {
      const caller = requireCaller(event);
      // A database that cannot be reached is reported, not thrown: health must answer when things are down.
      const health = await systemHealth(
        { sources: async () => (await deps()).health, now: () => new Date() },
        { caller, kinds: KINDS },
      );
      return systemHealthView(health);
    }),
  );
  app.onQuery(
    'deadLetters',
    route(z.object({ kind: kindArg.nullish(), limit: limitArg }), async ({ kind, limit }, event) => {
      const { queues, jobs } = await deps();
      const letters = await listDeadLetters(
        { deadLetters: queues.deadLetters, jobs },
        { caller: requireCaller(event), kinds: kind ? [kind] : JOB_KIND_NAMES, limit: limit ?? 20 },
      );
      return { items: letters.map(deadLetterView) };
    }),
  );
  for (const [field, action] of [
    ['redriveDeadLetters', 'redrive'],
    ['purgeDeadLetters', 'purge'],
  ] as const) {
    app.onMutation(
      field,
      route(z.object({ kind: kindArg }), async ({ kind }, event) => {
        const { queues, audit, jobs } = await deps();
        const result = await actOnDeadLetters(
          { deadLetters: queues.deadLetters, audit, jobs, clock: systemClock },
          { caller: requireCaller(event), kind, action },
        );
        return { kind, ...result };
      }),
    );
  }
  app.onQuery(
    'auditLog',
    route(
      z.object({ filter: auditFilterArg, limit: limitArg, nextToken: nextTokenArg }),
      async ({ filter, limit, nextToken }, event) => {
        const page = await readAuditLog(await deps(), {
          caller: requireCaller(event),
          filter,
          page: auditPageRequest(limit, nextToken),
        });
        return { items: page.items.map(auditEntryView), nextToken: page.nextToken };
      },
    ),
  );
}
