import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { stringifyDocument } from '@urql/core';
import { ApiRequestError } from './errors.ts';
import { retryingUnavailable } from './retry-unavailable.ts';

const fetchRetrying = retryingUnavailable((input, init) => fetch(input, init));

interface Body<R> {
  data?: R | null;
  errors?: { message?: string; errorType?: string }[];
}

/** One GraphQL request outside urql (the session layer's API-key calls); the first error is thrown. */
export async function postGraphQL<R, V extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  headers: Record<string, string>,
): Promise<R> {
  let response: Response;
  try {
    response = await fetchRetrying(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: stringifyDocument(document), variables }),
    });
  } catch (error: unknown) {
    throw new ApiRequestError('NetworkError', error instanceof Error ? error.message : String(error));
  }
  let body: Body<R>;
  try {
    body = (await response.json()) as Body<R>;
  } catch {
    throw new ApiRequestError('InternalError', `The API answered ${response.status} without JSON`);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiRequestError(first.errorType ?? 'InternalError', first.message ?? '');
  if (!body.data) throw new ApiRequestError('InternalError', 'The API answered without data');
  return body.data;
}
