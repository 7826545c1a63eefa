import { describe, expect, it } from 'vitest';
import { ContinuationDetector, mostlyIndented } from '../../../lambdas/core/logs/continuation.ts';
import { summarizeText } from '../../../lambdas/core/logs/index.ts';

const lines = (detector: ContinuationDetector, list: [string, boolean][]) =>
  list.map(([line, fits]) => detector.continues(line, fits, true));

describe('continuation lines', () => {
  it('joins a Java stack trace to the log line above it', () => {
    const d = new ContinuationDetector({ indentedLog: false, headed: true });
    expect(
      lines(d, [
        ['java.lang.IllegalStateException: boom', false],
        ['\tat com.example.Foo.bar(Foo.java:12)', false],
        ['Caused by: java.io.IOException: reset', false],
        ['\t... 42 more', false],
        ['2024-05-01 10:00:00 INFO next event', true],
      ]),
    ).toEqual([true, true, true, true, false]);
  });

  it('joins a Python traceback, its exception line included', () => {
    const d = new ContinuationDetector({ indentedLog: false, headed: false });
    expect(
      lines(d, [
        ['Traceback (most recent call last):', false],
        ['  File "app.py", line 3, in <module>', false],
        ['ValueError: bad value', false],
        ['plain message', false],
      ]),
    ).toEqual([true, true, true, false]);
  });

  it("joins a Go stack trace (zap's stacktrace, a panic's frames) to the log line above it", () => {
    const d = new ContinuationDetector({ indentedLog: false, headed: true });
    expect(
      lines(d, [
        ['github.com/acme/orders/store.(*PG).Query', false],
        ['\t/src/store/pg.go:88', false],
        ['net/http.(*conn).serve(0xc000123)', false],
        ['\t/usr/local/go/src/net/http/server.go:2009 +0x8f', false],
        ['main.main()', false],
        ['\t/src/main.go:31 +0x1d', false],
        ['2024-05-01T10:00:00.000Z\tINFO\tnext event', true],
        ['a sentence with words', false],
      ]),
    ).toEqual([true, true, true, true, true, true, false, false]);
  });

  it("joins PHP's `Stack trace:` with its numbered frames and `thrown in` line, and gdb's frames", () => {
    const d = new ContinuationDetector({ indentedLog: false, headed: true });
    expect(
      lines(d, [
        ['Stack trace:', false],
        ['#0 /var/www/html/db.php(12): PDO->__construct()', false],
        ['#1 {main}', false],
        ['  thrown in /var/www/html/db.php on line 12', false],
        ['#0  0x00007f3a1c2b in raise () from /lib/libc.so.6', false],
        ['#12 is the ticket that tracks this', false],
      ]),
    ).toEqual([true, true, true, true, true, false]);
  });

  it('never joins a line that fits the header, the first line, or plain text in a log without header', () => {
    const d = new ContinuationDetector({ indentedLog: false, headed: false });
    expect(d.continues('  indented but first', false, false)).toBe(false);
    expect(d.continues('\tat a.b.C.d(C.java:1)', true, true)).toBe(false);
    expect(d.continues('NullPointerException: x', false, true)).toBe(false);
  });

  it('does not read indentation as continuation in a log where most lines are indented', () => {
    expect(mostlyIndented(['  a', '  b', 'c'])).toBe(true);
    const d = new ContinuationDetector({ indentedLog: true, headed: false });
    expect(d.continues('  just another line', false, true)).toBe(false);
  });
});

describe('stack traces inside a container runtime’s lines', () => {
  const at = (i: number) => `2024-05-01T10:00:${String(i).padStart(2, '0')}.123456789Z`;
  const templates = (text: string) =>
    summarizeText(text, { receivedAt: Date.UTC(2024, 4, 1), redact: false }).templates.map((t) => [
      t.template,
      t.count,
    ]);

  it("joins a trace written line by line under CRI's `time stream flag` to the line that threw", () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 10 === 5) {
        lines.push(
          `${at(i)} stderr F Exception in thread "worker-1" java.lang.IllegalStateException: pool exhausted`,
        );
        lines.push(`${at(i)} stderr F \tat com.example.Pool.take(Pool.java:88)`);
        lines.push(`${at(i)} stderr F Caused by: java.io.IOException: reset`);
      } else lines.push(`${at(i)} stdout F GET /api/orders/${i} 200 ${i} ms`);
    }
    const summary = summarizeText(lines.join('\n'), { receivedAt: Date.UTC(2024, 4, 1) }).summary;
    expect(summary.lines.continuation).toBe(6);
    expect(templates(lines.join('\n'))).toEqual(
      expect.arrayContaining([
        ['Exception in thread "worker-<NUM>" java.lang.IllegalStateException: pool exhausted', 3],
      ]),
    );
    expect(templates(lines.join('\n')).map(([t]) => t)).not.toContainEqual(
      expect.stringMatching(/^at |^Caused/),
    );
  });

  it("joins a traceback written record by record to Docker's json-file log", () => {
    const record = (i: number, log: string, stream = 'stderr') =>
      JSON.stringify({ log: `${log}\n`, stream, time: at(i) });
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 10 === 5) {
        lines.push(record(i, `ERROR worker ${i} failed`));
        lines.push(record(i, 'Traceback (most recent call last):'));
        lines.push(record(i, '  File "/app/worker.py", line 42, in run'));
        lines.push(record(i, "KeyError: 'job'"));
      } else lines.push(record(i, `INFO worker ${i} processed a job`, 'stdout'));
    }
    const summary = summarizeText(lines.join('\n'), { receivedAt: Date.UTC(2024, 4, 1) }).summary;
    expect(summary.lines.continuation).toBe(9);
    expect(
      templates(lines.join('\n'))
        .map(([t]) => t)
        .sort(),
    ).toEqual(['ERROR worker <NUM> failed', 'INFO worker <NUM> processed a job']);
  });
});
