/**
 * Access tokens: short-lived ES256 JWTs. Verification pins the algorithm, the key by `kid`, the issuer,
 * audience and token type, and checks sizes before any parsing, so none of the classic JWT confusions
 * (alg none, HS256 keyed with the public key, a refresh token replayed as an access token) gets through.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ACCESS_TOKEN_ALGORITHM, type KeyProvider, type KeySet } from './keys.ts';
import { ROLES, type Role } from './roles.ts';

/** Anything longer is refused before it is decoded (our tokens are ~600 bytes). */
export const MAX_ACCESS_TOKEN_BYTES = 4096;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
/** RFC 9068 media type; a JWT of any other `typ` is not one of our access tokens. */
const ACCESS_TOKEN_TYP = 'at+jwt';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type { Clock } from '../clock.ts';

import type { Clock } from '../clock.ts';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  clockToleranceSeconds?: number;
}

export interface TokenDeps {
  keys: KeyProvider;
  clock: Clock;
  config: TokenSettings;
}

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

/** Why a token was refused; for logs only, callers answer every case with the same denial. */
export class TokenRejectedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`access token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
    this.reason = reason;
  }
}

const claimsSchema = z.object({
  sub: z.string().regex(UUID),
  role: z.enum(ROLES),
  sid: z.string().regex(UUID),
  jti: z.string().min(1).max(128),
  iat: z.number().int(),
  exp: z.number().int(),
  token_use: z.literal('access'),
});

interface ImportedKeys {
  signing: { kid: string; key: CryptoKey };
  verifying: Map<string, CryptoKey>;
}

// Importing a JWK costs a WebCrypto call; key sets are immutable values, so cache per object.
const imported = new WeakMap<KeySet, Promise<ImportedKeys>>();

async function importKeySet(set: KeySet): Promise<ImportedKeys> {
  const asKey = async (jwk: object) => {
    const key = await importJWK(jwk, ACCESS_TOKEN_ALGORITHM);
    if (key instanceof Uint8Array) throw new Error('expected an asymmetric key');
    return key;
  };
  const verifying = new Map<string, CryptoKey>();
  verifying.set(set.current.kid, await asKey(set.current.publicJwk));
  for (const previous of set.previous) verifying.set(previous.kid, await asKey(previous.publicJwk));
  return { signing: { kid: set.current.kid, key: await asKey(set.current.privateJwk) }, verifying };
}

function keysOf(set: KeySet): Promise<ImportedKeys> {
  let keys = imported.get(set);
  if (!keys) {
    keys = importKeySet(set);
    imported.set(set, keys);
  }
  return keys;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export async function issueAccessToken(
  deps: TokenDeps,
  subject: { userId: string; role: Role; sessionId: string },
): Promise<{ token: string; claims: AccessTokenClaims; expiresAt: Date }> {
  const { signing } = await keysOf(await deps.keys.getKeySet());
  const iat = epochSeconds(deps.clock.now());
  const claims: AccessTokenClaims = {
    sub: subject.userId,
    role: subject.role,
    sid: subject.sessionId,
    jti: randomUUID(),
    iat,
    exp: iat + deps.config.accessTokenTtlSeconds,
  };
  const token = await new SignJWT({ role: claims.role, sid: claims.sid, token_use: 'access' })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: signing.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(deps.config.issuer)
    .setAudience(deps.config.audience)
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(signing.key);
  return { token, claims, expiresAt: new Date(claims.exp * 1000) };
}

async function verificationKey(deps: TokenDeps, kid: string): Promise<CryptoKey> {
  const known = (await keysOf(await deps.keys.getKeySet())).verifying.get(kid);
  if (known) return known;
  // A kid we have not seen may come from a key rotated in after our copy was cached. The provider
  // decides how often it really re-reads, so random kids cannot hammer the secret store.
  const fresh = (await keysOf(await deps.keys.getKeySet({ refresh: true }))).verifying.get(kid);
  if (!fresh) throw new TokenRejectedError('unknown kid');
  return fresh;
}

/** Verifies an access token and returns its claims; throws TokenRejectedError on any problem. */
export async function verifyAccessToken(deps: TokenDeps, token: string): Promise<AccessTokenClaims> {
  if (token.length > MAX_ACCESS_TOKEN_BYTES) throw new TokenRejectedError('too large');
  if (!COMPACT_JWS.test(token)) throw new TokenRejectedError('malformed');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenRejectedError('malformed header');
  }
  // Checked before choosing a key: the algorithm must never come from the token.
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new TokenRejectedError('algorithm not allowed');
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128) {
    throw new TokenRejectedError('missing kid');
  }
  const key = await verificationKey(deps, header.kid);
  const tolerance = deps.config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const now = deps.clock.now();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: deps.config.issuer,
      audience: deps.config.audience,
      typ: ACCESS_TOKEN_TYP,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'],
      clockTolerance: tolerance,
      currentDate: now,
    }));
  } catch (error: unknown) {
    const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : 'invalid';
    throw new TokenRejectedError(code);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new TokenRejectedError('claims');
  // jose only checks `iat` against the clock when maxTokenAge is set; a token from the future is forged
  // or from a badly skewed issuer either way.
  if (claims.data.iat > epochSeconds(now) + tolerance) throw new TokenRejectedError('issued in the future');
  if (claims.data.exp <= claims.data.iat) throw new TokenRejectedError('claims');
  const { token_use: _use, ...rest } = claims.data;
  return rest;
}
