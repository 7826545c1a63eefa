import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { createChangelog, getChangelog, listChangelogs } from '../../core/use-cases/changelogs.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { limitArg, nextTokenArg, requireCaller, route } from '../route.ts';
import { changelogView } from '../views.ts';

const changelogRequest = z.object({
  commits: z.array(z.string()).nullish(),
  entries: z.array(z.record(z.string(), z.unknown())).nullish(),
  previousVersion: z.string().nullish(),
  releaseAs: z.string().nullish(),
  date: z.string().nullish(),
  repositoryUrl: z.string().nullish(),
  includeOther: z.boolean().nullish(),
  sections: z.array(z.record(z.string(), z.unknown())).nullish(),
  replaceSections: z.boolean().nullish(),
  unknownTypes: z.enum(['OTHER', 'HIDE', 'ERROR']).nullish(),
  otherSection: z.string().nullish(),
  bulletCommits: z.boolean().nullish(),
  highlights: z.boolean().nullish(),
});

/** Every role may read and generate changelogs. */
export function registerChangelogRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'generateChangelog',
    route(
      z.object({ input: changelogRequest, idempotencyKey: z.string().nullish() }),
      async ({ input, idempotencyKey }, event) =>
        changelogView(
          await createChangelog((await deps()).changelogs, {
            caller: requireCaller(event),
            request: input,
            idempotencyKey,
          }),
        ),
    ),
  );
  app.onQuery(
    'changelog',
    route(z.object({ id: z.string() }), async ({ id }, event) => {
      requireCaller(event);
      return changelogView(await getChangelog((await deps()).changelogs, { id }));
    }),
  );
  app.onQuery(
    'changelogs',
    route(z.object({ limit: limitArg, nextToken: nextTokenArg }), async (args, event) => {
      requireCaller(event);
      const page = await listChangelogs((await deps()).changelogs, args);
      return { items: page.items.map(changelogView), nextToken: page.nextToken };
    }),
  );
}
