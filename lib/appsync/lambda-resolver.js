/**
 * APPSYNC_JS unit resolver shared by every Query and Mutation field: sends AppSync's direct-Lambda event
 * to the API function and turns its error envelope `{ __error: { type, message } }` into a GraphQL error
 * with that errorType (and its info as errorInfo, e.g. retryAfterSeconds). A crashed invocation becomes a generic InternalError: no stack trace reaches clients.
 */
import { util } from '@aws-appsync/utils';

export function request(ctx) {
  return {
    operation: 'Invoke',
    payload: {
      arguments: ctx.args,
      identity: ctx.identity,
      source: ctx.source,
      request: ctx.request,
      info: ctx.info,
      prev: ctx.prev,
      stash: ctx.stash,
    },
  };
}

export function response(ctx) {
  if (ctx.error) util.error('Internal error', 'InternalError');
  // biome-ignore lint/complexity/useOptionalChain: plain && keeps to the syntax every APPSYNC_JS version accepts.
  if (ctx.result && ctx.result.__error)
    util.error(ctx.result.__error.message, ctx.result.__error.type, null, ctx.result.__error.info);
  return ctx.result;
}
