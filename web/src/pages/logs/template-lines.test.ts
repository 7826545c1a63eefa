import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  findTemplateLines,
  findTemplateLinesPausing,
  indexLog,
  matches,
  withTemplate,
} from './template-lines.ts';

const log = [
  '081109 203518 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_-16 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
  '081109 203518 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /mnt/hadoop/job.jar. blk_-16',
  '081109 203519 145 INFO dfs.DataNode$DataXceiver: Receiving empty packet for blk_-17',
  '081109 203519 145 INFO dfs.DataNode$DataXceiver: Receiving block blk_-18 src: /10.250.10.6:40524 dest: /10.250.10.6:50010',
  '081109 203520 145 ERROR dfs.DataNode$DataXceiver: Receiving block blk_-19 src: /10.250.10.6:40525 dest: /10.250.10.6:50010',
  '081109 203521 146 INFO dfs.DataNode$DataXceiver: Receiving heartbeat from node 7',
  '081109 203522 147 ERROR dfs.DataNode$DataXceiver: Receiving block blk_-20 src: /10.250.10.7:40526 dest: /10.250.10.7:50010',
].join('\n');

const templates = [
  { id: 'T1', template: 'Receiving block <*> src: <*> dest: <*>' },
  { id: 'T2', template: 'BLOCK* NameSystem.allocateBlock: <PATH> <*>' },
  // A more general template, listed first as the most frequent would be: it must not take T1's lines.
  { id: 'T3', template: 'Receiving <*>' },
];

describe('template lines', () => {
  it('gives each line to the most specific template that matches it, whatever the order listed', () => {
    const index = indexLog(
      log,
      [templates[2], templates[0], templates[1]].filter((t) => t !== undefined),
    );
    const specific = findTemplateLines(index, { id: 'T1', limit: 50 });
    expect(specific.total).toBe(4);
    expect(specific.shown.map((l) => l.line)).toEqual([1, 4, 5, 7]);
    const general = findTemplateLines(index, { id: 'T3', limit: 50 });
    expect(general.total).toBe(2);
    expect(general.shown.map((l) => l.text)).toEqual([
      '081109 203519 145 INFO dfs.DataNode$DataXceiver: Receiving empty packet for blk_-17',
      '081109 203521 146 INFO dfs.DataNode$DataXceiver: Receiving heartbeat from node 7',
    ]);
  });

  it('counts every line and shows the first ones up to the limit', () => {
    const found = findTemplateLines(indexLog(log, templates), { id: 'T1', limit: 2 });
    expect(found.total).toBe(4);
    expect(found.shown.map((l) => l.line)).toEqual([1, 4]);
  });

  it('puts the error lines first, or shows them alone, on an error template', () => {
    const index = indexLog(log, templates);
    const first = findTemplateLines(index, { id: 'T1', limit: 3, errorsFirst: true });
    expect(first).toMatchObject({ total: 4, errors: 2 });
    expect(first.shown.map((l) => [l.line, l.error])).toEqual([
      [5, true],
      [7, true],
      [1, false],
    ]);
    const only = findTemplateLines(index, { id: 'T1', limit: 50, errorsOnly: true });
    expect(only.shown.map((l) => l.line)).toEqual([5, 7]);
  });

  it('tells an HTTP 5xx answer for an error though its level is INFO', () => {
    const access = [
      '2026-12-07T10:00:00Z INFO request completed "POST /api/checkout HTTP/1.1" 200 12ms',
      '2026-12-07T10:00:01Z INFO request completed "POST /api/checkout HTTP/1.1" 503 40ms',
    ].join('\n');
    const index = indexLog(access, [
      { id: 'T1', template: 'request completed "POST <PATH> HTTP/<NUM>" <NUM> <*>' },
    ]);
    const found = findTemplateLines(index, { id: 'T1', limit: 50, errorsFirst: true });
    expect(found.shown.map((l) => [l.line, l.error])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('keeps the lines of a stack trace under their event, without counting them', () => {
    const trace = [
      '2026-12-07 10:00:00 ERROR Payment request failed for order 17',
      'java.net.SocketTimeoutException: Read timed out',
      '\tat com.example.PaymentClient.charge(PaymentClient.java:83)',
      '2026-12-07 10:00:01 INFO Order 18 placed',
    ].join('\n');
    const index = indexLog(trace, [
      { id: 'T1', template: 'Payment request failed for order <NUM>' },
      { id: 'T2', template: 'Order <NUM> placed' },
    ]);
    const found = findTemplateLines(index, { id: 'T1', limit: 50 });
    expect(found.total).toBe(1);
    expect(found.shown[0]?.more).toEqual([
      'java.net.SocketTimeoutException: Read timed out',
      '\tat com.example.PaymentClient.charge(PaymentClient.java:83)',
    ]);
  });

  it('matches at word edges, across runs of white space, and inside a JSON line', () => {
    const c = compileTemplate({ id: 'T1', template: 'lock <*> released' });
    expect(matches(c, 'INFO lock 7 released')).toBe(true);
    expect(matches(c, 'INFO lock   7\treleased')).toBe(true);
    expect(matches(c, 'INFO block 7 released')).toBe(false);
    expect(matches(c, 'INFO lock 7 released_early')).toBe(false);
    expect(matches(c, '{"level":"info","msg":"lock 7 released","ts":1}')).toBe(true);
  });

  it('finds a template that is not among the texts it was given', () => {
    const index = withTemplate(indexLog(log, templates), {
      id: 'T9',
      template: 'Receiving heartbeat from node <NUM>',
    });
    expect(findTemplateLines(index, { id: 'T9', limit: 50 }).total).toBe(1);
    // The general template loses that line to it.
    expect(findTemplateLines(index, { id: 'T3', limit: 50 }).total).toBe(1);
  });

  it('gives the same answer when it pauses between steps', async () => {
    const index = indexLog(log, templates);
    let pauses = 0;
    const paused = await findTemplateLinesPausing(index, { id: 'T1', limit: 50, step: 2 }, async () => {
      pauses++;
    });
    expect(pauses).toBe(3);
    expect(paused).toEqual(findTemplateLines(index, { id: 'T1', limit: 50 }));
  });
});

describe('template lines of a JSON document written on one line', () => {
  const record = (i: number) => ({
    time: `2026-12-01T10:00:0${i}Z`,
    level: i % 3 === 2 ? 'error' : 'info',
    message: i % 3 === 2 ? `payment ${i} declined` : `cart ${i} checked out`,
  });
  const text = `${JSON.stringify({ Records: Array.from({ length: 6 }, (_, i) => record(i)) })}\n`;
  const documentTemplates = [
    { id: 'T1', template: 'cart <NUM> checked out' },
    { id: 'T2', template: 'payment <NUM> declined' },
  ];

  it('shows each record as a line of its own, numbered as the summary numbers it', () => {
    const index = indexLog(text, documentTemplates, { jsonDocument: true });
    expect(index.lines).toHaveLength(6);
    const found = findTemplateLines(index, { id: 'T2', limit: 10 });
    expect(found.total).toBe(2);
    expect(found.shown.map((l) => l.line)).toEqual([3, 6]);
    expect(found.shown[0]?.text).toContain('"message":"payment 2 declined"');
    expect(found.shown[0]?.text).not.toContain('cart');
  });

  it('reads a log not read as a document line by line, as before', () => {
    expect(indexLog(text, documentTemplates).lines).toHaveLength(1);
  });
});
