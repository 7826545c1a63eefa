import { describe, expect, it } from 'vitest';
import {
  emptyRedactionCounts,
  type RedactionKind,
  Redactor,
  redactText,
  totalRedactions,
} from '../../../lambdas/core/redaction/redact.ts';

function redactOne(text: string): { text: string; kinds: RedactionKind[] } {
  const counts = emptyRedactionCounts();
  const out = redactText(text, counts);
  return { text: out, kinds: (Object.keys(counts) as RedactionKind[]).filter((k) => counts[k] > 0) };
}

describe('redactText', () => {
  it.each([
    ['mail from bob.smith+tag@mail.example.co.uk failed', 'mail from <EMAIL> failed', 'email'],
    ['client 10.251.73.220:50010 connected', 'client <IP>:50010 connected', 'ipv4'],
    ['peer fe80::1ff:fe23:4567:890a up', 'peer <IP> up', 'ipv6'],
    ['peer 2001:db8:85a3:0:0:8a2e:370:7334 up', 'peer <IP> up', 'ipv6'],
    [
      'auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
      'auth <TOKEN> ok',
      'jwt',
    ],
    ['Authorization: Bearer abc.def-ghi_123456', 'Authorization: Bearer <TOKEN>', 'bearerToken'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key <AWS_KEY> used', 'awsAccessKey'],
    ['openai sk-abcdefghijklmnopqrstuvwxyz123 set', 'openai <API_KEY> set', 'apiKey'],
    ['github ghp_abcdefghijklmnopqrstuvwxyz0123456789 set', 'github <API_KEY> set', 'apiKey'],
    ['login password=hunter2 ok', 'login password=<SECRET> ok', 'secret'],
    ['cfg api_key: "xyz123" loaded', 'cfg api_key: "<SECRET>" loaded', 'secret'],
    ['paid with 4111 1111 1111 1111 today', 'paid with <CARD> today', 'cardNumber'],
    ['card=5500005555555559;', 'card=<CARD>;', 'cardNumber'],
    [
      'db postgres://app:s3cr3t@db.internal:5432/app',
      'db postgres://app:<PASSWORD>@db.internal:5432/app',
      'urlPassword',
    ],
  ] as const)('redacts %s', (input, expected, kind) => {
    const result = redactOne(input);
    expect(result.text).toBe(expected);
    expect(result.kinds).toContain(kind);
  });

  it.each([
    ['a number that fails the Luhn check', 'order 4111111111111112 shipped'],
    ['a block id glued to a prefix', 'blk_-4111111111111111 and blk_4111111111111111'],
    ['a millisecond timestamp', 'onExtend:1514038530000 14 0 4'],
    ['a version with four parts', 'Loaded Servicing Stack v6.1.7601.23505 and 1.2.3.4.5'],
    ['times and MAC-like values', 'at 12:01:01 mac 5c:50:15:36:bc:03'],
    [
      'words that only look like keys',
      'check pass; user unknown. Failed password for root. Executing with tokens:',
    ],
    ['an e-mail-like word without a domain', 'doSaveChannels@2.4GHz and user@localhost'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactOne(input)).toEqual({ text: input, kinds: [] });
  });

  it('keeps a host name that merely starts like an IP address', () => {
    expect(redactOne('rhost=68.23.224.27.nw.example.net user=root').text).toBe(
      'rhost=68.23.224.27.nw.example.net user=root',
    );
  });

  it('returns the same string when there is nothing to redact', () => {
    const text = 'PacketResponder 1 for block blk_38865049064139660 terminating';
    expect(redactText(text, emptyRedactionCounts())).toBe(text);
  });

  it('handles pathological inputs in linear time (a 1 MB line of one character class)', () => {
    const counts = emptyRedactionCounts();
    for (const big of [
      `${'a'.repeat(1_000_000)}@b`,
      '1'.repeat(1_000_000),
      'password='.repeat(100_000),
      ':'.repeat(500_000),
      `${'ab:'.repeat(300_000)}::1`,
      '1.'.repeat(500_000),
    ]) {
      expect(redactText(big, counts).length).toBeGreaterThan(0);
    }
  });
});

describe('Redactor', () => {
  it('keeps running counts per kind over many lines', () => {
    const r = new Redactor();
    r.redact('from 10.0.0.1 to 10.0.0.2');
    r.redact('user a@example.com');
    expect(r.counts.ipv4).toBe(2);
    expect(r.counts.email).toBe(1);
    expect(r.total).toBe(3);
    expect(totalRedactions(r.counts)).toBe(3);
  });
});
