import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { compileFormat, matchFormat, pikeMatch } from '../../../lambdas/core/logs/format.ts';
import { createHeaderParser } from '../../../lambdas/core/logs/header.ts';
import { parseTimestamp } from '../../../lambdas/core/logs/timestamp.ts';
import { fixtureLines, SYSTEMS } from './fixtures.ts';

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

describe('header detection on Loghub logs', () => {
  it.each(SYSTEMS)('finds the message, time and header fields of %s by itself', (system) => {
    const lines = fixtureLines(system);
    const parser = createHeaderParser(lines, { defaultYear: 2017 });
    expect(parser.info.kind).toBe('columns');
    expect(parser.info.coverage).toBe(1);
    for (const line of lines) {
      const parsed = parser.parse(line);
      expect(parsed.time, line).toBeTypeOf('number');
      expect(parsed.content.length).toBeGreaterThan(0);
      expect(line.includes(parsed.content)).toBe(true);
      expect(parsed.content.length).toBeLessThan(line.trim().length);
    }
  });

  it('splits an HDFS line into time, level, component and message', () => {
    const parser = createHeaderParser(fixtureLines('HDFS'));
    const p = parser.parse(
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
    );
    expect(p).toEqual({
      content: 'PacketResponder 1 for block blk_38865049064139660 terminating',
      level: 'INFO',
      component: 'dfs.DataNode$PacketResponder',
      time: Date.UTC(2008, 10, 9, 20, 36, 15),
    });
  });

  it('reads syslog lines with an optional pid and a component written a column late', () => {
    const parser = createHeaderParser(fixtureLines('Linux'), { defaultYear: 2005 });
    expect(
      parser.parse('Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown'),
    ).toMatchObject({
      content: 'check pass; user unknown',
      component: 'sshd(pam_unix)',
      host: 'combo',
      time: Date.UTC(2005, 5, 14, 15, 16, 2),
    });
    expect(parser.parse('Jun 19 04:09:11 combo syslogd 1.4.1: restart.')).toMatchObject({
      content: 'restart.',
      component: 'syslogd',
    });
    // A program name with spaces (macOS writes them) is the whole name before `[pid]:`.
    expect(parser.parse('Jun 19 04:09:12 combo Microsoft Word[14463]: document saved')).toMatchObject({
      content: 'document saved',
      component: 'Microsoft Word',
    });
    expect(parser.parse('Jun 19 04:09:13 combo Google Chrome Helper[77]: gpu ready').component).toBe(
      'Google Chrome Helper',
    );
    expect(parser.parse('Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2').content).toBe(
      'ROOT LOGIN ON tty2',
    );
  });

  it('uses | separated columns when the lines are built that way', () => {
    const parser = createHeaderParser(fixtureLines('HealthApp'));
    expect(parser.parse('20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579')).toMatchObject({
      content: 'onStandStepChanged 3579',
      component: 'Step_LSC',
      time: Date.UTC(2017, 11, 23, 22, 15, 29, 606),
    });
  });

  it('keeps the whole text of a line that does not fit the layout (a stack trace line)', () => {
    const parser = createHeaderParser(fixtureLines('Hadoop'));
    expect(parser.parse('\tat org.apache.hadoop.ipc.Client.call(Client.java:1475)')).toEqual({
      content: 'at org.apache.hadoop.ipc.Client.call(Client.java:1475)',
    });
  });
});

describe('header detection on common formats', () => {
  const detect = (lines: string[]) => createHeaderParser(lines, { defaultYear: 2024 });

  it('log4j / logback with ISO-8601 times and a thread', () => {
    const lines = [
      '2023-03-01 10:00:00,123 INFO [main] com.example.App: Started in 3.2 seconds',
      '2023-03-01 10:00:01,456 ERROR [worker-1] com.example.Job: Job 42 failed',
      '2023-03-01 10:00:02,789 WARN [main] com.example.App: Slow response 1200 ms',
    ];
    expect(detect(lines).parse(lines[1] ?? '')).toEqual({
      content: 'Job 42 failed',
      level: 'ERROR',
      component: 'com.example.Job',
      time: Date.UTC(2023, 2, 1, 10, 0, 1, 456),
    });
  });

  it('Apache error logs with bracketed time and level', () => {
    const lines = [
      '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6',
      '[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10',
    ];
    const p = detect(lines).parse(lines[1] ?? '');
    expect(p).toMatchObject({ content: 'mod_jk child workerEnv in error state 6', level: 'ERROR' });
    expect(iso(p.time)).toBe('2005-12-04T04:47:44.000Z');
  });

  it('columns of names that sometimes hold a level word (a state column with `error`)', () => {
    const states = ['running', 'error', 'start', 'halt', 'error', 'configured'];
    const lines = states.map(
      (state, i) => `${2500 + i} node-${70 + i} action ${state} ${1074119817 + i} 1 boot (command 1902)`,
    );
    const p = detect(lines).parse(lines[1] ?? '');
    expect(p.content).toBe('boot (command 1902)');
    expect(iso(p.time)).toBe('2004-01-14T22:36:58.000Z');
  });

  it('Apache access logs, stopping at the quoted request', () => {
    const lines = [
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      '10.1.2.3 - - [10/Oct/2000:13:55:37 -0700] "POST /login HTTP/1.1" 302 0',
      '10.1.2.4 - - [10/Oct/2000:13:55:38 -0700] "GET /index.html HTTP/1.1" 200 512',
    ];
    const p = detect(lines).parse(lines[0] ?? '');
    expect(p).toMatchObject({ content: '"GET /apache_pb.gif HTTP/1.0" 200 2326', host: '127.0.0.1' });
    expect(iso(p.time)).toBe('2000-10-10T20:55:36.000Z');
  });

  it('JSON lines, with the usual key names', () => {
    const lines = [
      '{"time":"2023-03-01T10:00:00Z","level":"info","msg":"request served","logger":"http"}',
      '{"time":"2023-03-01T10:00:01Z","level":"error","msg":"database timeout","logger":"db","host":"db-1"}',
    ];
    const parser = detect(lines);
    expect(parser.info.kind).toBe('json');
    expect(parser.parse(lines[1] ?? '')).toEqual({
      content: 'database timeout',
      level: 'ERROR',
      component: 'db',
      host: 'db-1',
      time: Date.UTC(2023, 2, 1, 10, 0, 1),
    });
  });

  it("JSON lines with numeric levels: pino's and bunyan's scale, syslog severities (GELF), nothing else", () => {
    const at = (i: number) => 1714557600000 + i * 1000;
    const lines = [30, 30, 20, 40, 50, 60, 10, 3, 6, 35].map(
      (level, i) => `{"level":${level},"time":${at(i)},"pid":7,"hostname":"api-1","msg":"event ${i}"}`,
    );
    const parser = detect(lines);
    expect(parser.info.kind).toBe('json');
    expect(lines.map((l) => parser.parse(l).level)).toEqual([
      'INFO',
      'INFO',
      'DEBUG',
      'WARN',
      'ERROR',
      'FATAL',
      'TRACE',
      'ERROR',
      'INFO',
      'UNKNOWN',
    ]);
    expect(parser.parse(lines[4] ?? '')).toMatchObject({ content: 'event 4', host: 'api-1', time: at(4) });
    // A level written as a number in a string (logfmt) reads the same.
    expect(
      detect(['level=50 msg="redis unavailable"', 'level=30 msg=ok']).parse('level=50 msg=down').level,
    ).toBe('ERROR');
  });

  it('JSON lines whose time, level or message sit under other names: the keys are learned from their values', () => {
    const at = (i: number) => `2024-05-01T10:00:${String(i).padStart(2, '0')}.123+00:00`;
    // MongoDB 4.4+: the time nested as `{"$date": …}`, the level a letter under `s`.
    const mongo = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        t: { $date: at(i) },
        s: i % 10 === 3 ? 'E' : i % 10 === 5 ? 'W' : 'I',
        c: 'NETWORK',
        id: 22943 + i,
        msg: i % 10 === 3 ? 'Heartbeat failed' : 'Connection accepted',
        attr: { connectionId: i },
      }),
    );
    const parser = detect(mongo);
    expect(parser.info.description).toContain('level s, time t.$date');
    expect(parser.parse(mongo[3] ?? '')).toMatchObject({
      content: 'Heartbeat failed',
      level: 'ERROR',
      time: Date.parse('2024-05-01T10:00:03.123Z'),
    });
    expect(parser.parse(mongo[5] ?? '').level).toBe('WARN');
    // A message one level down (Cloud Logging's `jsonPayload.message`); a version is no time.
    const nested = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        version: '1.08',
        insertId: `a1b2c${i}`,
        jsonPayload: { message: `handled request ${i}`, component: 'frontend' },
        eventTime: at(i),
      }),
    );
    expect(detect(nested).parse(nested[7] ?? '')).toMatchObject({
      content: 'handled request 7',
      time: Date.parse('2024-05-01T10:00:07.123Z'),
    });
    // Known names are read as before, and no other key is learned.
    const known = mongo.map((l) =>
      l.replace('"s":', '"level":').replace(/"t":\{"\$date":("[^"]+")\}/, '"ts":$1'),
    );
    expect(detect(known).info.description).toBe('JSON lines (msg/level/time keys)');
  });

  it("reads brackets glued to each other as columns (the JVM's unified logging: `[time][uptime][level][tags]`)", () => {
    const lines = Array.from({ length: 30 }, (_, i) => {
      const time = `[2024-05-01T10:00:${String(i).padStart(2, '0')}.123+0000][${(i * 1.5).toFixed(3)}s]`;
      if (i % 10 === 6) return `${time}[warning][gc,alloc] GC(${i}) Allocation Failure, trying full GC`;
      if (i % 10 === 7) return `${time}[error][gc] GC(${i}) Out of memory`;
      return `${time}[info][gc] GC(${i}) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) ${i}.456ms`;
    });
    const parser = detect(lines);
    expect(parser.info.coverage).toBe(1);
    expect(parser.parse(lines[6] ?? '')).toMatchObject({
      content: 'GC(6) Allocation Failure, trying full GC',
      level: 'WARN',
      time: Date.parse('2024-05-01T10:00:06.123Z'),
    });
    expect(parser.parse(lines[7] ?? '').level).toBe('ERROR');
    expect(parser.parse(lines[1] ?? '')).toMatchObject({
      level: 'INFO',
      content: expect.stringMatching(/^GC\(1\) Pause/),
    });
  });

  it('JSON lines in the Compact Log Event Format (Serilog): `@t`, `@mt`, `@l`', () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        '@t': `2024-05-01T10:00:0${i}.1234567Z`,
        '@mt': i === 3 ? 'Payment {PaymentId} failed' : 'Order {OrderId} placed',
        ...(i === 3 ? { '@l': 'Error' } : {}),
        OrderId: i,
        SourceContext: 'Shop.Orders',
      }),
    );
    const parser = detect(lines);
    expect(parser.parse(lines[3] ?? '')).toMatchObject({
      content: 'Payment {PaymentId} failed',
      level: 'ERROR',
      time: Date.parse('2024-05-01T10:00:03.123Z'),
    });
  });

  it("journald's JSON export: MESSAGE, PRIORITY, __REALTIME_TIMESTAMP in microseconds, the unit and the host", () => {
    const us = (i: number) => String((1714557600 + i) * 1_000_000 + 123_456);
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        __REALTIME_TIMESTAMP: us(i),
        _HOSTNAME: 'web-1',
        SYSLOG_IDENTIFIER: i === 4 ? 'systemd' : 'app',
        _PID: '812',
        PRIORITY: i === 3 ? '3' : i === 4 ? '4' : '6',
        MESSAGE: i === 3 ? 'database connection lost' : `served ${i} requests`,
      }),
    );
    const parser = detect(lines);
    expect(parser.parse(lines[3] ?? '')).toEqual({
      content: 'database connection lost',
      level: 'ERROR',
      component: 'app',
      host: 'web-1',
      time: (1714557600 + 3) * 1000 + 123,
    });
    expect(parser.parse(lines[4] ?? '')).toMatchObject({ level: 'WARN', component: 'systemd' });
    // Epoch numbers in microseconds and nanoseconds are read in their unit.
    const at = detect(['{"ts":1714557600123456,"msg":"a"}', '{"ts":1714557600123456789,"msg":"b"}']);
    expect(at.parse('{"ts":1714557600123456,"msg":"a"}').time).toBe(1714557600123);
    expect(at.parse('{"ts":1714557600123456789,"msg":"b"}').time).toBe(1714557600123);
  });

  it('logfmt key=value lines', () => {
    const lines = [
      'time=2023-03-01T10:00:00Z level=info msg="request served" status=200',
      'time=2023-03-01T10:00:01Z level=warn msg="slow request" duration=3s',
    ];
    const parser = detect(lines);
    expect(parser.info.kind).toBe('logfmt');
    expect(parser.parse(lines[1] ?? '')).toMatchObject({ content: 'slow request', level: 'WARN' });
  });

  it('Kubernetes container lines (CRI), reading the application header inside', () => {
    const lines = [
      '2023-03-01T10:00:00.123456789Z stdout F 2023-03-01 10:00:00,123 INFO [main] com.example.App: Started',
      '2023-03-01T10:00:01.123456789Z stderr F 2023-03-01 10:00:01,123 ERROR [w-1] com.example.Job: Job 42 failed',
      '2023-03-01T10:00:02.123456789Z stdout F 2023-03-01 10:00:02,123 WARN [main] com.example.App: Slow',
    ];
    expect(detect(lines).parse(lines[1] ?? '')).toMatchObject({
      content: 'Job 42 failed',
      level: 'ERROR',
      component: 'com.example.Job',
      time: Date.UTC(2023, 2, 1, 10, 0, 1, 123),
    });
  });

  it('Kubernetes container lines (CRI) with many partial (`P`) lines: the flag stays in the header', () => {
    const lines = Array.from({ length: 40 }, (_, i) => {
      const t = `2024-05-01T10:00:${String(i).padStart(2, '0')}.123456789Z`;
      return i % 4 === 1 ? `${t} stdout P {"items":[${i},` : `${t} stdout F GET /api/orders ${i} 200`;
    });
    const parser = detect(lines);
    expect(parser.info.description).toBe('<time> <stream> <flag> <content>');
    expect(parser.parse(lines[1] ?? '').content).toBe('{"items":[1,');
    expect(parser.parse(lines[2] ?? '')).toMatchObject({
      content: 'GET /api/orders 2 200',
      level: undefined,
    });
  });

  it('container lines whose message is JSON', () => {
    const lines = [
      '2023-03-01T10:00:00Z stdout F {"level":"info","msg":"ready"}',
      '2023-03-01T10:00:01Z stdout F {"level":"error","msg":"lost connection"}',
    ];
    expect(detect(lines).parse(lines[1] ?? '')).toMatchObject({ content: 'lost connection', level: 'ERROR' });
  });

  it('Android logcat with single-letter levels', () => {
    const lines = [
      '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs opening app',
      '03-17 16:13:38.819  1702  8671 I PowerManagerService: acquire lock',
      '03-17 16:13:38.840  1702  2395 E ActivityManager: something failed',
    ];
    expect(detect(lines).parse(lines[2] ?? '')).toMatchObject({
      content: 'something failed',
      level: 'ERROR',
      component: 'ActivityManager',
      time: Date.UTC(2024, 2, 17, 16, 13, 38, 840),
    });
  });

  it('fixed-width columns, taking the padded component column into the header', () => {
    const lines = [
      '2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505',
      '2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize',
      '2016-09-28 04:30:31, Warning               CBS    Unrecognized packageExtended attribute.',
    ];
    expect(detect(lines).parse(lines[2] ?? '')).toMatchObject({
      content: 'Unrecognized packageExtended attribute.',
      level: 'WARN',
      component: 'CBS',
    });
  });

  it('a program column followed by a dash, also when a column sits in between', () => {
    const lines = [
      '[10.30 16:49:06] chrome.exe - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS',
      '[10.30 16:49:06] chrome.exe *64 - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS',
      '[10.30 16:49:07] putty.exe - proxy.example.com:5070 close, 0 bytes sent, 0 bytes received',
    ];
    const parser = detect(lines);
    expect(parser.parse(lines[1] ?? '').content).toBe(parser.parse(lines[0] ?? '').content);
  });

  it('a time zone after the time (PostgreSQL) is part of the time, and a level word in the component column is the level', () => {
    const lines = [
      '2024-05-01 10:00:01.500 UTC [60] LOG:  connection authorized: user=app database=shop',
      '2024-05-01 10:00:03.000 UTC [61] LOG:  checkpoint complete: wrote 42 buffers (0.1%)',
      '2024-05-01 10:00:04.500 UTC [62] ERROR:  duplicate key value violates unique constraint "orders_pkey"',
      '2024-05-01 10:00:04.500 UTC [62] DETAIL:  Key (id)=(7) already exists.',
      '2024-05-01 10:00:06.000 UTC [63] LOG:  connection authorized: user=app database=shop',
      '2024-05-01 10:00:07.500 UTC [64] FATAL:  password authentication failed for user "bob"',
    ];
    const parser = detect(lines);
    expect(parser.parse(lines[2] ?? '')).toEqual({
      content: 'duplicate key value violates unique constraint "orders_pkey"',
      level: 'ERROR',
      component: undefined,
      host: undefined,
      time: Date.UTC(2024, 4, 1, 10, 0, 4, 500),
    });
    expect(parser.parse(lines[0] ?? '')).toMatchObject({ component: 'LOG', host: undefined });
    expect(parser.parse(lines[5] ?? '').level).toBe('FATAL');
  });

  it('takes a date written over four columns (Redis) rather than the time of day alone', () => {
    const lines = [
      '1:M 04 Dec 2024 10:00:00.000 * Server initialized',
      '1:M 04 Dec 2024 10:00:01.370 # WARNING overcommit_memory is set to 0',
      '1:M 04 Dec 2024 10:00:02.740 * Ready to accept connections tcp',
    ];
    expect(detect(lines).parse(lines[1] ?? '').time).toBe(Date.UTC(2024, 11, 4, 10, 0, 1, 370));
  });

  it("reads Python's and Spring Boot's usual layouts: logger name, level, no separator left in the message", () => {
    const python = [
      '2024-12-04 10:00:00,000 - shop.db - INFO - pool ready with 5 connections',
      '2024-12-04 10:00:01,370 - shop.api - WARNING - slow request took 950 ms',
      '2024-12-04 10:00:02,740 - shop.db - ERROR - connection to db-1 refused',
    ];
    expect(detect(python).parse(python[2] ?? '')).toMatchObject({
      content: 'connection to db-1 refused',
      level: 'ERROR',
      component: 'shop.db',
    });
    const basic = [
      'INFO:root:starting',
      'WARNING:shop.api:slow request took 950 ms',
      'ERROR:shop.db:refused',
    ];
    expect(detect(basic).parse(basic[1] ?? '')).toMatchObject({
      content: 'slow request took 950 ms',
      level: 'WARN',
      component: 'shop.api',
    });
    expect(detect(basic).parse('Traceback (most recent call last):').content).toBe(
      'Traceback (most recent call last):',
    );
    const spring = [
      '2024-12-04T10:00:00.000+01:00  INFO 4000 --- [main] o.s.b.StartupInfoLogger                  : Started in 2.1 s',
      '2024-12-04T10:00:01.370+01:00  WARN 4000 --- [exec-1] c.e.shop.OrderService                    : slow order 17',
      '2024-12-04T10:00:02.740+01:00 ERROR 4000 --- [exec-2] c.e.shop.OrderService                    : order 18 failed',
    ];
    expect(detect(spring).parse(spring[2] ?? '')).toMatchObject({
      content: 'order 18 failed',
      level: 'ERROR',
      component: 'c.e.shop.OrderService',
      time: Date.UTC(2024, 11, 4, 9, 0, 2, 740),
    });
  });

  it("reads MySQL's [Note] as a level and takes nginx's pid#tid into the header", () => {
    const mysql = [
      '2024-12-04T10:00:01.500000Z 8 [Note] [MY-010914] [Server] Aborted connection 8 to db: shop user: app',
      '2024-12-04T10:00:03.000000Z 9 [Warning] [MY-010055] [Server] IP address could not be resolved',
      '2024-12-04T10:00:04.500000Z 0 [ERROR] [MY-012592] [InnoDB] Operating system error number 28',
    ];
    const my = detect(mysql);
    expect(my.parse(mysql[0] ?? '')).toMatchObject({
      level: 'NOTICE',
      content: 'Aborted connection 8 to db: shop user: app',
    });
    expect(my.parse(mysql[2] ?? '').level).toBe('ERROR');
    const nginx = [
      '2024/12/04 10:00:01 [warn] 1200#0: *1 upstream response is buffered to a temporary file',
      '2024/12/04 10:00:02 [error] 1201#0: *2 connect() failed (111: Connection refused) while connecting to upstream',
      '2024/12/04 10:00:03 [notice] 1202#0: signal process started',
    ];
    expect(detect(nginx).parse(nginx[1] ?? '')).toEqual({
      content: '*2 connect() failed (111: Connection refused) while connecting to upstream',
      level: 'ERROR',
      component: undefined,
      host: undefined,
      time: Date.UTC(2024, 11, 4, 10, 0, 2),
    });
  });

  it("reads the level and process inside Celery's bracket, and not past it in a message that fills the sample", () => {
    const lines = [
      '[2024-05-01 10:00:00,123: INFO/MainProcess] Task app.tasks.add[3f0c9a1e] received',
      '[2024-05-01 10:00:00,140: INFO/ForkPoolWorker-2] Task app.tasks.add[3f0c9a1e] succeeded in 0.01s: 3',
      '[2024-05-01 10:00:01,002: WARNING/MainProcess] celery@worker-1 ready.',
      "[2024-05-01 10:00:02,500: ERROR/ForkPoolWorker-1] Task app.tasks.add[77aa01bc] raised unexpected: ValueError('x')",
    ];
    expect(detect(lines).parse(lines[3] ?? '')).toEqual({
      content: "Task app.tasks.add[77aa01bc] raised unexpected: ValueError('x')",
      level: 'ERROR',
      component: 'ForkPoolWorker-1',
      host: undefined,
      time: Date.UTC(2024, 4, 1, 10, 0, 2, 500),
    });
    // One message on every sample line: the level inside the bracket closes the header before its words.
    const same = Array.from(
      { length: 20 },
      (_, i) =>
        `[2024-05-01 10:00:${String(i).padStart(2, '0')},000: INFO/MainProcess] Task tasks.send_email[${i}] succeeded in 0.1s: None`,
    );
    expect(detect(same).parse(same[3] ?? '')).toMatchObject({
      content: 'Task tasks.send_email[3] succeeded in 0.1s: None',
      level: 'INFO',
      component: 'MainProcess',
    });
  });

  it("reads RFC 5424 syslog's severity from its priority, and its host and app name after the time", () => {
    const lines = [
      '<30>1 2024-05-01T10:00:00.003Z host1.example.com billing 1234 ID47 [exampleSDID@32473 iut="3"] invoice 17 sent',
      '<27>1 2024-05-01T10:00:01.100Z host2.example.com orders 2211 - - connect to upstream 10.2.0.1:5432 failed',
      '<38>1 2024-05-01T10:00:02.200Z host1.example.com authd 811 REQ [origin ip="10.0.0.1"] session opened',
      '<28>1 2024-05-01T10:00:03.300Z host3.example.com cron 99 - - job nightly slow',
      '<34>1 2024-05-01T10:00:04.400Z host2.example.com orders 2211 ID47 - disk full',
      '<15>1 2024-05-01T10:00:05.500Z host1.example.com billing 1234 - - cache warmed',
    ];
    const parser = detect(lines);
    expect(parser.parse(lines[1] ?? '')).toEqual({
      content: 'connect to upstream 10.2.0.1:5432 failed',
      level: 'ERROR',
      component: 'orders',
      host: 'host2.example.com',
      time: Date.UTC(2024, 4, 1, 10, 0, 1, 100),
    });
    // Severity is the priority's remainder by 8: 6 info, 3 error, 4 warning, 2 critical, 7 debug.
    expect(lines.map((l) => parser.parse(l).level)).toEqual([
      'INFO',
      'ERROR',
      'INFO',
      'WARN',
      'FATAL',
      'DEBUG',
    ]);
    expect(parser.parse(lines[0] ?? '').content).toBe('invoice 17 sent');
  });

  it("reads the level of a line that has it where the layout's other lines have their program (Lambda export)", () => {
    const rid = (i: number) => `6f1c2a4e-0b7d-4c1e-9a3f-00000000000${i}`;
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = `2024-05-01T10:00:0${i}.000Z`;
      lines.push(`${t}\tSTART RequestId: ${rid(i)} Version: $LATEST`);
      lines.push(`${t}\t${rid(i)}\t${i === 3 ? 'ERROR' : 'INFO'}\tcharged order ${100 + i}`);
      lines.push(`${t}\tEND RequestId: ${rid(i)}`);
      lines.push(`${t}\tREPORT RequestId: ${rid(i)}\tDuration: 12.${i} ms\tBilled Duration: 13 ms`);
    }
    const parser = detect(lines);
    expect(parser.parse(lines[13] ?? '')).toMatchObject({
      content: 'charged order 103',
      level: 'ERROR',
      time: Date.UTC(2024, 4, 1, 10, 0, 3),
    });
    expect(parser.parse(lines[1] ?? '')).toMatchObject({ content: 'charged order 100', level: 'INFO' });
    // A word in lower case there is the message's first word, not a level: a line without a level, whose
    // words after the time are its message.
    expect(parser.parse(`2024-05-01T10:00:05.000Z\t${rid(5)}\terror\tbudget left`)).toMatchObject({
      content: `${rid(5)}\terror\tbudget left`,
      level: undefined,
    });
  });

  it('reads a header written level first, then the time (space or tab separated)', () => {
    const spaced = Array.from(
      { length: 10 },
      (_, i) =>
        `${i % 3 ? 'INFO' : 'ERROR'} 2024-05-01 10:00:0${i},123 worker: task ${i} finished in ${i} ms`,
    );
    expect(detect(spaced).parse(spaced[3] ?? '')).toMatchObject({
      content: 'task 3 finished in 3 ms',
      level: 'ERROR',
      component: 'worker',
      time: Date.UTC(2024, 4, 1, 10, 0, 3, 123),
    });
    // The Python Lambda runtime's own lines: the request id after the time is a field, not the message's start.
    const rid = (i: number) => `6f1c2a4e-0b7d-4c1e-9a3f-00000000000${i}`;
    const tabbed = Array.from(
      { length: 10 },
      (_, i) =>
        `[${i % 3 ? 'INFO' : 'ERROR'}]\t2024-05-01T10:00:0${i}.500Z\t${rid(i)}\t${i % 2 ? 'KeyError:' : 'retrying'} 'id ${i}'`,
    );
    const parser = detect(tabbed);
    expect(parser.parse(tabbed[3] ?? '')).toEqual({
      content: "KeyError: 'id 3'",
      level: 'ERROR',
      time: Date.UTC(2024, 4, 1, 10, 0, 3, 500),
      component: undefined,
      host: undefined,
    });
    // Outside an invocation the runtime writes no request id.
    expect(parser.parse('[INFO]\t2024-05-01T10:00:09.000Z\t\tFound credentials').content).toBe(
      'Found credentials',
    );
  });

  it('keeps the words after the time of the Lambda platform lines as their message, and no request id as host', () => {
    const rid = (i: number) => `6f1c2a4e-0b7d-4c1e-9a3f-00000000000${i}`;
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = `2024-05-01T10:00:0${i}.000Z`;
      lines.push(`${t} START RequestId: ${rid(i)} Version: $LATEST`);
      lines.push(`${t}\t${rid(i)}\tINFO\tcharged order ${100 + i}`);
      lines.push(`${t}\tEND RequestId: ${rid(i)}`);
      lines.push(`${t}\tREPORT RequestId: ${rid(i)}\tDuration: 12.${i} ms\tBilled Duration: 13 ms\t`);
    }
    const parser = detect(lines);
    expect(parser.info.levelsOnSomeLines).toBe(true);
    expect(parser.parse(lines[0] ?? '')).toEqual({
      content: `START RequestId: ${rid(0)} Version: $LATEST`,
      time: Date.UTC(2024, 4, 1, 10, 0, 0),
      level: undefined,
      component: undefined,
      host: undefined,
    });
    expect(parser.parse(lines[7] ?? '').content).toBe(
      `REPORT RequestId: ${rid(1)}\tDuration: 12.1 ms\tBilled Duration: 13 ms`,
    );
    expect(parser.parse(lines[5] ?? '')).toMatchObject({
      content: 'charged order 101',
      level: 'INFO',
      host: undefined,
    });
    const timeout = `2024-05-01T10:00:09.000Z ${rid(4)} Task timed out after 3.00 seconds`;
    expect(parser.parse(timeout)).toMatchObject({
      content: `${rid(4)} Task timed out after 3.00 seconds`,
      time: Date.UTC(2024, 4, 1, 10, 0, 9),
    });
    // PostgreSQL writes its levels as `ERROR:` where other lines have `LOG:`: one kind of line, read as before.
    const pg = Array.from(
      { length: 10 },
      (_, i) => `2024-05-01 10:00:0${i}.000 UTC [6${i}] ${i % 3 ? 'LOG' : 'ERROR'}:  x ${i}`,
    );
    expect(detect(pg).info.levelsOnSomeLines).toBeUndefined();
  });

  it('ends the header with the time when the word after it is a record kind in capitals (START, REPORT), not a host', () => {
    const rid = (i: number) => `6f1c2a4e-0b7d-4c1e-9a3f-00000000000${i}`;
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = `2024-05-01T10:00:0${i}.000Z`;
      lines.push(`${t} START RequestId: ${rid(i)} Version: $LATEST`);
      lines.push(`${t} END RequestId: ${rid(i)}`);
      lines.push(`${t} REPORT RequestId: ${rid(i)}\tDuration: 12.${i} ms\tBilled Duration: 13 ms\t`);
    }
    const parser = detect(lines);
    expect(parser.info.description).toBe('<time> <content>');
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      content: `START RequestId: ${rid(0)} Version: $LATEST`,
      time: Date.UTC(2024, 4, 1, 10, 0, 0),
      host: undefined,
      component: undefined,
    });
    expect(
      parser.parse(`2024-05-01T10:00:09.000Z ${rid(4)} Task timed out after 3.00 seconds`),
    ).toMatchObject({
      content: `${rid(4)} Task timed out after 3.00 seconds`,
      host: undefined,
    });
    // Host names are written in lower case: a syslog's host column stays one.
    const syslog = Array.from(
      { length: 10 },
      (_, i) => `2024-05-01T10:00:0${i}.000Z web-${i % 3} sshd[12${i}]: session opened for user ${i}`,
    );
    expect(detect(syslog).parse(syslog[1] ?? '')).toMatchObject({ host: 'web-1', component: 'sshd' });
  });

  it("reads a second writer's `[LEVEL]⇥time⇥message` lines: level, time, and the message after the time", () => {
    const rid = (i: number) => `6f1c2a4e-0b7d-4c1e-9a3f-00000000000${i}`;
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = `2024-05-01T10:00:0${i}.000Z`;
      lines.push(`${t} START RequestId: ${rid(i)} Version: $LATEST`);
      lines.push(`[${i === 3 ? 'ERROR' : 'INFO'}]\t${t}\t${rid(i)}\tcharged order ${100 + i}`);
      lines.push(`${t} END RequestId: ${rid(i)}`);
    }
    const parser = detect(lines);
    expect(parser.info.description).toContain('lines opening with a level: <level> <time> <content>');
    expect(parser.info.levelsOnSomeLines).toBe(true);
    // The request id after the time is a field of that header (as in the Node runtime's lines), not the message's.
    expect(parser.parse(lines[10] ?? '')).toMatchObject({
      content: 'charged order 103',
      level: 'ERROR',
      time: Date.UTC(2024, 4, 1, 10, 0, 3),
    });
    // A date and a time of two words are one time.
    expect(parser.parse('WARNING 2024-05-01 10:00:07,250 pool at 90%')).toMatchObject({
      content: 'pool at 90%',
      level: 'WARN',
      time: Date.UTC(2024, 4, 1, 10, 0, 7, 250),
    });
    // A log without such lines reads a line that does not fit as before: all of it is the message.
    const platform = detect(lines.filter((l) => !l.startsWith('[')));
    expect(platform.parse(lines[1] ?? '')).toMatchObject({ content: lines[1], level: undefined });
  });

  it("takes the column after the level of a tab-separated layout into the header (zap's caller)", () => {
    const lines = [
      '2024-05-01T10:00:00.000Z\tINFO\thttp/server.go:51\tserving on :8080\t{"addr": ":8080"}',
      '2024-05-01T10:00:01.000Z\tDEBUG\tcache/lru.go:19\tcache miss\t{"key": "u:42"}',
      '2024-05-01T10:00:02.000Z\tWARN\tworker/run.go:77\tretrying batch 12\t{"attempt": 2}',
      '2024-05-01T10:00:03.000Z\tERROR\tstore/pg.go:42\tquery timeout after 5000 ms\t{"pool": "main"}',
      '2024-05-01T10:00:04.000Z\tINFO\thttp/server.go:51\trequest done\t{"status": 200}',
    ];
    const zap = detect(lines);
    expect(zap.parse(lines[3] ?? '')).toEqual({
      content: 'query timeout after 5000 ms\t{"pool": "main"}',
      level: 'ERROR',
      component: 'store/pg.go:42',
      host: undefined,
      time: Date.UTC(2024, 4, 1, 10, 0, 3),
    });
    // A message that is the last column keeps its first word: only a column followed by another joins.
    const plain = lines.map((l) => l.split('\t').slice(0, 3).join('\t'));
    expect(detect(plain).parse(plain[3] ?? '')).toMatchObject({ content: 'store/pg.go:42', level: 'ERROR' });
  });

  it("reads the level and module of Apache 2.4's error log from its `[module:level]` bracket", () => {
    const lines = [
      '[Wed May 01 10:00:00.123456 2024] [proxy:error] [pid 123:tid 456] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 failed',
      '[Wed May 01 10:00:01.200000 2024] [core:info] [pid 124:tid 457] [client 10.0.0.1:5000] AH00128: File does not exist: /var/www/html/favicon.ico',
      '[Wed May 01 10:00:02.300000 2024] [ssl:warn] [pid 125:tid 458] AH01909: www.example.com:443:0 server certificate does NOT include an ID',
      '[Wed May 01 10:00:03.400000 2024] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.57 (Unix) configured -- resuming normal operations',
      '[Wed May 01 10:00:04.500000 2024] [proxy_http:error] [pid 126:tid 459] [client 10.0.0.2:5001] AH01114: HTTP: failed to make connection to backend: localhost',
    ];
    const apache = detect(lines);
    expect(apache.parse(lines[4] ?? '')).toEqual({
      content: '[client 10.0.0.2:5001] AH01114: HTTP: failed to make connection to backend: localhost',
      level: 'ERROR',
      component: 'proxy_http',
      host: undefined,
      time: Date.UTC(2024, 4, 1, 10, 0, 4, 500),
    });
    expect(lines.map((l) => apache.parse(l).level)).toEqual(['ERROR', 'INFO', 'WARN', 'NOTICE', 'ERROR']);
    // The pid and thread bracket after it holds no level, and a time bracket's colons are no module.
    expect(apache.parse(lines[0] ?? '').component).toBe('proxy');
  });

  it("reads Redis's level marks in the column after its time, and a column of '-' alone as no level", () => {
    const lines = [
      '1:M 04 Dec 2024 10:00:00.000 * Server initialized',
      '1:M 04 Dec 2024 10:00:01.370 # WARNING overcommit_memory is set to 0',
      '1:M 04 Dec 2024 10:00:02.740 - Accepted 172.18.0.4:40122',
      '1:M 04 Dec 2024 10:00:03.100 . Client closed connection',
      '1:M 04 Dec 2024 10:00:04.000 * Ready to accept connections tcp',
    ];
    const redis = detect(lines);
    expect(lines.map((l) => redis.parse(l).level)).toEqual(['NOTICE', 'WARN', 'INFO', 'DEBUG', 'NOTICE']);
    expect(redis.parse(lines[1] ?? '').content).toBe('WARNING overcommit_memory is set to 0');
    const dashed = [
      '2024-12-04 10:00:00 - * starting',
      '2024-12-04 10:00:01 - * ready',
      '2024-12-04 10:00:02 - listening',
    ];
    expect(detect(dashed).parse(dashed[0] ?? '')).toMatchObject({ level: undefined, content: '* starting' });
  });

  it('no header at all when lines are plain messages', () => {
    const lines = ['starting the service', 'connected to database', 'listening on port 8080'];
    const parser = detect(lines);
    expect(parser.info.kind).toBe('none');
    expect(parser.parse('listening on port 8080')).toEqual({ content: 'listening on port 8080' });
  });

  it('no header when messages of one shape agree word for word but nothing is a time or a level', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `${1000 + i * 37} requests served, ${i % 7} failed, took ${200 + i} ms`,
    );
    const parser = detect(lines);
    expect(parser.info.kind).toBe('none');
    expect(parser.parse(lines[3] ?? '').content).toBe(lines[3]);
  });

  it('takes only the time for the header when every line has one shape and nothing else marks a header', () => {
    const time = (i: number) => `2026-12-04T10:00:${String(i).padStart(2, '0')}Z`;
    const lines = Array.from(
      { length: 20 },
      (_, i) => `${time(i)} ${1000 + i} requests served, ${i % 4} failed, took ${i} ms`,
    );
    expect(detect(lines).parse(lines[3] ?? '')).toMatchObject({
      content: '1003 requests served, 3 failed, took 3 ms',
      time: Date.UTC(2026, 11, 4, 10, 0, 3),
    });
    // A column of a header's own kind says where the header is, whatever the lines' shape.
    const syslog = Array.from(
      { length: 20 },
      (_, i) => `Dec  4 10:00:${String(i).padStart(2, '0')} web-01 cron[${100 + i}]: heartbeat ok`,
    );
    expect(detect(syslog).parse(syslog[3] ?? '')).toMatchObject({ content: 'heartbeat ok', host: 'web-01' });
  });

  it("ends the header before one message's words when that message fills most of the sample", () => {
    const time = (i: number) =>
      `2026-12-04T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
    const lines = Array.from({ length: 100 }, (_, i) =>
      i % 20 === 7
        ? `${time(i)} ERROR db connection reset by peer`
        : `${time(i)} GET /healthz 200 ${i % 9} ms`,
    );
    const parser = detect(lines);
    expect(parser.info.coverage).toBe(1);
    expect(parser.parse(lines[3] ?? '')).toMatchObject({
      content: 'GET /healthz 200 3 ms',
      time: Date.UTC(2026, 11, 4, 10, 0, 3),
    });
    expect(parser.parse(lines[7] ?? '').content).toBe('ERROR db connection reset by peer');
    // A header's own word column keeps its kind whatever its value: a host on most lines, others on a few.
    const hosts = lines.map((l, i) => l.replace('Z ', `Z ${i % 10 ? 'web-01' : `web-0${i % 7}`} app: `));
    expect(detect(hosts).parse(hosts[3] ?? '')).toMatchObject({
      content: 'GET /healthz 200 3 ms',
      host: 'web-01',
    });
  });

  it("reads a header written level, thread, then time (Cassandra's `INFO  [main] 2024-05-01 10:00:00,123 File.java:241 - …`)", () => {
    const lines = Array.from({ length: 40 }, (_, i) => {
      const t = `2024-05-01 10:00:${String(i).padStart(2, '0')},123`;
      if (i % 10 === 4)
        return `ERROR [CompactionExecutor:3] ${t} CassandraDaemon.java:244 - Exception in thread main`;
      return `INFO  [${i % 3 ? 'main' : 'GossipStage:1'}] ${t} Gossiper.java:1093 - InetAddress /10.0.0.${i}:7000 is now UP`;
    });
    const parser = detect(lines);
    expect(parser.parse(lines[4] ?? '')).toMatchObject({
      content: 'Exception in thread main',
      level: 'ERROR',
      time: Date.UTC(2024, 4, 1, 10, 0, 4, 123),
    });
    expect(parser.parse(lines[5] ?? '').content).toBe('InetAddress /10.0.0.5:7000 is now UP');
  });

  it("reads a line that leaves out the closing [thread] after its level (PHP-FPM's `[pool www]`)", () => {
    const lines = Array.from({ length: 40 }, (_, i) => {
      const t = `[01-May-2024 10:00:${String(i).padStart(2, '0')}]`;
      return i % 10 === 4
        ? `${t} ERROR: failed to ptrace(PEEKDATA) pid ${100 + i}: Input/output error (5)`
        : `${t} NOTICE: [pool www] child ${100 + i} started`;
    });
    const parser = detect(lines);
    expect(parser.parse(lines[4] ?? '')).toMatchObject({
      content: 'failed to ptrace(PEEKDATA) pid 104: Input/output error (5)',
      level: 'ERROR',
      time: Date.UTC(2024, 4, 1, 10, 0, 4),
    });
    expect(parser.parse(lines[5] ?? '')).toMatchObject({ content: 'child 105 started', level: 'NOTICE' });
  });

  it("names no component when the component column is empty (Ruby's Logger without a program name: `-- :`)", () => {
    const lines = Array.from({ length: 40 }, (_, i) => {
      const level = i % 10 === 4 ? 'ERROR' : ' INFO';
      return `${level[1] === 'R' ? 'E' : 'I'}, [2024-05-01T10:00:${String(i).padStart(2, '0')}.123456 #4012] ${level} -- : Completed ${i % 10 === 4 ? 500 : 200} in ${i + 3}ms`;
    });
    const parser = detect(lines);
    const p = parser.parse(lines[4] ?? '');
    expect(p).toMatchObject({ content: 'Completed 500 in 7ms', level: 'ERROR' });
    expect(p.component).toBeUndefined();
    // A named program in the same column is still the component.
    const named = lines.map((l) => l.replace('-- :', '-- orders:'));
    expect(detect(named).parse(named[4] ?? '').component).toBe('orders');
  });
});

describe('times written with a comma after the date', () => {
  it("reads Airflow's task log times, `[2024-05-01, 10:00:07 UTC]`, to the second", () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) =>
        `[2024-05-01, 10:${String(i).padStart(2, '0')}:07 UTC] {taskinstance.py:1159} ${i % 10 === 3 ? 'ERROR' : 'INFO'} - step ${i} done`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[12] ?? '')).toMatchObject({
      content: 'step 12 done',
      level: 'INFO',
      time: Date.UTC(2024, 4, 1, 10, 12, 7),
    });
  });
});

describe(".NET's console logger", () => {
  it('reads its four-letter levels (trce, dbug, info, warn, fail, crit)', () => {
    const levels = ['info', 'info', 'dbug', 'trce', 'warn', 'fail', 'crit', 'info'];
    const lines = Array.from({ length: 40 }, (_, i) => `${levels[i % 8]}: Shop.Orders[${i % 3}]`);
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(lines.slice(0, 8).map((l) => parser.parse(l).level)).toEqual([
      'INFO',
      'INFO',
      'DEBUG',
      'TRACE',
      'WARN',
      'ERROR',
      'FATAL',
      'INFO',
    ]);
  });
});

describe("Cisco's message tags", () => {
  const tags = ['%LINK-3-UPDOWN:', '%SYS-5-CONFIG_I:', '%SEC-6-IPACCESSLOGP:', '%PLATFORM-2-FAN_FAILED:'];

  it('reads the severity of a tag in the component column (IOS) and keeps the tag as the component', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `May  1 10:00:${String(10 + i)} core-sw1 ${tags[i % 4]} event ${i} on port ${i % 3}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(lines.slice(0, 4).map((l) => parser.parse(l).level)).toEqual(['ERROR', 'NOTICE', 'INFO', 'FATAL']);
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      component: '%LINK-3-UPDOWN',
      content: 'event 0 on port 0',
    });
  });

  it("reads IOS's time marked as not synchronised (`*May  1 …`, `.May  1 …`), not a host `*May`", () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) =>
        `${1000 + i}: ${i % 7 === 3 ? '.' : '*'}May  1 10:${String(i * 2).padStart(2, '0')}:${String(10 + i)}.166: ${tags[i % 4]} event ${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    const times = lines.map((l) => parser.parse(l).time);
    expect(times[0]).toBe(Date.UTC(2024, 4, 1, 10, 0, 10, 166));
    expect(times[3]).toBe(Date.UTC(2024, 4, 1, 10, 6, 13, 166));
    expect(times[29]).toBe(Date.UTC(2024, 4, 1, 10, 58, 39, 166));
    expect(parser.parse(lines[1] ?? '')).toMatchObject({ host: undefined, content: 'event 1' });
  });

  it("takes a tag opening the message (an ASA's `host : %ASA-4-106023:`) as the level and component", () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `May 01 2024 10:00:${String(10 + i)} fw01 : %ASA-${i % 2 === 0 ? '4-106023' : '6-302013'}: Deny tcp ${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      level: 'WARN',
      component: '%ASA-4-106023',
      content: 'Deny tcp 0',
    });
    expect(parser.parse(lines[1] ?? '').level).toBe('INFO');
  });

  it('reads no level from a percent word that is no tag', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `May  1 10:00:${String(10 + i)} web-1 app: %CPU-9-HIGH: ${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '').level).toBeUndefined();
  });
});

describe("Monolog's channel.LEVEL (Laravel, Symfony)", () => {
  it('reads the level after the channel, in capitals, and the channel as the component', () => {
    const levels = ['INFO', 'WARNING', 'ERROR', 'DEBUG'];
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `[2024-05-01 10:00:${String(10 + i)}] production.${levels[i % 4]}: Order ${i} placed {"user":${i}}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(lines.slice(0, 4).map((l) => parser.parse(l).level)).toEqual(['INFO', 'WARN', 'ERROR', 'DEBUG']);
    expect(parser.parse(lines[2] ?? '')).toMatchObject({
      component: 'production',
      content: 'Order 2 placed {"user":2}',
    });
  });

  it('reads no level from a dotted name whose last part is a level word in lower case', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `2024-05-01 10:00:${String(10 + i)} web-1 ${i % 2 === 0 ? 'app.error:' : 'app.info:'} handler ${i} done`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '').level).toBeUndefined();
  });
});

describe('Linux audit records (auditd, the kernel)', () => {
  it('reads the message after the audit(epoch:serial): label, its time, and the record type as component', () => {
    const lines = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? `type=SYSCALL msg=audit(1714557600.${String(100 + i)}:${200 + i}): arch=c000003e syscall=59 success=yes exit=0 pid=${i} comm="bash" exe="/usr/bin/bash" key="exec"`
        : `type=USER_AUTH msg=audit(1714557600.${String(100 + i)}:${200 + i}): pid=${i} uid=0 auid=4294967295 msg='op=PAM:authentication acct="root" exe="/usr/sbin/sshd" res=failed'`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      time: 1714557600100,
      component: 'SYSCALL',
      content: 'arch=c000003e syscall=59 success=yes exit=0 pid=0 comm="bash" exe="/usr/bin/bash" key="exec"',
    });
    expect(parser.parse(lines[1] ?? '')).toMatchObject({
      component: 'USER_AUTH',
      content: `pid=1 uid=0 auid=4294967295 msg='op=PAM:authentication acct="root" exe="/usr/sbin/sshd" res=failed'`,
    });
  });

  it('keeps a logfmt message that is text, quoted or not', () => {
    const lines = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? `level=info msg="retrying in:" n=${i}` : `level=info msg=started n=${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '').content).toBe('retrying in:');
    expect(parser.parse(lines[1] ?? '').content).toBe('started');
  });
});

describe("MySQL 8's error log", () => {
  it('reads its [System] level (start, ready for connections) in the level column, so those lines fit', () => {
    const levels = ['[Warning]', '[Note]', '[System]', '[ERROR]'];
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `2024-05-01T10:02:${String(10 + i)}.404713Z ${i} ${levels[i % 4]} [MY-0101${i}] [Server] event ${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[2] ?? '')).toMatchObject({ level: 'NOTICE', content: 'event 2' });
    expect(parser.parse(lines[2] ?? '').time).toBe(Date.parse('2024-05-01T10:02:12.404Z'));
  });
});

describe('a level written after key=value context', () => {
  it("reads Elixir's `$time $metadata[$level] $message`, with or without metadata", () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 2
        ? `10:00:${String(10 + i)}.123 [debug] QUERY OK source="orders" db=${i}.1ms`
        : `10:00:${String(10 + i)}.123 request_id=F5a8${i} ${i % 5 === 0 ? '[error]' : '[info]'} GET /api/users/${i}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      level: 'ERROR',
      content: 'request_id=F5a80 GET /api/users/0',
    });
    expect(parser.parse(lines[1] ?? '').level).toBe('INFO');
    expect(parser.parse(lines[2] ?? '')).toMatchObject({
      level: 'DEBUG',
      content: 'QUERY OK source="orders" db=2.1ms',
    });
    expect(parser.info.levelsOnSomeLines).toBe(true);
  });

  it("reads Sidekiq's `time pid=7 tid=gw9 class=HardJob jid=… LEVEL: message`, its context of varying length", () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) =>
        `2024-05-01T10:00:${String(10 + i)}.677Z pid=7 tid=gw${i} ${i % 4 === 0 ? `WARN: Stripe::APIConnectionError: timeout` : `class=MailerJob jid=${i}abc INFO: start`}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[0] ?? '')).toMatchObject({
      level: 'WARN',
      content: 'pid=7 tid=gw0 Stripe::APIConnectionError: timeout',
    });
    expect(parser.parse(lines[1] ?? '')).toMatchObject({
      level: 'INFO',
      content: 'pid=7 tid=gw1 class=MailerJob jid=1abc start',
    });
  });

  it('leaves a log whose odd message opens with context and a level word to its wording', () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      i === 4
        ? `2024-05-01T10:00:${String(10 + i)}Z id=3 ERROR seen in batch`
        : `2024-05-01T10:00:${String(10 + i)}Z ${['started worker 3', 'cache warmed in 20 ms', 'request served', 'queue is empty'][i % 4]}`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[4] ?? '')).toMatchObject({
      level: undefined,
      content: 'id=3 ERROR seen in batch',
    });
    expect(parser.info.levelsOnSomeLines).toBeUndefined();
  });
});

describe('epoch times with a fraction', () => {
  it("reads a first column of epoch seconds with milliseconds (Squid's access log) as the time", () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) =>
        `${1714557600 + i * 60}.${String(100 + i).padStart(3, '0')}    ${120 + i} 10.0.0.${i} ${i % 10 === 3 ? 'TCP_MISS/503' : 'TCP_MISS/200'} ${1000 + i} GET http://example.com/api/${i} - HIER_DIRECT/93.184.216.34 text/html`,
    );
    const parser = createHeaderParser(lines, { defaultYear: 2024 });
    expect(parser.parse(lines[2] ?? '').time).toBe((1714557600 + 120) * 1000 + 102);
  });
});

describe('explicit Loghub formats', () => {
  it('parses with a Loghub format string, optional groups included', () => {
    const parser = createHeaderParser(fixtureLines('Mac'), {
      format: '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>',
      defaultYear: 2017,
    });
    expect(parser.info.kind).toBe('format');
    expect(
      parser.parse(
        'Jul  1 09:01:05 calvisitor-10-105-160-95 com.apple.CDScheduler[43]: Thermal pressure state: 1 Memory pressure state: 0',
      ),
    ).toMatchObject({
      content: 'Thermal pressure state: 1 Memory pressure state: 0',
      component: 'com.apple.CDScheduler',
      time: Date.UTC(2017, 6, 1, 9, 1, 5),
    });
  });

  it('matches like the Loghub regular expression: lazy fields, whole line', () => {
    const format = compileFormat('<Date> <Time> <Level> <Component>: <Content>');
    expect(Object.fromEntries(matchFormat(format, '2015-10-18 18:01:47 INFO a.b.C: x: y z') ?? [])).toEqual({
      Date: '2015-10-18',
      Time: '18:01:47',
      Level: 'INFO',
      Component: 'a.b.C',
      Content: 'x: y z',
    });
    expect(matchFormat(format, 'no header here')).toBeUndefined();
  });

  it('answers a line that almost fits many lazy fields in linear time, exactly', () => {
    const format = compileFormat('<A> <B> <C> <D> <E> <F> <G> <H>: <Content>');
    expect(matchFormat(format, 'a '.repeat(5000))).toBeUndefined();
    const fits = matchFormat(format, `${'a '.repeat(5000)}b: the end`);
    expect(fits?.get('A')).toBe('a');
    expect(fits?.get('H')?.endsWith('a a b')).toBe(true);
    expect(fits?.get('Content')).toBe('the end');
  });

  it('handles a format of many adjacent fields (each lazy, so empty but the last)', () => {
    const format = compileFormat('<A><B><C><D><E><F><G><H>:<Content>');
    expect(matchFormat(format, 'x'.repeat(20_000))).toBeUndefined();
    expect(Object.fromEntries(matchFormat(format, `${'x'.repeat(20_000)}:y`) ?? [])).toMatchObject({
      A: '',
      G: '',
      H: 'x'.repeat(20_000),
      Content: 'y',
    });
  });

  it('gives the same answer from the quick matcher and the linear one', () => {
    const formats = [
      '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>',
      '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>',
      '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
    ];
    for (const source of formats) {
      const format = compileFormat(source);
      for (const system of ['Hadoop', 'Mac', 'Zookeeper', 'Linux'] as const) {
        for (const line of fixtureLines(system)) {
          expect(matchFormat(format, line.trim())).toEqual(pikeMatch(format, line.trim()));
        }
      }
    }
  });

  it.each([
    ['', 'must be 1 to'],
    ['<Date> <Time>', 'must contain the <Content> field'],
    ['<Content', 'expected a field name'],
    ['(<Level> <Content>', 'unbalanced'],
    ['<A> <A> <Content>', 'appears twice'],
  ])('rejects the format %j with a ValidationError naming format', (source, message) => {
    const attempt = () => createHeaderParser([], { format: source });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error: unknown) {
      expect(error instanceof ValidationError && error.field).toBe('format');
    }
  });
});

describe('timestamps', () => {
  it.each([
    ['2015-10-18 18:01:47,978', '2015-10-18T18:01:47.978Z'],
    ['2017-05-16T00:00:00.008Z', '2017-05-16T00:00:00.008Z'],
    ['2024-03-01 10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2005-06-03-15.42.50.675872', '2005-06-03T15:42:50.675Z'],
    ['20171223-22:15:29:606', '2017-12-23T22:15:29.606Z'],
    ['081109 203615', '2008-11-09T20:36:15.000Z'],
    ['17/06/09 20:10:40', '2017-06-09T20:10:40.000Z'],
    ['Jun 14 15:16:01', '2010-06-14T15:16:01.000Z'],
    ['Sun Dec 04 04:47:44 2005', '2005-12-04T04:47:44.000Z'],
    ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['1117838570', '2005-06-03T22:42:50.000Z'],
    ['[10.30 16:49:06]', '2010-10-30T16:49:06.000Z'],
    ['2000-02-29 23:59:59', '2000-02-29T23:59:59.000Z'],
    ['[2024-05-01, 10:00:07 UTC]', '2024-05-01T10:00:07.000Z'],
  ])('parses %s', (text, expected) => {
    expect(iso(parseTimestamp(text, 2010)?.ms)).toBe(expected);
  });

  it('rejects impossible dates and text that is not a time', () => {
    expect(parseTimestamp('2015-13-40 25:61:00', 2010)).toBeUndefined();
    expect(parseTimestamp('hello world', 2010)).toBeUndefined();
    expect(parseTimestamp('', 2010)).toBeUndefined();
  });
});

describe('header detection with stack traces', () => {
  it('learns the layout from entry lines, not from indented continuation lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      lines.push(`2023-03-01 10:00:0${i},000 ERROR [main] com.example.Job: Job ${i} failed`);
      lines.push('java.lang.IllegalStateException: boom');
      for (let k = 0; k < 8; k++) lines.push(`\tat com.example.Job.step${k}(Job.java:${10 + k})`);
    }
    const parser = createHeaderParser(lines);
    expect(parser.info.kind).toBe('columns');
    expect(parser.parse(lines[0] ?? '')).toMatchObject({ content: 'Job 0 failed', level: 'ERROR' });
    expect(parser.parse('\tat com.example.Job.step1(Job.java:11)').content).toBe(
      'at com.example.Job.step1(Job.java:11)',
    );
  });
});
