/**
 * The API's `identityValidationExpression` (AppSync's Lambda authorizer configuration, lib/api.ts): a three-part
 * JWT after `Bearer `. AppSync refuses any other Authorization header with HTTP 401 without invoking the
 * authorizer; the local endpoint applies the same expression, before it reads the request body.
 */
export const AUTHORIZATION_HEADER_PATTERN = '^[Bb]earer +[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';
