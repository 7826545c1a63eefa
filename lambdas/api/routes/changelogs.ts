import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { createChangelog, getChangelog, listChangelogs } from '../../core/use-cases/changelogs.ts';
import { idArg, idempotencyKeyArg, pageArgs, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route } from '../route.ts';
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

/** The request's shape here; the generator's own rules (`parseChangelogInput`) run once, in the use case. */
const generateArgs = z
  .object({ input: changelogRequest, idempotencyKey: idempotencyKeyArg })
  .transform(({ input: { highlights, ...request }, idempotencyKey }) => ({
    request,
    highlights: highlights ?? false,
    idempotencyKey,
  }));

/** Every role may read and generate changelogs. */
export function registerChangelogRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'generateChangelog',
    route(generateArgs, async (args, event) =>
      changelogView(
        await createChangelog((await deps()).changelogs, { caller: requireCaller(event), ...args }),
      ),
    ),
  );
  app.onQuery(
    'changelog',
    route(z.object({ id: idArg }), async ({ id }, event) => {
      requireCaller(event);
      return changelogView(await getChangelog((await deps()).changelogs, { id }));
    }),
  );
  app.onQuery(
    'changelogs',
    route(z.object(pageArgs), async (args, event) => {
      requireCaller(event);
      const page = await listChangelogs((await deps()).changelogs, { page: toPage(args) });
      return { items: page.items.map(changelogView), nextToken: page.nextToken };
    }),
  );
}
