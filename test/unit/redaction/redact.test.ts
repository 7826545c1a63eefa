import { describe, expect, it } from 'vitest';
import {
  emptyRedactionCounts,
  Pseudonyms,
  type RedactionKind,
  Redactor,
  redactPersonNames,
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
    // QA3 (7 Dec): personal data in a URL's query string, cookies, and phones written the North American way.
    ['GET /reset?email=bob%40example.com&x=1', 'GET /reset?email=<EMAIL>&x=1', 'email'],
    ['GET /verify?phone=%2B15551234567 200', 'GET /verify?phone=<PHONE> 200', 'phone'],
    ['call (415) 555-0132 now', 'call <PHONE> now', 'phone'],
    ['or 415-555-0132.', 'or <PHONE>.', 'phone'],
    ['call 020 7946 0958 today', 'call <PHONE> today', 'phone'],
    ['passport number X12345678 verified', 'passport number <NATIONAL_ID> verified', 'nationalId'],
    [
      'Cookie: sessionid=9f8e7d6c5b4a3928; csrftoken=Zx8Yw7Vu6Ts5Rq4P',
      'Cookie: sessionid=<SECRET>; csrftoken=<SECRET>',
      'secret',
    ],
    [
      'Set-Cookie: SID=31d4d96e407aad42; Path=/; Secure',
      'Set-Cookie: SID=<SECRET>; Path=/; Secure',
      'secret',
    ],
    ['form csrftoken=Zx8Yw7Vu6Ts5 ok', 'form csrftoken=<SECRET> ok', 'secret'],
    ['login password=hunter2 ok', 'login password=<SECRET> ok', 'secret'],
    ['cfg api_key: "xyz123" loaded', 'cfg api_key: "<SECRET>" loaded', 'secret'],
    [
      'cfg aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'cfg aws_secret_access_key=<SECRET>',
      'secret',
    ],
    ['env AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG', 'env AWS_SECRET_ACCESS_KEY=<SECRET>', 'secret'],
    [
      'env DB_PASSWORD=hunter2 mysql.password: x1',
      'env DB_PASSWORD=<SECRET> mysql.password: <SECRET>',
      'secret',
    ],
    ['db password: Tr0ub4dor&3 set', 'db password: <SECRET> set', 'secret'],
    ['GET /reset?password=hunter2&user=bob 302', 'GET /reset?password=<SECRET>&user=bob 302', 'secret'],
    [
      'cfg: -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEAu1SU1LfVLPHCozMx -----END RSA PRIVATE KEY----- loaded',
      'cfg: <PRIVATE_KEY> loaded',
      'privateKey',
    ],
    [
      'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\nthanks',
      'key:\n<PRIVATE_KEY>\nthanks',
      'privateKey',
    ],
    [
      'pasted -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'pasted <PRIVATE_KEY>',
      'privateKey',
    ],
    ['user ssn 123-45-6789 verified', 'user ssn <NATIONAL_ID> verified', 'nationalId'],
    ['callback phone +1 415 555 0100 set', 'callback phone <PHONE> set', 'phone'],
    ['call me on mobile: 07700 900123', 'call me on mobile: <PHONE>', 'phone'],
    ['Phone: (415) 555-0100', 'Phone: <PHONE>', 'phone'],
    ['reached at +44 20 7946 0958 today', 'reached at <PHONE> today', 'phone'],
    ['paid with 4111 1111 1111 1111 today', 'paid with <CARD> today', 'cardNumber'],
    ['card=5500005555555559;', 'card=<CARD>;', 'cardNumber'],
    [
      'db postgres://app:s3cr3t@db.internal:5432/app',
      'db postgres://app:<PASSWORD>@<HOST>:5432/app',
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
    // A MAC address is removed since 7 December (personal-details.test.ts); times next to one are not.
    ['times and a 12-byte chip id', 'at 12:01:01 chip FF:F2:9F:16:E2:23:00:0D:60:E9:1D:DC'],
    [
      'words that only look like keys',
      'check pass; user unknown. Failed password for root. Executing with tokens:',
    ],
    ['an e-mail-like word without a domain', 'doSaveChannels@2.4GHz and user@localhost'],
    ['names that end in no secret word', 'bypass=1 compass: north token_count=5 max_tokens: 100'],
    [
      'offsets, versions and numbers that are no phone or SSN',
      'at +0200 tz +01:00 took 12 ms +1 v1.2.3-4 on 2024-05-01 id 987-65-4321 area 000-12-3456',
    ],
    ['a public key', '-----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A -----END PUBLIC KEY-----'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactOne(input)).toEqual({ text: input, kinds: [] });
  });

  // QA2 (6 Dec): a card or international phone number written at the end of a sentence was stored and sent
  // to the model as written, because a following full stop was read as part of a longer number.
  it.each([
    ['card 4111 1111 1111 1111.', 'card <CARD>.', 'cardNumber'],
    ['card 4111111111111111.', 'card <CARD>.', 'cardNumber'],
    ['card 5555555555554444.', 'card <CARD>.', 'cardNumber'],
    ['card 4111-1111-1111-1111. Thanks', 'card <CARD>. Thanks', 'cardNumber'],
    ['Card: 4111 1111 1111 1111.\nNext line', 'Card: <CARD>.\nNext line', 'cardNumber'],
    ['card 4111111111111111, expires 12/27', 'card <CARD>, expires 12/27', 'cardNumber'],
    ['cards (4111111111111111; 5555555555554444)', 'cards (<CARD>; <CARD>)', 'cardNumber'],
    ['card 4111111111111111!', 'card <CARD>!', 'cardNumber'],
    ['card 4111111111111111?', 'card <CARD>?', 'cardNumber'],
    ['card: 4111111111111111', 'card: <CARD>', 'cardNumber'],
    ['call +33 6 12 34 56 78.', 'call <PHONE>.', 'phone'],
    ['call +33 6 12 34 56 78.\nBye', 'call <PHONE>.\nBye', 'phone'],
    ['call +44 20 7946 0958, or mail', 'call <PHONE>, or mail', 'phone'],
    ['phone: 415-555-0199.', 'phone: <PHONE>.', 'phone'],
    ['ssn 123-45-6789.', 'ssn <NATIONAL_ID>.', 'nationalId'],
    ['pay to DE89370400440532013000.', 'pay to <IBAN>.', 'iban'],
    ['pay to DE89 3704 0044 0532 0130 00.', 'pay to <IBAN>.', 'iban'],
    ['IBAN GB29 NWBK 6016 1331 9268 19, thanks', 'IBAN <IBAN>, thanks', 'iban'],
    ['to FR14 2004 1010 0505 0001 3M02 606 today', 'to <IBAN> today', 'iban'],
    ['to DE89 3704 0044 0532 0130 00 by Monday', 'to <IBAN> by Monday', 'iban'],
    ['mail jane.doe@example.org.', 'mail <EMAIL>.', 'email'],
    ['from 10.1.2.3.', 'from <IP>.', 'ipv4'],
    ['from fe80::1.', 'from <IP>.', 'ipv6'],
    ['on db01.example.com.', 'on <HOST>.', 'hostname'],
    ['failed on host=web-01.', 'failed on host=<HOST>.', 'hostname'],
    ['key AKIAIOSFODNN7EXAMPLE.', 'key <AWS_KEY>.', 'awsAccessKey'],
    ['key sk-abcdefghijklmnopqrstuvwxyz123.', 'key <API_KEY>.', 'apiKey'],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U.',
      'jwt <TOKEN>.',
      'jwt',
    ],
  ] as const)('redacts a number, key or address that ends a sentence: %s', (input, expected, kind) => {
    const result = redactOne(input);
    expect(result.text).toBe(expected);
    expect(result.kinds).toContain(kind);
  });

  it.each([
    ['a card-like number with a decimal part', 'ratio 4111111111111111.5 and 4111 1111 1111 1111.25'],
    ['a card-like number inside a dotted version', 'build 4111111111111111.1.2'],
    ['an international-looking number with a decimal part', 'delta +33 6 12 34 56 78.5'],
    ['a dotted host value that is no host name', 'host=node1.cluster up'],
    ['an IBAN-shaped value with a wrong check sum', 'ref DE89370400440532013001.'],
    ['upper-case ids with an IBAN shape', 'id AB12CDEF0123456789XYZ and DE00ZZZZZZZZZZZZZZZZZZ'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactOne(input)).toEqual({ text: input, kinds: [] });
  });

  it('takes a host name that merely starts like an IP address as one host name', () => {
    expect(redactOne('rhost=68.23.224.27.nw.example.net user=root')).toEqual({
      text: 'rhost=<HOST> user=root',
      kinds: ['hostname'],
    });
  });

  it.each([
    ['a Java frame', 'at java.net.SocketInputStream.read(SocketInputStream.java:42)'],
    ['an application bundle and a logger call', 'Loaded /Applications/Safari.app/Contents via logger.info'],
    ['dotted keys with a country-code ending', 'user.id=5 log.in ok'],
    ['reverse-DNS identifiers', 'com.apple.xpc.launchd and org.apache.hadoop.net.NetUtils'],
    [
      'a package name ending in a word that is also a TLD',
      'Registering class org.apache.hadoop.mapreduce.v2.app',
    ],
    ['localhost', 'listening on localhost:8080 host=localhost'],
  ])('keeps %s, which is no host name', (_what, input) => {
    expect(redactOne(input)).toEqual({ text: input, kinds: [] });
  });

  it('keeps addresses and host names with network "keep", and still removes secrets', () => {
    const counts = emptyRedactionCounts();
    expect(redactText('10.0.0.1 db.internal password=x', counts, 'keep')).toBe(
      '10.0.0.1 db.internal password=<SECRET>',
    );
    expect(totalRedactions(counts)).toBe(1);
  });

  it('removes a password said in words when it looks like one, and keeps what logs say about passwords', () => {
    expect(redactOne('my password is Hunter2!Summer2024, please reset it')).toEqual({
      text: 'my password is <SECRET>, please reset it',
      kinds: ['secret'],
    });
    expect(redactOne('the new pwd was s3cr3t#1.').text).toBe('the new pwd was <SECRET>.');
    expect(redactOne('PIN? no: password is 493817').text).toBe('PIN? no: password is <SECRET>');
    for (const kept of ['password is incorrect', 'Password was reset by admin', 'password is too short'])
      expect(redactOne(kept)).toEqual({ text: kept, kinds: [] });
  });

  it('removes a secret named in words and pasted after its name, and keeps what merely names one', () => {
    // Found by filing "AWS key committed to public repo": the access key id went, its secret was stored.
    expect(
      redactOne(
        'I pushed AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY to the repo',
      ),
    ).toEqual({
      text: 'I pushed <AWS_KEY> with secret <SECRET> to the repo',
      kinds: ['awsAccessKey', 'secret'],
    });
    expect(redactOne('Secret access key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').text).toBe(
      'Secret access key: <SECRET>',
    );
    expect(redactOne('the client secret is 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c.').text).toBe(
      'the client secret is <SECRET>.',
    );
    expect(redactOne('session token 9b2c4d6e8f0a1b3c5d7e expired').text).toBe(
      'session token <SECRET> expired',
    );
    for (const kept of [
      'secret santa this year',
      'token expired for user admin',
      'api key rotation2024 is due',
      'access token was refreshed',
      'key 1234567890abcdef1234 not found',
    ])
      expect(redactOne(kept)).toEqual({ text: kept, kinds: [] });
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
      'secret '.repeat(150_000),
      `token ${'a1'.repeat(500_000)}`,
      ':'.repeat(500_000),
      `${'ab:'.repeat(300_000)}::1`,
      '1.'.repeat(500_000),
      'a_'.repeat(500_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(40_000),
      '-----END PRIVATE KEY-----'.repeat(40_000),
      'phone '.repeat(150_000),
      '+1 '.repeat(300_000),
      '123-45-'.repeat(140_000),
      'DE89 '.repeat(200_000),
      `${'DE'.repeat(300_000)}89`,
      '4111.'.repeat(200_000),
    ]) {
      expect(redactText(big, counts).length).toBeGreaterThan(0);
    }
  });
});

describe('Redactor', () => {
  it('removes a private key a log spreads over lines, up to and including its END line', () => {
    const redactor = new Redactor();
    const lines = [
      'INFO cfg: loading key',
      'INFO cfg: -----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw',
      '7oxDd2W1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLwAAAA==',
      '-----END RSA PRIVATE KEY-----',
      'INFO cfg: key loaded',
    ].map((line) => redactor.redact(line));
    expect(lines).toEqual([
      'INFO cfg: loading key',
      'INFO cfg: <PRIVATE_KEY>',
      '<PRIVATE_KEY>',
      '<PRIVATE_KEY>',
      '<PRIVATE_KEY>',
      'INFO cfg: key loaded',
    ]);
    expect(redactor.counts.privateKey).toBe(1);
  });

  it('keeps running counts per kind over many lines', () => {
    const r = new Redactor();
    r.redact('from 10.0.0.1 to 10.0.0.2');
    r.redact('user a@example.com');
    expect(r.counts.ipv4).toBe(2);
    expect(r.counts.email).toBe(1);
    expect(r.total).toBe(3);
    expect(totalRedactions(r.counts)).toBe(3);
  });

  it('pseudonymises addresses and host names consistently, so hosts stay distinguishable', () => {
    const r = new Redactor();
    expect(r.redact('from 10.0.0.1:80 to 10.0.0.2')).toBe('from <IP#1>:80 to <IP#2>');
    expect(r.redact('retry 10.0.0.1 via db-0.internal, then DB-0.internal')).toBe(
      'retry <IP#1> via <HOST#1>, then <HOST#1>',
    );
    expect(r.redact('peer fe80::1ff:fe23:4567:890a up; host=web-01')).toBe('peer <IP#3> up; host=<HOST#2>');
    expect(r.counts).toMatchObject({ ipv4: 3, ipv6: 1, hostname: 3 });
    expect(r.pseudonyms.distinct).toEqual({ ip: 3, host: 2 });
  });

  it('gives a header host field the same pseudonym as the text, and leaves placeholders and "-" alone', () => {
    const r = new Redactor();
    r.redact('connect 10.0.0.9');
    expect(r.host('10.0.0.9')).toBe('<IP#1>');
    expect(r.host('combo')).toBe('<HOST#1>');
    expect(r.host('COMBO')).toBe('<HOST#1>');
    expect(r.host('-')).toBe('-');
    expect(r.host('<HOST#1>')).toBe('<HOST#1>');
    expect(r.counts).toMatchObject({ ipv4: 2, hostname: 2 });
  });

  it('numbers new values after the pseudonyms already in text redacted before (a stored entry)', () => {
    const r = new Redactor();
    expect(r.redact('<IP#1> and <IP#4> were seen, now 10.1.1.1')).toBe(
      '<IP#1> and <IP#4> were seen, now <IP#5>',
    );
    expect(r.counts.ipv4).toBe(1);
  });

  it('removes addresses and host names with network "remove", and keeps them with "keep"', () => {
    const removed = new Redactor({ network: 'remove' });
    expect(removed.redact('10.0.0.1 db.internal')).toBe('<IP> <HOST>');
    expect(removed.host('web-01')).toBe('<HOST>');
    const kept = new Redactor({ network: 'keep' });
    expect(kept.redact('10.0.0.1 db.internal a@example.com')).toBe('10.0.0.1 db.internal <EMAIL>');
    expect(kept.host('web-01')).toBe('web-01');
    expect(kept.total).toBe(1);
  });

  it('stops numbering past its capacity and removes further values instead', () => {
    const p = new Pseudonyms(2);
    expect([p.of('IP', 'a'), p.of('IP', 'b'), p.of('IP', 'c'), p.of('IP', 'a')]).toEqual([
      '<IP#1>',
      '<IP#2>',
      '<IP>',
      '<IP#1>',
    ]);
  });
});

describe('redactPersonNames (what a model is sent)', () => {
  it.each([
    ['User John Smith (phone <PHONE>) cannot log in', 'User <NAME> (phone <PHONE>) cannot log in'],
    ['slow request for user John Smith', 'slow request for user <NAME>'],
    ['Name: Mei Lin\nContact: Ewan Doherty.', 'Name: <NAME>\nContact: <NAME>.'],
    ['our client James Whitford, and customer=Ana Sousa', 'our client <NAME>, and customer=<NAME>'],
    ['approved by Dr Lindqvist. Thanks, Dr. Claudia Berg', 'approved by Dr <NAME>. Thanks, Dr. <NAME>'],
    ['Ms. Sofia Marchetti and Ms Sofia Marchetti', 'Ms. <NAME> and Ms <NAME>'],
    // QA3 (7 Dec): double-barrelled names, more cues, and a name in a query string.
    ['Contact: Maria Garcia-Lopez requested access', 'Contact: <NAME> requested access'],
    ['owner=Bob Jones changed plan, signed by Anna Kowalska', 'owner=<NAME> changed plan, signed by <NAME>'],
    ["Hi, I am Rahul Sharma. I'm Li Wei", "Hi, I am <NAME>. I'm <NAME>"],
    ['GET /cb?state=x&name=Peter+Parker&y=1', 'GET /cb?state=x&name=<NAME>&y=1'],
  ])('replaces the name in %j', (input, expected) => {
    expect(redactPersonNames(input).text).toBe(expected);
  });

  it.each([
    [
      'title-case product and team names after a cue',
      'The User Profile Service and the Customer Service Agent',
    ],
    ['a third capitalised word (a phrase, not a person)', 'see User Guide Chapter Two'],
    ['a single word after a cue', 'user John logged in, user root, user=admin'],
    ['class, component and method names', 'UserService Foo Bar, user Foo.Bar, user FooBar(), name Foo_Bar'],
    ['a cue ending a sentence', 'Wrong name. Could Learn more'],
    ['Ms without a dot before one word (an abbreviation)', 'trained on Ms Coco'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactPersonNames(input)).toEqual({ text: input, names: 0 });
  });

  it('handles pathological inputs in linear time', () => {
    for (const big of ['user Ab '.repeat(150_000), 'Dr. '.repeat(250_000), 'Aa '.repeat(300_000)]) {
      expect(redactPersonNames(big).text.length).toBeGreaterThan(0);
    }
  });
});
