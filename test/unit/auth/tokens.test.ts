import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateKeySet,
  type KeySet,
  KeySetFormatError,
  parseKeySet,
  rotateKeySet,
} from '../../../lambdas/core/auth/keys.ts';
import {
  issueAccessToken,
  MAX_ACCESS_TOKEN_BYTES,
  type TokenDeps,
  TokenRejectedError,
  verifyAccessToken,
} from '../../../lambdas/core/auth/tokens.ts';
import { b64url, FakeClock, signRaw, staticKeys, TEST_AUTH_SETTINGS } from '../../support/auth-fakes.ts';

let keySet: KeySet;
const subject = { userId: randomUUID(), role: 'USER' as const, sessionId: randomUUID() };

beforeAll(async () => {
  keySet = await generateKeySet();
});

function deps(overrides: Partial<TokenDeps> = {}): TokenDeps & { clock: FakeClock } {
  return {
    keys: staticKeys(keySet),
    clock: new FakeClock(),
    config: TEST_AUTH_SETTINGS,
    ...overrides,
  } as TokenDeps & {
    clock: FakeClock;
  };
}

/** Claims as our issuer writes them, for forging variants. */
function validClaims(clock: FakeClock, overrides: Record<string, unknown> = {}) {
  const iat = Math.floor(clock.now().getTime() / 1000);
  return {
    iss: TEST_AUTH_SETTINGS.issuer,
    aud: TEST_AUTH_SETTINGS.audience,
    sub: subject.userId,
    role: 'USER',
    sid: subject.sessionId,
    jti: randomUUID(),
    token_use: 'access',
    iat,
    exp: iat + 900,
    ...overrides,
  };
}

const header = () => ({ alg: 'ES256', kid: keySet.current.kid, typ: 'at+jwt' });

async function expectRejected(d: TokenDeps, token: string, reason?: string | RegExp) {
  const error = await verifyAccessToken(d, token).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  if (reason !== undefined) expect((error as TokenRejectedError).reason).toMatch(reason);
}

describe('access tokens', () => {
  it('issues an ES256 token with kid, typ and every required claim, and verifies it', async () => {
    const d = deps();
    const { token, claims, expiresAt } = await issueAccessToken(d, subject);
    const [head, body] = token.split('.');
    expect(JSON.parse(Buffer.from(head ?? '', 'base64url').toString())).toEqual({
      alg: 'ES256',
      kid: keySet.current.kid,
      typ: 'at+jwt',
    });
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
    expect(payload).toMatchObject({
      iss: TEST_AUTH_SETTINGS.issuer,
      aud: TEST_AUTH_SETTINGS.audience,
      sub: subject.userId,
      role: 'USER',
      sid: subject.sessionId,
      token_use: 'access',
    });
    expect(payload.exp - payload.iat).toBe(TEST_AUTH_SETTINGS.accessTokenTtlSeconds);
    expect(typeof payload.jti).toBe('string');
    expect(expiresAt.getTime()).toBe(claims.exp * 1000);
    await expect(verifyAccessToken(d, token)).resolves.toEqual(claims);
  });

  it('rejects a token with alg none', async () => {
    const d = deps();
    const unsigned = `${b64url({ alg: 'none', kid: keySet.current.kid, typ: 'at+jwt' })}.${b64url(validClaims(d.clock))}.`;
    await expectRejected(d, unsigned);
    await expectRejected(d, `${unsigned}AAAA`, 'algorithm not allowed');
  });

  it('rejects an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const d = deps();
    for (const secret of [JSON.stringify(keySet.current.publicJwk), keySet.current.publicJwk.x]) {
      const token = await new SignJWT(validClaims(d.clock))
        .setProtectedHeader({ alg: 'HS256', kid: keySet.current.kid, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      await expectRejected(d, token, 'algorithm not allowed');
    }
  });

  it('rejects a token signed by a key that is not in the key set, even with a known kid', async () => {
    const d = deps();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await signRaw(await exportJWK(privateKey), header(), validClaims(d.clock));
    await expectRejected(d, token);
  });

  it('rejects an expired token', async () => {
    const d = deps();
    const { token } = await issueAccessToken(d, subject);
    d.clock.advance(TEST_AUTH_SETTINGS.accessTokenTtlSeconds + 6);
    await expectRejected(d, token, 'ERR_JWT_EXPIRED');
  });

  it('rejects a token that is not yet valid (nbf or iat beyond the clock tolerance)', async () => {
    const d = deps();
    const now = Math.floor(d.clock.now().getTime() / 1000);
    const notBefore = await signRaw(
      keySet.current.privateJwk,
      header(),
      validClaims(d.clock, { nbf: now + 60 }),
    );
    await expectRejected(d, notBefore);
    const future = await signRaw(
      keySet.current.privateJwk,
      header(),
      validClaims(d.clock, { iat: now + 60, exp: now + 960 }),
    );
    await expectRejected(d, future, 'issued in the future');
  });

  it('accepts a token issued a little ahead of our clock, within the tolerance', async () => {
    const d = deps();
    const now = Math.floor(d.clock.now().getTime() / 1000);
    const skewed = await signRaw(keySet.current.privateJwk, header(), validClaims(d.clock, { iat: now + 3 }));
    await expect(verifyAccessToken(d, skewed)).resolves.toMatchObject({ sub: subject.userId });
  });

  it('rejects tokens missing exp, iat, sub or jti', async () => {
    const d = deps();
    for (const claim of ['exp', 'iat', 'sub', 'jti']) {
      const claims: Record<string, unknown> = validClaims(d.clock);
      delete claims[claim];
      await expectRejected(d, await signRaw(keySet.current.privateJwk, header(), claims));
    }
  });

  it('rejects a wrong issuer and a wrong audience', async () => {
    const d = deps();
    const wrongIss = await signRaw(
      keySet.current.privateJwk,
      header(),
      validClaims(d.clock, { iss: 'evil' }),
    );
    await expectRejected(d, wrongIss, /CLAIM_VALIDATION/);
    const wrongAud = await signRaw(
      keySet.current.privateJwk,
      header(),
      validClaims(d.clock, { aud: 'other-api' }),
    );
    await expectRejected(d, wrongAud, /CLAIM_VALIDATION/);
  });

  it('rejects a token whose payload was tampered with', async () => {
    const d = deps();
    const { token } = await issueAccessToken(d, subject);
    const [head, body, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
    const forged = `${head}.${b64url({ ...payload, role: 'ADMIN' })}.${signature}`;
    await expectRejected(d, forged, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('rejects an unknown kid after asking the provider for a fresh key set once', async () => {
    const d = deps();
    const token = await signRaw(
      keySet.current.privateJwk,
      { ...header(), kid: 'someone-elses-key' },
      validClaims(d.clock),
    );
    await expectRejected(d, token, 'unknown kid');
    expect((d.keys as ReturnType<typeof staticKeys>).refreshes).toBe(1);
  });

  it('rejects a token without kid', async () => {
    const d = deps();
    const token = await signRaw(
      keySet.current.privateJwk,
      { alg: 'ES256', typ: 'at+jwt' },
      validClaims(d.clock),
    );
    await expectRejected(d, token, 'missing kid');
  });

  it('rejects a refresh token presented as an access token', async () => {
    const d = deps();
    await expectRejected(d, 'q2Xv7y0o3m8sW1fJc9Rk4t6uHbNaLe5pZdGiYxQwEr0', 'malformed');
    const jwtRefresh = await signRaw(
      keySet.current.privateJwk,
      header(),
      validClaims(d.clock, { token_use: 'refresh' }),
    );
    await expectRejected(d, jwtRefresh, 'claims');
    const otherTyp = await signRaw(
      keySet.current.privateJwk,
      { ...header(), typ: 'JWT' },
      validClaims(d.clock),
    );
    await expectRejected(d, otherTyp);
  });

  it('rejects garbage and a token over the size limit before parsing it', async () => {
    const d = deps();
    for (const garbage of ['', 'not a token', 'a.b.c', '...', '€.€.€', 'eyJhbGciOiJFUzI1NiJ9.e30']) {
      await expectRejected(d, garbage);
    }
    const { token } = await issueAccessToken(d, subject);
    const [head, , signature] = token.split('.');
    const huge = `${head}.${b64url({ ...validClaims(d.clock), pad: 'x'.repeat(MAX_ACCESS_TOKEN_BYTES) })}.${signature}`;
    await expectRejected(d, huge, 'too large');
  });

  it('rejects claims of the wrong shape (role outside the known set)', async () => {
    const d = deps();
    const token = await signRaw(keySet.current.privateJwk, header(), validClaims(d.clock, { role: 'ROOT' }));
    await expectRejected(d, token, 'claims');
  });

  it('accepts a token signed by the previous key after a rotation, and signs new ones with the new key', async () => {
    const d = deps();
    const { token: before } = await issueAccessToken(d, subject);
    const rotated = await rotateKeySet(keySet);
    const keys = staticKeys(rotated);
    const after = deps({ keys });
    await expect(verifyAccessToken(after, before)).resolves.toMatchObject({ sub: subject.userId });
    const { token: fresh } = await issueAccessToken(after, subject);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0] ?? '', 'base64url').toString()).kid).toBe(
      rotated.current.kid,
    );
    // Once the old key falls out of `previous`, its tokens stop verifying.
    const twiceMore = await rotateKeySet(await rotateKeySet(rotated, { keepPrevious: 1 }), {
      keepPrevious: 1,
    });
    await expectRejected(deps({ keys: staticKeys(twiceMore) }), before, 'unknown kid');
  });
});

describe('key sets', () => {
  it('round-trips a generated key set through JSON and keeps previous public keys on rotation', async () => {
    const parsed = parseKeySet(JSON.stringify(keySet));
    expect(parsed).toEqual(keySet);
    const rotated = await rotateKeySet(keySet);
    expect(rotated.current.kid).not.toBe(keySet.current.kid);
    expect(rotated.previous).toEqual([{ kid: keySet.current.kid, publicJwk: keySet.current.publicJwk }]);
    expect(JSON.stringify(rotated.previous)).not.toContain('"d"');
  });

  it('refuses malformed key sets without echoing key material', () => {
    expect(() => parseKeySet('{not json')).toThrow(KeySetFormatError);
    const leaky = { ...keySet, previous: [{ kid: 'old', publicJwk: keySet.current.privateJwk }] };
    expect(() => parseKeySet(leaky)).toThrow(/previous\.0\.publicJwk\.d/);
    const mismatched = {
      current: {
        ...keySet.current,
        publicJwk: { ...keySet.current.publicJwk, x: keySet.current.publicJwk.y },
      },
    };
    expect(() => parseKeySet(mismatched)).toThrow(/does not match/);
    const duplicate = {
      ...keySet,
      previous: [{ kid: keySet.current.kid, publicJwk: keySet.current.publicJwk }],
    };
    expect(() => parseKeySet(duplicate)).toThrow(/unique/);
    const wrongType = { current: { kid: 'k', privateJwk: { ...keySet.current.privateJwk, kty: 'RSA' } } };
    const message = (() => {
      try {
        parseKeySet(wrongType);
        return 'accepted';
      } catch (error: unknown) {
        return String(error);
      }
    })();
    expect(message).toMatch(/KeySetFormatError: .*current\.privateJwk\.kty/);
    expect(message).not.toContain(keySet.current.privateJwk.d);
  });
});
