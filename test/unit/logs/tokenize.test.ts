import { describe, expect, it } from 'vitest';
import { tokenize, type VariableType } from '../../../lambdas/core/logs/tokenize.ts';

/** The variables found in a message as [type, original text] pairs. */
function variables(message: string): [VariableType | undefined, string][] {
  const t = tokenize(message);
  return t.tokens.flatMap((tok, i) => (tok.trim() === '<*>' ? [[t.types[i], t.values[i] ?? '']] : []));
}

const typeOf = (word: string): VariableType | undefined => variables(`value ${word} end`)[0]?.[0];

describe('tokenize', () => {
  it('keeps constant words and masks every variable as <*> in the key', () => {
    const t = tokenize('PacketResponder 1 for block blk_38865049064139660 terminating');
    expect(t.key).toBe('PacketResponder <*> for block <*> terminating');
    expect(t.tokens.join('')).toBe(t.key);
    expect(t.count).toBe(t.tokens.length);
  });

  it.each([
    ['42', 'NUM'],
    ['-3.25', 'NUM'],
    ['0x7fa823a04400', 'HEX'],
    ['113d3a99c3da401fbd62cc2caa5b96d2', 'HEX'],
    ['10.251.73.220', 'IP'],
    ['10.251.73.220:50010', 'IP'],
    ['fe80::1ff:fe23:4567:890a', 'IP'],
    ['b9000564-fe1a-409b-b8cc-1e88b294cd1d', 'UUID'],
    ['/var/log/messages', 'PATH'],
    ['/v2/54fadb/servers/detail?all_tenants=True&changes-since=2017-05-16', 'PATH'],
    ['./runtime_malloc', 'PATH'],
    ['https://example.com/a/b?x=1', 'URL'],
    ['250ms', 'DURATION'],
    ['30s', 'DURATION'],
    ['512MB', 'SIZE'],
    ['15:16:01', 'TIME'],
    ['2017-05-16', 'TIME'],
    ['blk_-6952295868487656571', 'ID'],
    ['appattempt_1445144423722_0020_000001', 'ID'],
    ['csnsu.nsuok.edu', 'HOST'],
    ['bob@example.com', 'EMAIL'],
  ] as const)('recognises %s as %s', (word, type) => {
    expect(typeOf(word)).toBe(type);
  });

  it("reads name@version (npm packages, Apple's function@line, Erlang node names) as no e-mail address", () => {
    for (const word of ['shop@1.0.0', 'lodash@4.17.21', '@types/node@20.1.0'])
      expect(typeOf(word)).not.toBe('EMAIL');
    expect(variables('doSaveChannels@425: Will write').map(([type]) => type)).not.toContain('EMAIL');
    expect(variables('alarm set on node rabbit@mq-1.').map(([type]) => type)).not.toContain('EMAIL');
    expect(typeOf('bob@example.com.')).toBe('EMAIL');
  });

  it('leaves words without digits as constants, Java names included', () => {
    expect(variables('Registering class org.apache.hadoop.mapreduce.jobhistory.EventType')).toEqual([]);
  });

  it('splits key=value, brackets and quotes into structure and values', () => {
    expect(tokenize('uid=0 euid=0 (uid=0) "x"').key).toBe('uid=<*> euid=<*> (uid=<*>) "x"');
  });

  it('keeps an empty pair as a variable slot so it groups with a filled one', () => {
    expect(tokenize('connection from 1.2.3.4 () at x').key).toBe(
      tokenize('connection from 1.2.3.4 (h1.net) at x').key,
    );
  });

  it('treats runs of dots as separators (`dcbf.........0`)', () => {
    expect(tokenize('caused by dcbf.........0').key).not.toBe(tokenize('caused by icbi.........0').key);
  });

  it('collapses a written-out date into one variable', () => {
    const a = tokenize('connection at Sun Jul 31 12:01:02 2005');
    const b = tokenize('connection at Mon Aug 1 03:04:05 2005');
    expect(a.key).toBe('connection at <*>');
    expect(b.key).toBe(a.key);
    expect(a.types.at(-1)).toBe('TIME');
  });

  it('collapses lists of values of varying length', () => {
    expect(tokenize('channels 1 2 3 4 5').key).toBe(tokenize('channels 36 40').key);
  });

  it('treats redaction placeholders, alone or glued to text, as variables', () => {
    expect(tokenize('from <IP> user <EMAIL>').key).toBe('from <*> user <*>');
    expect(tokenize('rhost=<IP>.isp.net').key).toBe('rhost=<*>');
  });

  it('bounds the work on a huge line: few tokens, a trailing variable, short values', () => {
    const t = tokenize('word '.repeat(200_000), 256);
    expect(t.count).toBe(257);
    expect((t.values.at(-1) ?? '').length).toBeLessThanOrEqual(256);
    const blob = tokenize(`x ${'a'.repeat(5000)}`);
    expect(blob.key).toBe('x <*>');
  });

  it('returns an empty key for an empty message', () => {
    expect(tokenize('').key).toBe('');
    expect(tokenize('   ').count).toBe(0);
  });
});

describe('tokenize: values that are not just "has a digit"', () => {
  it('keeps words with one short digit run as words, and identifiers as values', () => {
    expect(tokenize('link up on eth0 via ssh2 at L3').key).toBe('link up on eth0 via ssh2 at L3');
    expect(tokenize('block blk_123 on x86_64 node R02-M1-N0').key).toBe('block <*> on <*> node <*>');
  });

  it('treats booleans, null and the built-in accounts as values', () => {
    expect(tokenize('enabled=true owner=null user root or admin').key).toBe(
      'enabled=<*> owner=<*> user <*> or <*>',
    );
  });

  it('gives a size with or without a restatement in other units the same key', () => {
    expect(tokenize('close, 1190 bytes (1.16 KB) sent').key).toBe(tokenize('close, 0 bytes sent').key);
    expect(tokenize('close, 0 bytes sent').values).toContain('0 bytes');
  });

  it('makes a quoted phrase one token and a quoted value a value', () => {
    const t = tokenize('"GET /a/b HTTP/1.1" 200 "Mozilla/5.0 (X11; Linux)" "-" "42"');
    expect(t.key).toBe('"GET <*> <*>" <*> "<*> (X11; Linux)" "-" <*>');
    expect(t.values[2]).toBe('"Mozilla/5.0 (X11; Linux)"');
    expect(tokenize("don't split 'this' apostrophe").key).toBe("don't split 'this' apostrophe");
  });

  it('reads Windows paths as paths', () => {
    expect(tokenize('Loaded C:\\Windows\\winsxs\\cbscore.dll and D:/data/x.txt').key).toBe(
      'Loaded <*> and <*>',
    );
  });
});
