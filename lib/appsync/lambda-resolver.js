/**
 * APPSYNC_JS unit resolver shared by every Query and Mutation field: sends AppSync's direct-Lambda event
 * to the API function and turns its error envelope `{ __error: { type, message } }` into a GraphQL error
 * with that errorType (and its info as errorInfo, e.g. retryAfterSeconds). A crashed invocation becomes a
 * generic InternalError: no stack trace reaches clients.
 *
 * Every key of the event is always present. JSON drops a key whose value is undefined (`ctx.prev` on a unit
 * resolver, `ctx.request.domainName` without a custom domain), and the function's event check (Powertools
 * `isAppSyncGraphQLEvent`) refuses an event that lacks one: the handler would answer undefined and every
 * field would be null with no error. Absent values travel as null (records as {}).
 */
import { util } from '@aws-appsync/utils';

/** A value as JSON keeps it: undefined becomes null. Ternaries only: the syntax every APPSYNC_JS accepts. */
function orNull(value) {
  return value === undefined ? null : value;
}

function orEmpty(value) {
  return value === undefined || value === null ? {} : value;
}

function requestOf(ctx) {
  const request = orEmpty(ctx.request);
  return { headers: orEmpty(request.headers), domainName: orNull(request.domainName) };
}

function infoOf(ctx) {
  const info = orEmpty(ctx.info);
  return {
    fieldName: info.fieldName,
    parentTypeName: info.parentTypeName,
    variables: orEmpty(info.variables),
    selectionSetList: info.selectionSetList === undefined ? [] : info.selectionSetList,
    selectionSetGraphQL: orNull(info.selectionSetGraphQL),
  };
}

export function request(ctx) {
  return {
    operation: 'Invoke',
    payload: {
      arguments: orEmpty(ctx.args),
      identity: orNull(ctx.identity),
      source: orNull(ctx.source),
      request: requestOf(ctx),
      info: infoOf(ctx),
      prev: orNull(ctx.prev),
      stash: orEmpty(ctx.stash),
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
