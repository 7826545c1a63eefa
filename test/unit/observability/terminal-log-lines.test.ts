/**
 * `ai-ops start` on a terminal (local/log-output.ts): a Powertools record becomes one short line, EMF blobs are
 * dropped there and kept in the JSON format, anything else passes through, and lines split across chunks or
 * written by several sources come out whole and in order.
 */
import { describe, expect, it } from 'vitest';
import {
  captureLogOutput,
  formatLogLine,
  LineSplitter,
  type LineStyle,
  lineStyle,
  type OutputStream,
} from '../../../local/log-output.ts';

// As `ai-ops start` printed them (worker thread of triage-ticket, the authorizer, the job's EMF blob).
const JOB_SUCCEEDED =
  '{"level":"INFO","message":"Job succeeded","timestamp":"2026-12-06T00:44:30.675Z","service":"ai-ops","cold_start":false,"function_arn":"arn:aws:lambda:local:000000000000:function:ai-ops-triage-ticket","function_memory_size":"1024","function_name":"ai-ops-triage-ticket","function_request_id":"78cc1c5f-88cd-4674-852b-182cd7b1f67b","sampling_rate":0,"messageId":"5cd034f5-6cd0-4604-978e-712b63418825","receiveCount":1,"jobKind":"triage-ticket","correlation_id":"160997e4-96cf-41cd-8bec-4b580adaa57e","jobId":"160997e4-96cf-41cd-8bec-4b580adaa57e","attempts":1}';
const REQUEST_DENIED =
  '{"level":"INFO","message":"request denied","timestamp":"2026-12-06T00:44:30.455Z","service":"ai-ops","cold_start":false,"function_arn":"arn:aws:lambda:local:000000000000:function:ai-ops-authorizer","function_memory_size":"1024","function_name":"ai-ops-authorizer","function_request_id":"20ac96ca-95ae-443f-ad32-bca5037aea44","sampling_rate":0,"correlation_id":"45664fb9-a195-437d-a9d0-d96549b0b488","reason":"malformed"}';
const JOB_EMF =
  '{"_aws":{"Timestamp":1796517870677,"CloudWatchMetrics":[{"Namespace":"AiOps","Dimensions":[["service","kind"]],"Metrics":[{"Name":"JobDuration","Unit":"Milliseconds"},{"Name":"JobsSucceeded","Unit":"Count"}]}]},"service":"ai-ops","kind":"triage-ticket","JobDuration":20.99,"JobsSucceeded":1}';

const READABLE: LineStyle = { format: 'readable', colour: false };
const JSON_STYLE: LineStyle = { format: 'json', colour: false };

/** The time a record shows: its timestamp on this machine's clock. */
const localClock = (iso: string) => new Date(iso).toTimeString().slice(0, 8);

/** A process stream that records what reaches it, written as the terminal would receive it. */
function fakeStream(isTTY: boolean): OutputStream & { received: string[] } {
  const received: string[] = [];
  const stream = {
    received,
    isTTY,
    hasColors: () => isTTY,
    write: ((chunk: string | Uint8Array) => {
      received.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as OutputStream['write'],
  };
  return stream;
}

describe('a log record in the readable format', () => {
  it('becomes one line: time, level, message and the job kind and id, without the Lambda context', () => {
    const line = formatLogLine(JOB_SUCCEEDED, READABLE);
    expect(line).toBe(
      `${localClock('2026-12-06T00:44:30.675Z')} INFO  Job succeeded  kind=triage-ticket job=160997e4-96cf-41cd-8bec-4b580adaa57e attempts=1`,
    );
  });

  it('names the request of a record that belongs to no job, and keeps its own keys', () => {
    expect(formatLogLine(REQUEST_DENIED, READABLE)).toBe(
      `${localClock('2026-12-06T00:44:30.455Z')} INFO  request denied  request=45664fb9-a195-437d-a9d0-d96549b0b488 reason=malformed`,
    );
  });

  it('puts the error last, as type and message, and a duration after it; a repeated delivery is shown', () => {
    const record = JSON.stringify({
      level: 'ERROR',
      message: 'Job failed on its last delivery; the message goes to the dead-letter queue',
      timestamp: '2026-12-06T01:02:03.000Z',
      function_arn: 'arn:aws:lambda:local:000000000000:function:ai-ops-summarize-log',
      receiveCount: 3,
      jobKind: 'summarize-log',
      jobId: 'job-1',
      error: {
        name: 'TypeError',
        location: 'file.js:1',
        message: 'boom',
        stack: 'TypeError: boom\n    at x',
      },
      durationMs: 27.6,
    });
    expect(formatLogLine(record, READABLE)).toBe(
      `${localClock('2026-12-06T01:02:03.000Z')} ERROR Job failed on its last delivery; the message goes to the dead-letter queue  kind=summarize-log job=job-1 delivery=3  error="TypeError: boom"  28 ms`,
    );
  });

  it('never shows a name twice: a record key named like a context key leaves the context key its JSON name', () => {
    // An LLM retry on a job: the record's own `kind` is the failure's kind, the job's kind is `jobKind`.
    const record = JSON.stringify({
      level: 'WARN',
      message: 'LLM call failed; retrying',
      timestamp: '2026-12-06T01:02:03.000Z',
      receiveCount: 5,
      jobKind: 'summarize-log',
      jobId: 'job-1',
      task: 'summary',
      kind: 'malformed_response',
      delayMs: 470,
    });
    expect(formatLogLine(record, READABLE)).toBe(
      `${localClock('2026-12-06T01:02:03.000Z')} WARN  LLM call failed; retrying  jobKind=summarize-log job=job-1 delivery=5 task=summary kind=malformed_response delayMs=470`,
    );
  });

  it('keeps a record on one line when its message or a value has line breaks', () => {
    const record = JSON.stringify({
      level: 'WARN',
      message: 'first\nsecond',
      timestamp: '2026-12-06T01:02:03.000Z',
      detail: 'a\nb',
    });
    const line = formatLogLine(record, READABLE);
    expect(line).not.toContain('\n');
    expect(line).toContain('WARN  first\\nsecond  detail="a\\nb"');
  });

  it('colours the level only when the stream is a terminal that has colours', () => {
    const coloured = formatLogLine(JOB_SUCCEEDED, { format: 'readable', colour: true });
    expect(coloured).toContain('\u001b[32mINFO \u001b[0m');
    expect(formatLogLine(JOB_SUCCEEDED, READABLE)).not.toContain('\u001b');
    expect(lineStyle(fakeStream(true), undefined)).toEqual({ format: 'readable', colour: true });
    expect(lineStyle(fakeStream(false), 'readable')).toEqual({ format: 'readable', colour: false });
  });
});

describe('EMF blobs and other lines', () => {
  it('drops an EMF blob in the readable format (its values are at /metrics) and keeps it in the JSON format', () => {
    expect(formatLogLine(JOB_EMF, READABLE)).toBeNull();
    expect(formatLogLine(JOB_EMF, JSON_STYLE)).toBe(JOB_EMF);
    expect(formatLogLine(JOB_SUCCEEDED, JSON_STYLE)).toBe(JOB_SUCCEEDED);
  });

  it('passes a line that is not a log record through unchanged', () => {
    for (const line of [
      'GraphQL: http://localhost:4000/graphql',
      'Resuming 2 job message(s) left in flight by an earlier run',
      '{"not json',
      '{"level":"INFO"}',
      '[1,2,3]',
      '',
    ]) {
      expect(formatLogLine(line, READABLE)).toBe(line);
    }
  });

  it('is JSON on a file or a pipe and readable on a terminal unless a format is asked for', () => {
    expect(lineStyle(fakeStream(false), undefined).format).toBe('json');
    expect(lineStyle(fakeStream(true), undefined).format).toBe('readable');
    expect(lineStyle(fakeStream(true), 'json')).toEqual({ format: 'json', colour: false });
  });
});

describe('lines across chunks and sources', () => {
  it('formats a record split across chunks once its end arrives, in the order written', () => {
    const written: string[] = [];
    const lines = new LineSplitter(
      (line) => formatLogLine(line, READABLE),
      (text) => written.push(text),
    );
    const text = `before\n${JOB_SUCCEEDED}\n${JOB_EMF}\nafter\n`;
    for (let at = 0; at < text.length; at += 37) lines.write(text.slice(at, at + 37));
    lines.end();
    expect(written.join('').split('\n')).toEqual([
      'before',
      formatLogLine(JOB_SUCCEEDED, READABLE),
      'after',
      '',
    ]);
  });

  it('writes what is left without a line break when the source ends', () => {
    const written: string[] = [];
    const lines = new LineSplitter(
      (line) => formatLogLine(line, READABLE),
      (text) => written.push(text),
    );
    lines.write(`${REQUEST_DENIED}\nno newline at the end`);
    lines.end();
    expect(written.join('')).toBe(`${formatLogLine(REQUEST_DENIED, READABLE)}\nno newline at the end`);
  });

  it("takes over the main thread's writes, decodes UTF-8 split across byte chunks, and gives write back", () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const original = stdout.write;
    const output = captureLogOutput({ stdout, stderr }, { stdout: READABLE, stderr: READABLE });
    const bytes = Buffer.from(`Stopping…\n${JOB_SUCCEEDED}\n`, 'utf8');
    const ellipsis = bytes.indexOf(0xe2);
    let called = 0;
    stdout.write(bytes.subarray(0, ellipsis + 1));
    stdout.write(bytes.subarray(ellipsis + 1), () => {
      called += 1;
    });
    stderr.write(`${JOB_EMF}\n`);
    output.restore();
    expect(stdout.write).toBe(original);
    expect(stdout.received.join('')).toBe(`Stopping…\n${formatLogLine(JOB_SUCCEEDED, READABLE)}\n`);
    expect(stderr.received).toEqual([]);
    return new Promise<void>((resolve) =>
      process.nextTick(() => {
        expect(called).toBe(1);
        resolve();
      }),
    );
  });

  it('keeps each source apart: a half line from one thread never joins a line of another', () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(false);
    const output = captureLogOutput({ stdout, stderr }, { stdout: READABLE, stderr: JSON_STYLE });
    const first = output.source('stdout');
    const second = output.source('stdout');
    first.write(JOB_SUCCEEDED.slice(0, 100));
    second.write(`${REQUEST_DENIED}\n`);
    first.write(`${JOB_SUCCEEDED.slice(100)}\n${JOB_EMF}\n`);
    const json = output.source('stderr');
    json.write(`${JOB_EMF}\n{"level":`);
    json.write('"ERROR"}\n');
    output.restore();
    expect(stdout.received).toEqual([
      `${formatLogLine(REQUEST_DENIED, READABLE)}\n`,
      `${formatLogLine(JOB_SUCCEEDED, READABLE)}\n`,
    ]);
    // The JSON format writes every byte as it comes.
    expect(stderr.received.join('')).toBe(`${JOB_EMF}\n{"level":"ERROR"}\n`);
  });
});
