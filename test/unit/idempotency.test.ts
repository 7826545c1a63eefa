import { describe, expect, it } from 'vitest';
import {
  idempotencyKeyReused,
  idempotentRequest,
  requestFingerprint,
  sameRequest,
} from '../../lambdas/core/idempotency.ts';

describe('request fingerprints for idempotency keys', () => {
  it('is the SHA-256 of the canonical JSON: key order, null and absent fields do not count', () => {
    const fingerprint = requestFingerprint({ title: 'VPN down', body: '', project: null });
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ body: '', title: 'VPN down' })).toBe(fingerprint);
    expect(requestFingerprint({ title: 'VPN down', body: '', project: undefined })).toBe(fingerprint);
    expect(requestFingerprint({ request: { entries: [{ b: 1, a: null }] } })).toBe(
      requestFingerprint({ request: { entries: [{ b: 1 }] } }),
    );
  });

  it('tells apart any difference in a value, in list order, and between a value and its string', () => {
    const base = requestFingerprint({ title: 'VPN down', body: '' });
    expect(requestFingerprint({ title: 'Totally different: buy coffee', body: '' })).not.toBe(base);
    expect(requestFingerprint({ title: 'VPN down', body: ' ' })).not.toBe(base);
    expect(requestFingerprint({ commits: ['a', 'b'] })).not.toBe(requestFingerprint({ commits: ['b', 'a'] }));
    expect(requestFingerprint({ size: 10 })).not.toBe(requestFingerprint({ size: '10' }));
    expect(requestFingerprint({ highlights: false })).not.toBe(requestFingerprint({}));
  });

  it('hashes nothing without a key', () => {
    expect(
      idempotentRequest(null, () => {
        throw new Error('must not be called');
      }),
    ).toBeNull();
    expect(idempotentRequest('k1', () => ({ a: 1 }))).toEqual({
      key: 'k1',
      fingerprint: requestFingerprint({ a: 1 }),
    });
  });

  it('lets a key stored before fingerprints (null) answer as before', () => {
    const request = { key: 'k1', fingerprint: requestFingerprint({ a: 1 }) };
    expect(sameRequest(null, request)).toBe(true);
    expect(sameRequest(request.fingerprint, request)).toBe(true);
    expect(sameRequest(requestFingerprint({ a: 2 }), request)).toBe(false);
  });

  it('refuses on idempotencyKey, naming the first resource and what to do', () => {
    const error = idempotencyKeyReused('triageTicket', '0b0e3c1e-1f6a-4f7e-9a51-0c3d2e6b7a10');
    expect(error.errorType).toBe('ValidationError');
    expect(error.field).toBe('idempotencyKey');
    expect(error.message).toBe(
      'idempotencyKey: was already used for a different triageTicket request, which created ticket ' +
        '0b0e3c1e-1f6a-4f7e-9a51-0c3d2e6b7a10; send a new key for a new request (repeat a key only to retry the same request)',
    );
  });
});
