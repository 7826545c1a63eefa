import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { listFeatureFlags, setFeatureFlag } from '../../core/use-cases/feature-flags.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route } from '../route.ts';
import { featureFlagView } from '../views.ts';

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
    route(
      z.object({
        name: z.string().max(64),
        enabled: z.boolean(),
        rolloutPercent: z.number().int().nullish(),
        roles: z.array(z.string()).max(4).nullish(),
      }),
      async ({ name, enabled, rolloutPercent, roles }, event) => {
        const { flags } = await deps();
        const flag = await setFeatureFlag(
          { flags: flags.flags, onChange: () => flags.evaluator.invalidate() },
          { caller: requireCaller(event), name, enabled, rolloutPercent, roles },
        );
        return featureFlagView(flag);
      },
    ),
  );
}
