/**
 * The JWT signing key set: one current ES256 key that signs, and previous public keys that still verify
 * so tokens issued just before a rotation stay valid until they expire. Stored as JSON in a file (local)
 * or a Secrets Manager secret (AWS); the shape is validated here so a malformed secret fails loudly.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';

export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/** How many previous public keys a rotation keeps by default. */
export const DEFAULT_PREVIOUS_KEYS_KEPT = 2;

const b64url = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));

const publicJwkSchema = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: b64url(32),
    y: b64url(32),
    d: z.never('a public key must not hold the private part').optional(),
  })
  .transform(({ kty, crv, x, y }) => ({ kty, crv, x, y }));
const privateJwkSchema = z
  .object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url(32), y: b64url(32), d: b64url(32) })
  .transform(({ kty, crv, x, y, d }) => ({ kty, crv, x, y, d }));

const kidSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'kid must be 1-128 URL-safe characters');

export const keySetSchema = z
  .object({
    current: z.object({ kid: kidSchema, privateJwk: privateJwkSchema, publicJwk: publicJwkSchema }),
    previous: z
      .array(z.object({ kid: kidSchema, publicJwk: publicJwkSchema }))
      .max(10)
      .default([]),
  })
  .superRefine((set, ctx) => {
    const { privateJwk, publicJwk } = set.current;
    if (privateJwk.x !== publicJwk.x || privateJwk.y !== publicJwk.y) {
      ctx.addIssue({ code: 'custom', path: ['current', 'publicJwk'], message: 'does not match privateJwk' });
    }
    const kids = [set.current.kid, ...set.previous.map((k) => k.kid)];
    if (new Set(kids).size !== kids.length) {
      ctx.addIssue({ code: 'custom', path: ['previous'], message: 'kids must be unique' });
    }
  });

export type KeySet = z.infer<typeof keySetSchema>;
export type PublicJwk = KeySet['current']['publicJwk'];

/** Where the use cases get the key set from. `refresh` asks for a fresh copy (e.g. on an unknown kid). */
export interface KeyProvider {
  getKeySet(options?: { refresh?: boolean }): Promise<KeySet>;
}

export class KeySetFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetFormatError';
  }
}

/** Validates a parsed or raw JSON key set; the error lists paths only, never key material. */
export function parseKeySet(input: unknown): KeySet {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new KeySetFormatError('JWT key set is not valid JSON');
    }
  }
  const result = keySetSchema.safeParse(value);
  if (!result.success) {
    const paths = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new KeySetFormatError(`JWT key set is invalid: ${paths.join('; ')}`);
  }
  return result.data;
}

async function newSigningKey(): Promise<KeySet['current']> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const privateJwk = privateJwkSchema.parse(await exportJWK(privateKey));
  const publicJwk = publicJwkSchema.parse(await exportJWK(publicKey));
  // The RFC 7638 thumbprint is a stable, collision-free kid that leaks nothing but the public key.
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, privateJwk, publicJwk };
}

export async function generateKeySet(): Promise<KeySet> {
  return { current: await newSigningKey(), previous: [] };
}

/**
 * A new current key; the old current key's public half moves to the front of `previous`, which keeps the
 * newest `keepPrevious` keys. Keep at least one so tokens signed just before the rotation still verify.
 */
export async function rotateKeySet(old: KeySet, options: { keepPrevious?: number } = {}): Promise<KeySet> {
  const keep = options.keepPrevious ?? DEFAULT_PREVIOUS_KEYS_KEPT;
  const retired = { kid: old.current.kid, publicJwk: old.current.publicJwk };
  return { current: await newSigningKey(), previous: [retired, ...old.previous].slice(0, Math.max(0, keep)) };
}
