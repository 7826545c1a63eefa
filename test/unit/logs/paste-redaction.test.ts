/**
 * A pasted log is redacted on the API's request path. Where the host serves every request on one thread (the
 * local server) it gives `submitLog` a pause, and the redaction lets other work run between its slices; what
 * is stored must not depend on where those pauses fall.
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import type { Job } from '../../../lambdas/core/jobs/job.ts';
import {
  type LogSubmission,
  REDACTION_SLICE_CHARS,
  redactLog,
  redactLogPausing,
  type SubmitLogDeps,
  submitLog,
} from '../../../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { utf8Length } from '../../../lambdas/core/logs/text-checks.ts';
import type { LogEntryRecord, NewLogEntry } from '../../../lambdas/core/use-cases/log-entries.ts';
import { statefulLog } from '../../support/stateful-log.ts';

const caller: Caller = {
  userId: '00000000-0000-4000-8000-000000000001',
  role: 'USER',
  sessionId: 'session-1',
  email: 'user@example.com',
};

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Stored {
  entry: NewLogEntry;
}

function fakeDeps(order: string[], stored: Stored[], pause?: () => Promise<void>): SubmitLogDeps {
  return {
    logEntries: {
      create: async (entry) => {
        order.push('stored');
        stored.push({ entry });
        // An idempotent replay: nothing to dispatch, so the fake needs no queue.
        return { entry: { raw: entry.raw, job: { id: 'job-1' } as Job } as LogEntryRecord, created: false };
      },
    },
    jobs: { markEnqueued: async () => {} },
    queue: { send: async () => {} },
    ...(pause ? { pause } : {}),
  };
}

const submission = (raw: string): LogSubmission => ({
  raw,
  format: null,
  source: null,
  idempotencyKey: null,
  traceId: null,
});

describe('a pasted log redacted on a thread that serves other requests', () => {
  it('lets other work run while a large log is being redacted, before the entry is stored', async () => {
    const raw = statefulLog(2000);
    expect(raw.length).toBeGreaterThan(4 * REDACTION_SLICE_CHARS);
    const order: string[] = [];
    let pauses = 0;
    const pause = () => {
      pauses += 1;
      return nextTurn();
    };
    const submitted = submitLog(fakeDeps(order, [], pause), caller, submission(raw));
    // Another request's work, queued after the paste began: it must not wait for the whole redaction.
    setImmediate(() => order.push('other request'));
    await submitted;
    expect(order).toEqual(['other request', 'stored']);
    // Both passes pause after their slices: the lines, then the header host column (of shorter, redacted lines).
    expect(pauses).toBeGreaterThan(Math.floor(raw.length / REDACTION_SLICE_CHARS));
  });

  it('stores the same text and counts as redacting the log in one go (the Lambda path)', async () => {
    const raw = statefulLog(3000);
    const inOneGo: Stored[] = [];
    const inSlices: Stored[] = [];
    await submitLog(fakeDeps([], inOneGo), caller, submission(raw));
    await submitLog(fakeDeps([], inSlices, nextTurn), caller, submission(raw));
    const [whole] = inOneGo;
    const sliced = inSlices[0];
    expect(whole?.entry.raw).toContain('<IP#1>');
    expect(whole?.entry.raw).toContain('<PRIVATE_KEY>');
    // The header's host column (`web-3`) goes too: only the layout says it is a host.
    expect(whole?.entry.raw).not.toContain('web-');
    expect(sliced?.entry.raw).toBe(whole?.entry.raw);
    expect(sliced?.entry.redactions).toEqual(whole?.entry.redactions);
    expect(sliced?.entry.lineCount).toBe(whole?.entry.lineCount);
  });

  it("redacts through the host's redact when it gives one, with the deployment's options, and stores its result", async () => {
    const raw = statefulLog(50);
    const stored: Stored[] = [];
    const asked: unknown[] = [];
    const deps: SubmitLogDeps = {
      ...fakeDeps([], stored, () => Promise.reject(new Error('no pause with a redact'))),
      network: 'remove',
      redact: async (text, options) => {
        asked.push(options);
        return redactLog(text, options);
      },
    };
    await submitLog(deps, caller, submission(raw));
    expect(asked).toEqual([{ format: null, network: 'remove' }]);
    expect(stored[0]?.entry.raw).toBe(redactLog(raw, { format: null, network: 'remove' }).text);
  });

  it('gives the same result wherever the pauses fall: mid key block, between repeats of an address', async () => {
    const raw = statefulLog(300);
    const options = { format: null, network: 'pseudonymise' } as const;
    const whole = redactLog(raw, options);
    for (const sliceChars of [1, 97, 1024]) {
      const sliced = await redactLogPausing(raw, options, nextTurn, sliceChars);
      expect(sliced).toEqual(whole);
    }
  });

  it("rewrites a CSV export's host column alike wherever the pauses fall, and as the deployment treats hosts", async () => {
    // A tab-separated export, CRLF line ends, the host after a quoted two-line message, blank lines between.
    const rows = Array.from({ length: 40 }, (_, i) =>
      [
        `2026-12-04T10:00:${String(i).padStart(2, '0')}Z`,
        i % 5 === 0 ? '"job failed\r\n  at run (job.js:1:1)"' : `request ${i} served`,
        i % 2 === 0 ? 'web-01' : '"db-primary"',
      ].join('\t'),
    );
    const raw = ['', 'timestamp\tmessage\thost', ...rows.flatMap((r) => [r, ''])].join('\r\n');
    const lines = raw.split('\n').length;
    const pseudonymise = { format: null, network: 'pseudonymise' } as const;
    const whole = redactLog(raw, pseudonymise);
    expect(whole.text).not.toMatch(/web-01|db-primary/);
    expect(whole.text.split('\n')).toHaveLength(lines);
    expect(whole.redactions.hostname).toBe(40);
    for (const sliceChars of [1, 97]) {
      expect(await redactLogPausing(raw, pseudonymise, nextTurn, sliceChars)).toEqual(whole);
    }
    const removed = redactLog(raw, { format: null, network: 'remove' }).text;
    expect(removed).not.toMatch(/web-01|db-primary|<HOST#/);
    expect(redactLog(raw, { format: null, network: 'keep' }).text).toBe(raw);
    // With an explicit format the analyzer reads no CSV columns, so no column is taken for a host.
    const formatted = redactLog(raw, { format: '<Content>', network: 'pseudonymise' }).text;
    expect(formatted).toContain('web-01');
  });
});

describe("a pasted pipe-separated table (psql's unaligned output)", () => {
  it('stores its host column pseudonymised, and leaves a `|` inside a message as written', () => {
    const rows = ['timestamp|host|level|message'];
    for (let i = 0; i < 20; i++)
      rows.push(
        `2026-12-04 10:00:${String(i).padStart(2, '0')}+00|${i % 2 ? 'web-01' : 'db-primary'}|INFO|request ${i} a|b served`,
      );
    const stored = redactLog(rows.join('\n'), { format: null, network: 'pseudonymise' });
    expect(stored.text).not.toMatch(/web-01|db-primary/);
    expect(stored.text.split('\n')[1]).toBe('2026-12-04 10:00:00+00|<HOST#1>|INFO|request 0 a|b served');
    expect(stored.redactions.hostname).toBe(20);
  });
});

describe('the UTF-8 size of a pasted log', () => {
  it('counts bytes as UTF-8 encodes them, lone surrogates as the 3 bytes of U+FFFD', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é€')).toBe(5);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\uD800x')).toBe(4);
    expect(utf8Length('x\uDC00')).toBe(4);
    expect(utf8Length('')).toBe(0);
  });
});
