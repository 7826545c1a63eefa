import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { getUser, login, logout, refreshSession, signup } from '../../core/auth/service.ts';
import { deviceTokenArg } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route } from '../route.ts';

const credentials = z.object({ email: z.string(), password: z.string() });

export function registerAuthRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  // Only e-mail and password are read: a `role` (or anything else) sent with signup is ignored.
  app.onMutation(
    'signup',
    route(credentials, async ({ email, password }) => signup((await deps()).auth, { email, password })),
  );
  app.onMutation(
    'login',
    route(credentials.extend({ deviceToken: deviceTokenArg }), async ({ email, password, deviceToken }) =>
      login((await deps()).auth, { email, password, deviceToken }),
    ),
  );
  app.onMutation(
    'refreshToken',
    route(z.object({ refreshToken: z.string() }), async ({ refreshToken }) =>
      refreshSession((await deps()).auth, { refreshToken }),
    ),
  );
  app.onMutation(
    'logout',
    route(z.object({}), async (_args, event) => {
      await logout((await deps()).auth, { caller: requireCaller(event) });
      return true;
    }),
  );
  app.onQuery(
    'me',
    route(z.object({}), async (_args, event) =>
      getUser((await deps()).auth, { userId: requireCaller(event).userId }),
    ),
  );
}
