import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { MAX_RAW_LOG_BYTES, summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary.ts';
import { fixtureText } from './fixtures.ts';

function expectValidation(run: () => unknown, field: string, message: string): void {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error instanceof ValidationError && error.field).toBe(field);
    expect(error instanceof Error && error.message).toContain(message);
    return;
  }
  expect.unreachable('expected a ValidationError');
}

/** A synthetic service log: steady traffic, a burst of errors at 10:30, a new message at the end. */
function serviceLog(): string {
  const lines: string[] = [];
  const at = (minute: number, second: number) =>
    `2024-05-01 10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')},000`;
  for (let m = 0; m < 60; m++) {
    for (let s = 0; s < 60; s += 20) {
      lines.push(`${at(m, s)} INFO [main] com.shop.Api: GET /orders/${m * 100 + s} served in ${10 + s} ms`);
    }
    if (m === 5) lines.push(`${at(m, 59)} WARN [pool] com.shop.Db: slow query took 1200 ms`);
  }
  for (let i = 0; i < 40; i++) {
    lines.push(
      `${at(30, i)} ERROR [pool] com.shop.Db: connection to db-${i % 3}.internal refused for user ops@example.com`,
    );
  }
  lines.push(`${at(59, 59)} INFO [main] com.shop.Api: shutting down after signal 15`);
  return lines.join('\n');
}

describe('summarizeLog', () => {
  it('rejects empty input, naming raw', () => {
    expectValidation(() => summarizeLog(''), 'raw', 'is empty');
    expectValidation(() => summarizeLog(' \n\r\n\t'), 'raw', 'is empty');
  });

  it('rejects input over the size limit and says the limit', () => {
    expect(MAX_RAW_LOG_BYTES).toBe(5 * 1024 * 1024);
    expectValidation(() => summarizeLog('x'.repeat(2000), { maxBytes: 1024 }), 'raw', '1 KiB');
    expectValidation(() => summarizeLog('é'.repeat(600), { maxBytes: 1024 }), 'raw', 'larger than the limit');
  });

  it('rejects binary data and non-strings', () => {
    expectValidation(() => summarizeLog('PK\u0003\u0004\u0000\u0000binary'), 'raw', 'binary');
    expectValidation(() => summarizeLog(42), 'raw', 'must be a string');
  });

  it('rejects an invalid format, naming format', () => {
    expectValidation(() => summarizeLog('a line', { format: '<Date> <Time>' }), 'format', 'Content');
  });

  it('accepts text with invalid UTF-16 (lone surrogates) and replaces them', () => {
    const result = summarizeLog('hello \ud800 world\nsecond line');
    expect(result.summary.lines.analysed).toBe(2);
    expect(JSON.stringify(result.templates)).not.toMatch(/\\ud800/i);
  });

  it('summarises volume, time span, levels, templates, errors, bursts, components and redactions', () => {
    const { summary, templates, redactions } = summarizeLog(serviceLog());
    expect(summary.lines).toMatchObject({ total: 222, analysed: 222, blank: 0, unmatchedHeader: 0 });
    expect(summary.timeSpan).toMatchObject({
      start: '2024-05-01T10:00:00.000Z',
      end: '2024-05-01T10:59:59.000Z',
    });
    expect(summary.levels).toEqual({ counts: { INFO: 181, WARN: 1, ERROR: 40 }, source: 'header' });
    expect(summary.topTemplates[0]).toMatchObject({
      template: 'GET <PATH> served in <NUM> ms',
      count: 180,
      share: 0.8108,
    });
    expect(summary.errorTemplates).toHaveLength(1);
    expect(summary.errorTemplates[0]?.template).toBe('connection to <HOST> refused for user <EMAIL>');
    expect(templates.find((t) => t.id === summary.errorTemplates[0]?.id)?.parameters[0]?.values).toEqual([
      { value: '<HOST#1>', count: 14 },
      { value: '<HOST#2>', count: 13 },
      { value: '<HOST#3>', count: 13 },
    ]);
    expect(summary.warningTemplates[0]?.template).toBe('slow query took <NUM> ms');
    expect(summary.firstError).toMatchObject({
      line: 182,
      level: 'ERROR',
      time: '2024-05-01T10:30:00.000Z',
      text: 'connection to <HOST#1> refused for user <EMAIL>',
      inferred: false,
    });
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0]).toMatchObject({
      kind: 'errors',
      start: '2024-05-01T10:30:00.000Z',
      end: '2024-05-01T10:30:39.000Z',
      errors: 40,
    });
    expect(summary.newTemplates.map((t) => t.template)).toContain('shutting down after signal <NUM>');
    expect(summary.rareTemplates.map((t) => t.template)).toContain('slow query took <NUM> ms');
    expect(summary.topComponents).toEqual([
      { name: 'com.shop.Api', lines: 181, errors: 0 },
      { name: 'com.shop.Db', lines: 41, errors: 40 },
    ]);
    expect(redactions).toEqual(summary.redactions);
    expect(redactions.byKind.email).toBe(40);
    expect(JSON.stringify(templates)).not.toContain('ops@example.com');
    expect(summary.templates.total).toBe(templates.length);
  });

  it("writes nginx's connection number as `*<NUM>` in one template, and quotes it as written", () => {
    const lines = ['2024/05/01 10:00:00 [notice] 31#0: start worker processes'];
    for (let i = 0; i < 30; i++)
      lines.push(
        `2024/05/01 10:00:${String(i + 1).padStart(2, '0')} [error] 32#0: *${1200 + i * 37} connect() failed (111: Connection refused) while connecting to upstream`,
      );
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.errorTemplates.map((t) => [t.template, t.count])).toEqual([
      ['*<NUM> connect() failed (<NUM>: Connection refused) while connecting to upstream', 30],
    ]);
    expect(summary.firstError?.text).toBe(
      '*1200 connect() failed (111: Connection refused) while connecting to upstream',
    );
  });

  it("counts a Redis warning that says error as an error, since Redis's levels end at warning; not a warning of a log with an error level", () => {
    const redis: string[] = [];
    const log4j: string[] = [];
    for (let i = 0; i < 40; i++) {
      const t = `10:00:${String(i).padStart(2, '0')}.000`;
      const failed = i % 4 === 0;
      redis.push(
        failed
          ? `1:M 04 Dec 2024 ${t} # Background saving error`
          : `1:M 04 Dec 2024 ${t} * Background saving terminated with success`,
      );
      log4j.push(`2024-12-04 ${t} ${failed ? 'WARN' : 'INFO '} [main] Saver - Background saving error`);
    }
    log4j.push('2024-12-04 10:01:00.000 ERROR [main] Saver - disk full');
    const { summary } = summarizeLog(redis.join('\n'));
    expect(summary.levels).toMatchObject({ source: 'header', counts: { NOTICE: 30, WARN: 10 } });
    expect(summary.errors).toEqual({ total: 10, inferred: 10 });
    expect(summary.headline).toContain('recognised from wording: the log has no error level');
    expect(summarizeLog(log4j.join('\n')).summary.errors).toEqual({ total: 1, inferred: 0 });
  });

  it('counts a Lambda timeout as an error and names the platform lines by their own words, in an export whose function lines have levels', () => {
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      const t = new Date(Date.UTC(2024, 4, 1, 10, 0, i * 10)).toISOString();
      const rid = `6f1c2a4e-0b7d-4c1e-9a3f-${String(100_000_000_000 + i)}`;
      const burst = i >= 60 && i < 72;
      lines.push(`${t} START RequestId: ${rid} Version: $LATEST`);
      if (burst && i % 2 === 0) lines.push(`${t} ${rid} Task timed out after 3.00 seconds`);
      else lines.push(`${t}\t${rid}\t${burst ? 'ERROR' : 'INFO'}\tcharged order ${100 + i}`);
      lines.push(`${t}\tEND RequestId: ${rid}`);
      lines.push(`${t}\tREPORT RequestId: ${rid}\tDuration: 12.${i} ms\tBilled Duration: 13 ms\t`);
    }
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.errors).toEqual({ total: 12, inferred: 6 });
    const texts = summary.topTemplates.map((t) => t.template);
    expect(texts).toContain('START RequestId: <UUID> Version: $LATEST');
    expect(texts).toContain('END RequestId: <UUID>');
    expect(summary.topHosts).toEqual([]);
    expect(summary.headline).toContain('12 errors (some recognised from wording, on lines without a level)');
  });

  /**
   * A hand-made CloudWatch export of a Lambda function: the platform's START, END and REPORT lines, the Node
   * runtime's `time⇥id⇥LEVEL⇥message`, the Python runtime's `[LEVEL]⇥time⇥id⇥message`, and timeouts.
   * `writers` picks which of the function's lines it has; `s3` writes it as CloudWatch exports to S3, every
   * message after the time it was received (the runtime's lines then carry two times).
   */
  function lambdaExport(writers: {
    node: boolean;
    python: boolean;
    s3?: boolean;
    timeoutEvery?: number;
  }): string {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 10, i, 0, ms)).toISOString();
      const rid = `3f1c2a4e-0b7d-4c1e-9a3f-${String(100_000_000_000 + i)}`;
      const every = writers.timeoutEvery ?? 10;
      const timedOut = i % every === every - 1;
      lines.push(`${at(0)} START RequestId: ${rid} Version: $LATEST`);
      if (writers.node && i % 2 === 0)
        lines.push(`${at(5)}\t${rid}\t${i % 6 === 0 ? 'ERROR' : 'INFO'}\tcharged order ${100 + i}`);
      if (writers.python && i % 2 === 1) {
        lines.push(`[INFO]\t${at(5)}\t${rid}\tFound credentials in environment variables.`);
        if (i % 6 === 1) lines.push(`[ERROR]\t${at(6)}\t${rid}\tKeyError: 'customer_id'`);
      }
      if (timedOut) lines.push(`${at(3000)} ${rid} Task timed out after 3.00 seconds`);
      const ms = timedOut ? 3000 : 40 + i;
      lines.push(`${at(ms + 1)} END RequestId: ${rid}`);
      lines.push(
        `${at(ms + 2)} REPORT RequestId: ${rid}\tDuration: ${ms}.00 ms\tBilled Duration: ${ms + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t`,
      );
    }
    if (writers.s3) {
      // Received a little after it was written: the platform's lines already open with the time received.
      const received = (line: string) => {
        const written = line.match(/\d{4}-\d\d-\d\dT[\d:.]+Z/)?.[0] ?? '';
        return line.startsWith(written) && / (START|END|REPORT) /.test(line.slice(0, 40))
          ? line
          : `${written} ${line}`;
      };
      return lines.map(received).join('\n');
    }
    return lines.join('\n');
  }

  it("reads the Python runtime's `[LEVEL]⇥time⇥id⇥message` lines of a Lambda export: level, time and message apart", () => {
    const { summary, templates } = summarizeLog(lambdaExport({ node: true, python: true }));
    // ERROR: 10 Node lines (i % 6 === 0) and 10 Python ones (i % 6 === 1); INFO: 20 Node, 30 Python.
    expect(summary.levels.counts).toMatchObject({ ERROR: 20, INFO: 50 });
    // The 6 timeouts are errors by their wording, beside the 20 with a level.
    expect(summary.errors).toEqual({ total: 26, inferred: 6 });
    const texts = templates.map((t) => t.template);
    // The request id is the header's, as in the Node runtime's lines: it opened the template and the quote.
    expect(texts).toContain("KeyError: 'customer_id'");
    expect(texts.filter((t) => t.startsWith('<UUID>') && !t.includes('Task timed out'))).toEqual([]);
    expect(summary.firstError?.text).toBe('charged order 100');
    const python = summary.errorTemplates.find((t) => t.template === "KeyError: 'customer_id'");
    expect(python?.count).toBe(10);
    expect(texts.filter((t) => t.startsWith('[') || t.includes('<*> <*>'))).toEqual([]);
    // Every line has its time: the Python lines' were lost with their header.
    expect(summary.timeSpan?.linesWithTime).toBe(summary.lines.analysed);
  });

  it("reads a Lambda function's Python runtime lines alone (no platform line): level, time, and no request id in the message", () => {
    const lines = [`[INFO]\t2026-12-04T09:59:59.900Z\t\tFound credentials in environment variables.`];
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(2026, 11, 4, 10, i, 0, 200)).toISOString();
      const rid = `3f1c2a4e-0b7d-4c1e-9a3f-${String(100_000_000_000 + i)}`;
      const level = i % 5 === 0 ? 'ERROR' : i % 5 === 1 ? 'WARNING' : 'INFO';
      const message =
        level === 'ERROR' ? "KeyError: 'customer_id'" : `processing order ${1000 + i} for customer ${i % 7}`;
      lines.push(`[${level}]\t${at}\t${rid}\t${message}`);
    }
    const { summary, templates } = summarizeLog(lines.join('\n'));
    expect(summary.levels.counts).toMatchObject({ ERROR: 6, WARN: 6, INFO: 19 });
    expect(summary.timeSpan?.linesWithTime).toBe(31);
    expect(summary.timeSpan?.start).toBe('2026-12-04T09:59:59.900Z');
    expect(templates.map((t) => t.template).sort()).toEqual([
      'Found credentials in environment variables.',
      "KeyError: 'customer_id'",
      'processing order <NUM> for customer <NUM>',
    ]);
    expect(summary.firstError).toMatchObject({ text: "KeyError: 'customer_id'", line: 2 });
    // Request ids are no component or host.
    expect(summary.topComponents).toEqual([]);
    expect(summary.topHosts).toEqual([]);
  });

  it("reads a Lambda function's Node runtime lines alone at every level, the request id apart (`undefined` outside an invocation)", () => {
    const lines = [`2026-12-04T09:59:59.900Z\tundefined\tINFO\tLoading function`];
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(2026, 11, 4, 10, i, 0, 200)).toISOString();
      const rid = `3f1c2a4e-0b7d-4c1e-9a3f-${String(100_000_000_000 + i)}`;
      const level = i % 5 === 0 ? 'ERROR' : i % 5 === 1 ? 'WARN' : 'INFO';
      lines.push(`${at}\t${rid}\t${level}\tcharged order ${1000 + i}`);
    }
    const { summary, templates } = summarizeLog(lines.join('\n'));
    expect(summary.levels.counts).toMatchObject({ ERROR: 6, WARN: 6, INFO: 19 });
    expect(summary.timeSpan?.linesWithTime).toBe(31);
    expect(templates.map((t) => t.template).sort()).toEqual(['Loading function', 'charged order <NUM>']);
    expect(summary.firstError?.text).toBe('charged order 1000');
    expect(summary.topComponents).toEqual([]);
    expect(summary.topHosts).toEqual([]);
  });

  it("reads a Python runtime's few `[ERROR]⇥time⇥id⇥message` lines too, however rare among the export's lines", () => {
    const lines = lambdaExport({ node: true, python: false }).split('\n');
    // Three failures in 216 lines (1.4%): rare errors are the lines an on-call engineer looks for.
    for (const at of [150, 90, 30]) {
      const time = lines[at]?.split(/[ \t]/)[0] ?? '';
      lines.splice(
        at,
        0,
        `[ERROR]\t${time}\t3f1c2a4e-0b7d-4c1e-9a3f-${900_000_000_000 + at}\tKeyError: 'customer_id'`,
      );
    }
    const { summary, templates } = summarizeLog(lines.join('\n'));
    expect(summary.levels.counts).toMatchObject({ ERROR: 13 });
    expect(templates.map((t) => t.template)).toContain("KeyError: 'customer_id'");
    expect(summary.timeSpan?.linesWithTime).toBe(summary.lines.analysed);
  });

  // Every third invocation timing out: the runtime's lines without a level are then a quarter of its own.
  it.each([10, 3])(
    'reads an export to S3 as the same export without the times received (a timeout every %i)',
    (timeoutEvery) => {
      const plain = summarizeLog(lambdaExport({ node: true, python: true, timeoutEvery }));
      const s3 = summarizeLog(lambdaExport({ node: true, python: true, s3: true, timeoutEvery }));
      expect(s3.summary.levels.counts).toEqual(plain.summary.levels.counts);
      expect(s3.summary.errors).toEqual(plain.summary.errors);
      expect(s3.templates.map((t) => [t.template, t.count]).sort()).toEqual(
        plain.templates.map((t) => [t.template, t.count]).sort(),
      );
      // Every line carries the collector's time: none is without the usual header (the platform's lines
      // were, as the plain export's are not).
      expect(s3.summary.lines).toEqual(plain.summary.lines);
      expect(s3.summary.lines.unmatchedHeader).toBe(0);
      // Neither the request ids nor the runtimes' times are components or hosts.
      expect(s3.summary.topComponents).toEqual([]);
      expect(s3.summary.topHosts).toEqual([]);
    },
  );

  it.each([
    ['with Node and Python lines', { node: true, python: true }],
    ['with Python lines only', { node: false, python: true }],
    ['with no line of its own', { node: false, python: false }],
    ['exported to S3 (the time received before each message)', { node: true, python: true, s3: true }],
  ])(
    'groups every Lambda timeout of an export %s into one template, request id and seconds as its values',
    (_what, writers) => {
      const { summary, templates } = summarizeLog(lambdaExport(writers));
      const timeouts = templates.filter((t) => t.template.includes('Task timed out'));
      expect(timeouts.map((t) => [t.template, t.count])).toEqual([
        ['<UUID> Task timed out after <NUM> seconds', 6],
      ]);
      const ids = timeouts[0]?.parameters.find((p) => p.type === 'UUID');
      expect(ids?.values.map((v) => v.value)).toContain('3f1c2a4e-0b7d-4c1e-9a3f-100000000009');
      // The request ids and the platform's START, END and REPORT are no hosts.
      expect(summary.topHosts).toEqual([]);
      expect(templates.map((t) => t.template)).toContain('START RequestId: <UUID> Version: $LATEST');
      expect(summary.errors.total).toBeGreaterThanOrEqual(6);
    },
  );

  it('gives the percentiles of durations the lines write as a field (a Lambda REPORT), per template', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      const t = new Date(Date.UTC(2024, 4, 1, 10, 0, i * 10)).toISOString();
      const rid = `6f1c2a4e-0b7d-4c1e-9a3f-${String(100_000_000_000 + i)}`;
      lines.push(`${t} START RequestId: ${rid} Version: $LATEST`);
      lines.push(`${t}\t${rid}\tINFO\tcharged order ${100 + i} in ${i} ms`);
      lines.push(`${t}\tEND RequestId: ${rid}`);
      lines.push(`${t}\tREPORT RequestId: ${rid}\tDuration: ${i + 1}.00 ms\tBilled Duration: ${i + 2} ms\t`);
    }
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.durations).toHaveLength(1);
    const report = summary.durations?.[0];
    expect(report?.template).toMatch(/^REPORT RequestId: <UUID> Duration: <NUM> ms/);
    expect(report?.durationMs).toMatchObject({ count: 100, max: 100 });
    expect(report?.durationMs.p50).toBeCloseTo(50, -0.5);
    expect(renderSummaryText(summary)).toContain('Durations named in the lines:');
    // Prose ("in 3 ms") is no field: a log without one has no durations.
    expect(
      summarizeLog(lines.filter((l) => !l.includes('REPORT')).join('\n')).summary.durations,
    ).toBeUndefined();
  });

  it('reads times and levels with an explicit Loghub format', () => {
    const { summary } = summarizeLog(fixtureText('HDFS'), {
      format: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
    });
    expect(summary.header).toMatchObject({ kind: 'format', coverage: 1 });
    expect(summary.timeSpan).toMatchObject({ start: '2008-11-09T20:36:15.000Z', linesWithTime: 46 });
    expect(summary.levels.source).toBe('header');
  });

  it('names the earliest error as the first, not the first in the file, in logs of several servers joined together', () => {
    const server = (host: string, hour: number, errorAt: number) =>
      Array.from({ length: 30 }, (_, minute) => {
        const at = `2024-05-01 ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00,000`;
        return minute === errorAt
          ? `${at} ERROR [main] com.shop.Db: connection to db-${host} refused`
          : `${at} INFO [main] com.shop.Api: GET /orders/${minute} served in 12 ms`;
      });
    // Server b's log (12:00-12:29) comes first in the file, server a's (11:00-11:29) after it.
    const { summary } = summarizeLog([...server('b', 12, 5), ...server('a', 11, 20)].join('\n'));
    expect(summary.firstError).toMatchObject({ line: 51, time: '2024-05-01T11:20:00.000Z' });
  });

  it('lists templates first seen near the end in time order, not in file order, in logs of several servers', () => {
    const server = (event: string, at: number) =>
      Array.from({ length: 30 }, (_, minute) => {
        const time = `2024-05-01 12:${String(minute).padStart(2, '0')}:00,000`;
        return minute === at
          ? `${time} INFO [main] com.shop.Ops: ${event}`
          : `${time} INFO [main] com.shop.Api: GET /orders/${minute} served in 12 ms`;
      });
    const early = Array.from(
      { length: 30 },
      (_, m) =>
        `2024-05-01 11:${String(m).padStart(2, '0')}:00,000 INFO [main] com.shop.Api: GET /cart/${m} served in 9 ms`,
    );
    const log = [
      ...early,
      ...server('cache warmed for region eu', 28),
      ...server('replica promoted to primary', 20),
    ];
    const { summary } = summarizeLog(log.join('\n'));
    expect(summary.newTemplates.map((t) => t.template)).toEqual([
      'replica promoted to primary',
      'cache warmed for region eu',
    ]);
  });

  it('infers levels from wording when the log has no level field', () => {
    const { summary } = summarizeLog(fixtureText('Mac'));
    expect(summary.levels.source).toBe('inferred');
    expect(summary.levels.counts.ERROR).toBeGreaterThan(0);
    expect(summary.firstError?.inferred).toBe(true);
    expect(summary.topHosts.length).toBeGreaterThan(0);
  });

  it('renders readable text with the main sections', () => {
    const text = renderSummaryText(summarizeLog(serviceLog()).summary);
    expect(text).toMatch(/^40 errors between 2024-05-01 10:30:00 and 10:30:39,/);
    // The log writes no zone: its times are given as written, not as UTC.
    expect(text).toContain('\nLog: 222 lines from 2024-05-01T10:00:00.000 to');
    for (const section of [
      'Levels:',
      'Incidents (in time order):',
      'Top templates:',
      'Error templates:',
      'First error',
      'Redactions: ',
    ]) {
      expect(text).toContain(section);
    }
  });

  it('gives a bounded, correct result for a single 1 MB line', () => {
    const { summary, templates } = summarizeLog(`2024-05-01 10:00:00 INFO ${'data '.repeat(210_000)}`);
    expect(summary.lines).toMatchObject({ analysed: 1, truncated: 1 });
    expect(templates).toHaveLength(1);
    expect(JSON.stringify(templates).length).toBeLessThan(20_000);
  });

  it('stays bounded on a log of distinct messages, counting every line', () => {
    const word = (i: number) => i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] ?? 'q');
    const raw = Array.from(
      { length: 20_000 },
      (_, i) => `${word(i * 7919)} ${word(i * 104729)} ${word(i)} ends`,
    );
    const { summary, templates } = summarizeLog(raw.join('\n'), { maxTemplates: 500, templateLimit: 100 });
    expect(summary.lines.analysed).toBe(20_000);
    expect(summary.templates.total).toBeLessThanOrEqual(501);
    expect(templates).toHaveLength(100);
  });
});
