/**
 * The local server parses large request bodies on a thread (local/body-parser.ts): the answer must be what
 * parsing on the event loop gives, refusals included, and a thread that dies must not fail the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BodyParser,
  type ParsedBody,
  parseBodyHere,
  startBodyParserThread,
  THREAD_BODY_BYTES,
} from '../../../local/body-parser.ts';

const bodyOf = (raw: string) =>
  Buffer.from(
    JSON.stringify({
      query: 'mutation($r: String!) { summarizeLog(raw: $r) { id } }',
      variables: { r: raw },
    }),
  );
const LARGE = `${'2026-12-07 10:00:00 INFO naïve café 日本語 🚀 "quoted"\t\\path\n'.repeat(8000)}end`;

describe('the body parser thread', () => {
  let parser: BodyParser;
  const parsedHere: number[] = [];
  const here = (bytes: Uint8Array): ParsedBody => {
    parsedHere.push(bytes.length);
    return parseBodyHere(bytes);
  };

  beforeAll(() => {
    parser = startBodyParserThread({ here });
  });
  afterAll(async () => parser?.close());

  it('parses a large body on its thread exactly as JSON.parse does, and a small one here', async () => {
    const large = bodyOf(LARGE);
    expect(large.length).toBeGreaterThan(THREAD_BODY_BYTES);
    expect(await parser.parse(large)).toEqual({ ok: true, body: JSON.parse(large.toString('utf8')) });
    expect(parsedHere).toEqual([]);

    const small = bodyOf('one line');
    expect(await parser.parse(small)).toEqual({ ok: true, body: JSON.parse(small.toString('utf8')) });
    expect(parsedHere).toEqual([small.length]);
  }, 60_000);

  it('refuses a large body that is not UTF-8, or not JSON, as parsing here does', async () => {
    const notUtf8 = Buffer.concat([bodyOf(LARGE), Buffer.from([0xc3, 0x28])]);
    const notJson = Buffer.concat([bodyOf(LARGE), Buffer.from(',')]);
    parsedHere.length = 0;

    expect(await parser.parse(notUtf8)).toEqual({ ok: false, problem: 'not-utf8' });
    expect(await parser.parse(notJson)).toEqual({ ok: false, problem: 'not-json' });
    expect(parseBodyHere(notUtf8)).toEqual({ ok: false, problem: 'not-utf8' });
    expect(parseBodyHere(notJson)).toEqual({ ok: false, problem: 'not-json' });
    expect(parsedHere).toEqual([]);
  }, 60_000);

  it('parses the body here when its thread dies with it, and starts another thread for the next', async () => {
    const large = bodyOf(LARGE.repeat(8));
    parsedHere.length = 0;
    const parsing = parser.parse(large);
    await parser.terminate();

    expect(await parsing).toEqual({ ok: true, body: JSON.parse(large.toString('utf8')) });
    expect(parsedHere).toEqual([large.length]);
    expect(await parser.parse(bodyOf(LARGE))).toMatchObject({ ok: true });
    expect(parsedHere).toHaveLength(1);
  }, 60_000);
});
