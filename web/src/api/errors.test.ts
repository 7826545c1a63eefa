import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { apiErrorsOf, describeError, type ErrorType, sentenceFor } from './errors.ts';

const TYPES: ErrorType[] = [
  'ValidationError',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'ConflictError',
  'RateLimited',
  'ServiceUnavailable',
  'InternalError',
  'NetworkError',
];

describe('API errors as sentences', () => {
  it('gives every errorType its own sentence, and unknown types the internal one', () => {
    const sentences = TYPES.map(sentenceFor);
    expect(new Set(sentences).size).toBe(TYPES.length);
    expect(sentenceFor('SomethingNew')).toBe(sentenceFor('InternalError'));
  });

  it('says that someone else changed it on a ConflictError', () => {
    expect(describeError({ errorType: 'ConflictError', message: 'version 3 is stale' })).toEqual({
      title: 'Someone else changed this in the meantime.',
      detail: 'version 3 is stale',
    });
  });

  it('keeps the server words that name a field, never those of an internal error', () => {
    expect(describeError({ errorType: 'ValidationError', message: 'title: must not be empty' }).detail).toBe(
      'title: must not be empty',
    );
    expect(
      describeError({ errorType: 'InternalError', message: 'relation "x" does not exist' }).detail,
    ).toBeNull();
  });

  it('reads errorType where AppSync puts it, and calls a failed fetch a network error', () => {
    const graphql = new CombinedError({
      graphQLErrors: [{ message: 'stale', errorType: 'ConflictError' } as unknown as Error],
    });
    expect(apiErrorsOf(graphql)).toEqual([{ errorType: 'ConflictError', message: 'stale' }]);
    const network = new CombinedError({ networkError: new Error('Failed to fetch') });
    expect(apiErrorsOf(network)[0]?.errorType).toBe('NetworkError');
  });
});
