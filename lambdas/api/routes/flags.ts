import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { ROLES } from '../../core/auth/roles.ts';
import {
  FLAG_NAME,
  flagListing,
  listFeatureFlags,
  setFeatureFlag,
} from '../../core/use-cases/feature-flags.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route } from '../route.ts';
import { featureFlagView } from '../views.ts';

const flagArgs = z.object({
  name: z.string().regex(FLAG_NAME, 'must be 1-64 lower-case letters, digits and . _ - (e.g. llm.summary)'),
  enabled: z.boolean(),
  rolloutPercent: z
    .number()
    .int('must be an integer from 0 to 100')
    .min(0, 'must be an integer from 0 to 100')
    .max(100, 'must be an integer from 0 to 100')
    .nullish()
    .transform((percent) => percent ?? 100),
  roles: z
    .array(z.enum(ROLES, { error: `must be a list of ${ROLES.join(', ')}` }))
    .max(ROLES.length)
    .nullish()
    .transform((roles) => roles ?? []),
});

/** Admin only: AppSync denies setFeatureFlag to other roles; the use cases check the role again. */
export function registerFlagRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onQuery(
    'featureFlags',
    route(z.object({}), async (_args, event) => {
      const flags = await listFeatureFlags((await deps()).flags, { caller: requireCaller(event) });
      return flags.map(featureFlagView);
    }),
  );
  app.onMutation(
    'setFeatureFlag',
    route(flagArgs, async (flag, event) => {
      const { flags } = await deps();
      const updated = await setFeatureFlag(
        { flags: flags.flags, onChange: () => flags.evaluator.invalidate() },
        { caller: requireCaller(event), flag },
      );
      return featureFlagView(flagListing(updated.name, updated));
    }),
  );
}
