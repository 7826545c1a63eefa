import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { USER_STATUSES } from '../../core/auth/ports.ts';
import { type Caller, ROLES } from '../../core/auth/roles.ts';
import { setUserRole } from '../../core/auth/service.ts';
import { ForbiddenError } from '../../core/errors.ts';
import {
  changePassword,
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  listUsers,
  resetPassword,
  setPasswordWithToken,
} from '../../core/use-cases/users.ts';
import { idArg, idempotencyKeyArg, optionalTextArg, pageArgs, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { type ResolverEvent, requireCaller, route } from '../route.ts';

/** AppSync already denies these fields to other roles (deniedFields); this is the second lock on the door. */
export function requireAdmin(event: ResolverEvent): Caller {
  const caller = requireCaller(event);
  if (caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN may do this');
  return caller;
}

const roleArg = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

const userFilterArg = z
  .object({
    role: roleArg.nullish().transform((role) => role ?? null),
    status: z
      .enum(USER_STATUSES, { error: `must be one of ${USER_STATUSES.join(', ')}` })
      .nullish()
      .transform((status) => status ?? null),
    email: optionalTextArg(254),
  })
  .nullish()
  .transform((filter) => filter ?? { role: null, status: null, email: null });

const reasonArg = optionalTextArg(500);

/** Passwords are checked by the policy (core/auth/password.ts), which names the field. */
const secret = z.string().max(4096, 'is too long');

/** The account (ADMIN) and one's own password (everyone) operations. */
export function registerAdminRoutes(app: Router, deps: () => Promise<ApiDependencies>) {
  const admin = async () => {
    const d = await deps();
    return { admin: d.admin, clock: d.auth.clock, passwords: d.auth.passwords };
  };
  app.onQuery(
    'users',
    route(z.object({ filter: userFilterArg, ...pageArgs }), async (args, event) =>
      listUsers(await admin(), { caller: requireAdmin(event), filter: args.filter, page: toPage(args) }),
    ),
  );
  app.onMutation(
    'setUserRole',
    route(z.object({ userId: z.string(), role: z.string() }), async ({ userId, role }, event) =>
      setUserRole((await deps()).auth, { caller: requireAdmin(event), userId, role }),
    ),
  );
  app.onMutation(
    'createUser',
    route(
      z.object({ email: z.string(), role: roleArg, idempotencyKey: idempotencyKeyArg }),
      async (args, event) => createUser(await admin(), { caller: requireAdmin(event), ...args }),
    ),
  );
  app.onMutation(
    'disableUser',
    route(z.object({ userId: idArg, reason: reasonArg }), async (args, event) =>
      disableUser(await admin(), { caller: requireAdmin(event), ...args }),
    ),
  );
  app.onMutation(
    'enableUser',
    route(z.object({ userId: idArg }), async (args, event) =>
      enableUser(await admin(), { caller: requireAdmin(event), ...args }),
    ),
  );
  app.onMutation(
    'deleteUser',
    route(
      z.object({
        userId: idArg,
        deleteData: z
          .boolean()
          .nullish()
          .transform((v) => v ?? false),
      }),
      async (args, event) => {
        const { user, dataDeleted, content } = await deleteUser(await admin(), {
          caller: requireAdmin(event),
          ...args,
        });
        return { user, dataDeleted, ...content };
      },
    ),
  );
  app.onMutation(
    'resetPassword',
    route(z.object({ userId: idArg }), async (args, event) =>
      resetPassword(await admin(), { caller: requireAdmin(event), ...args }),
    ),
  );
  app.onMutation(
    'changePassword',
    route(z.object({ currentPassword: secret, newPassword: secret }), async (args, event) => {
      const d = await deps();
      await changePassword({ ...d.auth, admin: d.admin }, { caller: requireCaller(event), ...args });
      return true;
    }),
  );
  app.onMutation(
    'setPasswordWithToken',
    route(
      z.object({ token: z.string().max(256, 'is not a valid one-time token'), password: secret }),
      async (args) => {
        const d = await deps();
        return setPasswordWithToken({ ...d.auth, admin: d.admin }, args);
      },
    ),
  );
}
