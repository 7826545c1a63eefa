/**
 * Device tokens: proof that this client signed in to this account successfully before. Login hands one out
 * (30 days); a client that sends it back with its next login is throttled on its own, apart from the account,
 * so an attacker who keeps guessing the password from elsewhere cannot keep the real user out (docs/auth.md).
 * Stateless: an ES256 JWT signed with the access-token keys, `typ: device+jwt`, `token_use: device` (so it
 * never passes as an access token, nor an access token as one), whose `acct` is a hash of the account's
 * e-mail, so the token says nothing about the address.
 */
import { createHash, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM } from './keys.ts';
import type { TokenDeps } from './tokens.ts';

export const DEVICE_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const DEVICE_TOKEN_TYP = 'device+jwt';
const MAX_DEVICE_TOKEN_BYTES = 2048;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const accountHash = (normalizedEmail: string): string =>
  createHash('sha256').update(`device:${normalizedEmail}`).digest('base64url');

export async function issueDeviceToken(deps: TokenDeps, normalizedEmail: string): Promise<string> {
  const set = await deps.keys.getKeySet();
  const key = await importJWK(set.current.privateJwk, ACCESS_TOKEN_ALGORITHM);
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ acct: accountHash(normalizedEmail), token_use: 'device' })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: set.current.kid, typ: DEVICE_TOKEN_TYP })
    .setIssuer(deps.config.issuer)
    .setAudience(deps.config.audience)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEVICE_TOKEN_TTL_SECONDS)
    .sign(key);
}

/** The token's id when it is a valid device token of this account; null for anything else (never throws). */
export async function deviceOf(
  deps: TokenDeps,
  token: unknown,
  normalizedEmail: string,
): Promise<string | null> {
  if (typeof token !== 'string' || token.length > MAX_DEVICE_TOKEN_BYTES || !COMPACT_JWS.test(token))
    return null;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== ACCESS_TOKEN_ALGORITHM || typeof header.kid !== 'string') return null;
    const set = await deps.keys.getKeySet();
    const jwk = [set.current, ...set.previous].find((entry) => entry.kid === header.kid)?.publicJwk;
    if (!jwk) return null;
    const { payload } = await jwtVerify(token, await importJWK(jwk, ACCESS_TOKEN_ALGORITHM), {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: deps.config.issuer,
      audience: deps.config.audience,
      typ: DEVICE_TOKEN_TYP,
      requiredClaims: ['exp', 'jti'],
      currentDate: deps.clock.now(),
    });
    if (payload.token_use !== 'device' || payload.acct !== accountHash(normalizedEmail)) return null;
    return typeof payload.jti === 'string' ? payload.jti : null;
  } catch {
    return null;
  }
}
