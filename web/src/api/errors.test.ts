import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { apiErrorsOf, describeError, type ErrorType, sentenceFor } from './errors.ts';

const TYPES: ErrorType[] = [
  'ValidationError',
  'Unauthorized',
  'UnauthorizedException',
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

  it('says to sign in again on AppSync’s 401 (UnauthorizedException), not that something broke', () => {
    expect(sentenceFor('UnauthorizedException')).toMatch(/sign in again/i);
  });

  it('says that someone else changed it on a ConflictError', () => {
    expect(describeError({ errorType: 'ConflictError', message: 'version 3 is stale' })).toEqual({
      title: 'Someone else changed this in the meantime.',
      detail: 'version 3 is stale',
    });
  });

  it('shows only the server’s own sentence where it is specific: a taken e-mail, a wrong password', () => {
    expect(
      describeError({ errorType: 'ConflictError', message: 'An account with this email already exists' }),
    ).toEqual({ title: 'An account with this email already exists.', detail: null });
    expect(describeError({ errorType: 'Unauthorized', message: 'Invalid email or password' })).toEqual({
      title: 'Invalid email or password.',
      detail: null,
    });
    expect(
      describeError({
        errorType: 'RateLimited',
        message: 'Too many failed login attempts; try again in 30 s.',
      }),
    ).toEqual({ title: 'Too many failed login attempts; try again in 30 s.', detail: null });
  });

  it('leads with the type’s sentence over AppSync’s wording for a denied field', () => {
    expect(
      describeError({ errorType: 'Unauthorized', message: 'Not Authorized to access users on type Query' }),
    ).toEqual({
      title: 'You are not signed in, or not allowed to see this.',
      detail: 'Not Authorized to access users on type Query',
    });
  });

  it('leads with the type’s sentence over the wording of a variable the API refused', () => {
    const message =
      'Variable "$input" got invalid value "not a url" at "input.repositoryUrl"; "not a url" is not a valid AWSURL';
    expect(describeError({ errorType: 'ValidationError', message })).toEqual({
      title: 'Please check what you entered.',
      detail: message,
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
