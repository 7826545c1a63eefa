/**
 * The local server redacts pasted logs on a thread of its own (local/redaction-thread.ts). What is stored must
 * be what `redactLog` gives on the request's own thread, and a thread that dies must not fail the paste.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedactedLog,
  type RedactionOptions,
  redactLog,
} from '../../../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { type RedactionThread, startRedactionThread } from '../../../local/redaction-thread.ts';
import { statefulLog } from '../../support/stateful-log.ts';

const PSEUDONYMISE: RedactionOptions = { format: null, network: 'pseudonymise' };

describe('the redaction thread', () => {
  let thread: RedactionThread;
  const fellBack: string[] = [];
  const fallback = async (raw: string, options: RedactionOptions): Promise<RedactedLog> => {
    fellBack.push(raw);
    return redactLog(raw, options);
  };

  beforeAll(() => {
    thread = startRedactionThread({ fallback });
  });
  afterAll(async () => thread?.close());

  it('redacts a log byte for byte as redactLog does, on the thread', async () => {
    const raw = statefulLog(3000);
    for (const options of [PSEUDONYMISE, { format: null, network: 'remove' } as const]) {
      const onThread = await thread.redact(raw, options);
      const here = redactLog(raw, options);
      expect(Buffer.from(onThread.text).equals(Buffer.from(here.text))).toBe(true);
      expect(onThread).toEqual(here);
    }
    expect(onThreadText(await thread.redact('mail ops@example.org from 10.0.0.1\n', PSEUDONYMISE))).toBe(
      'mail <EMAIL> from <IP#1>\n',
    );
    expect(fellBack).toEqual([]);
  }, 60_000);

  it('redacts the log here when the thread dies with it, and starts another thread for the next', async () => {
    const raw = statefulLog(20_000);
    const redacting = thread.redact(raw, PSEUDONYMISE);
    await thread.terminate();

    expect(await redacting).toEqual(redactLog(raw, PSEUDONYMISE));
    expect(fellBack).toHaveLength(1);
    const next = statefulLog(10);
    expect(await thread.redact(next, PSEUDONYMISE)).toEqual(redactLog(next, PSEUDONYMISE));
    expect(fellBack).toHaveLength(1);
  }, 60_000);

  it('redacts here once closed', async () => {
    await thread.close();
    const raw = statefulLog(5);
    expect(await thread.redact(raw, PSEUDONYMISE)).toEqual(redactLog(raw, PSEUDONYMISE));
    expect(fellBack.at(-1)).toBe(raw);
  });
});

const onThreadText = (log: RedactedLog): string => log.text;
