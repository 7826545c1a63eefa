import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary.ts';
import { emptyRedactionCounts } from '../../../lambdas/core/redaction/redact.ts';
import { localSummarizer } from '../../../lambdas/summarizer/local-summarizer.ts';

const syslog = (month: string) =>
  [
    `${month} 14 15:16:01 web-01 sshd[100]: Accepted publickey for deploy from 10.0.0.5 port 50122`,
    `${month} 14 15:16:02 web-02 sshd[101]: Failed password for root from 10.0.0.9 port 50123`,
    `${month} 14 15:16:03 web-01 CRON[102]: (root) CMD (run-parts /etc/cron.hourly)`,
  ].join('\n');

describe('honest metadata', () => {
  it('gives year-less timestamps the year of the upload time, and says so', () => {
    const { summary } = summarizeLog(syslog('Jun'), { receivedAt: Date.parse('2023-06-20T00:00:00Z') });
    expect(summary.timeSpan).toMatchObject({
      start: '2023-06-14T15:16:01.000Z',
      yearAssumed: { year: 2023, from: 'received' },
    });
    expect(renderSummaryText(summary)).toContain(
      'Timestamps carry no year: 2023 assumed (from the upload/file time).',
    );
  });

  it('takes the upload time of a stored entry in the worker', async () => {
    const result = localSummarizer(syslog('Jun'), {
      format: null,
      redactions: emptyRedactionCounts(),
      receivedAt: new Date('2022-07-01T00:00:00Z'),
      baseline: null,
    });
    expect(result.summary).toMatchObject({ timeSpan: { yearAssumed: { year: 2022, from: 'received' } } });
    expect(result.text).toContain('2022 assumed (from the upload/file time)');
  });

  it('carries a year-less log past New Year into the next year', () => {
    const raw = [
      'Dec 31 23:59:58 web-01 app[1]: started',
      'Dec 31 23:59:59 web-01 app[1]: ready',
      'Jan  1 00:00:01 web-01 app[1]: error: disk failed',
      'Jan  1 00:00:02 web-01 app[1]: stopping',
    ].join('\n');
    const { summary } = summarizeLog(raw, { receivedAt: Date.parse('2025-01-02T00:00:00Z') });
    expect(summary.timeSpan).toMatchObject({
      start: '2024-12-31T23:59:58.000Z',
      end: '2025-01-01T00:00:02.000Z',
      yearAssumed: { year: 2024 },
    });
    expect(summary.firstError).toMatchObject({ time: '2025-01-01T00:00:01.000Z' });
  });

  it('puts a December log uploaded in January in the year before', () => {
    const { summary } = summarizeLog(syslog('Dec'), { receivedAt: Date.parse('2024-01-03T08:00:00Z') });
    expect(summary.timeSpan).toMatchObject({
      start: '2023-12-14T15:16:01.000Z',
      yearAssumed: { year: 2023 },
    });
  });

  it('puts times of day without a date (logback) on the day the log was received, past midnight on the next', () => {
    const raw = [
      '23:59:58.120 [main] INFO  c.e.Job - started',
      '23:59:59.500 [main] INFO  c.e.Job - ready',
      '00:00:01.010 [main] ERROR c.e.Job - disk failed',
      '00:00:02.000 [main] INFO  c.e.Job - stopping',
    ].join('\n');
    const { summary } = summarizeLog(raw, { receivedAt: Date.parse('2026-12-07T08:00:00Z') });
    // 23:59 is later in the day than 08:00: the log began the evening before.
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-06T23:59:58.120Z',
      end: '2026-12-07T00:00:02.000Z',
      dateAssumed: { date: '2026-12-06', from: 'received' },
    });
    expect(summary.timeSpan?.yearAssumed).toBeUndefined();
    expect(summary.firstError).toMatchObject({ time: '2026-12-07T00:00:01.010Z' });
    expect(renderSummaryText(summary)).toContain(
      'Timestamps carry no date: 2026-12-06 assumed (from the upload/file time).',
    );
    const morning = summarizeLog(
      '09:00:00.000 [main] INFO  c.e.Job - a\n09:00:01.000 [main] INFO  c.e.Job - b',
      {
        receivedAt: Date.parse('2026-12-07T12:00:00Z'),
      },
    );
    expect(morning.summary.timeSpan?.start).toBe('2026-12-07T09:00:00.000Z');
  });

  it('says nothing about the year when timestamps carry one', () => {
    const { summary } = summarizeLog('2024-05-01 10:00:00 INFO a\n2024-05-01 10:00:01 INFO b');
    expect(summary.timeSpan?.yearAssumed).toBeUndefined();
  });

  it('marks levels guessed from wording as inferred, in JSON and text', () => {
    const { summary } = summarizeLog(syslog('Jun'));
    expect(summary.levels.source).toBe('inferred');
    expect(summary.errorTemplates[0]).toMatchObject({ level: 'ERROR', levelInferred: true });
    expect(summary.errors).toEqual({ total: 1, inferred: 1 });
    expect(summary.firstError).toMatchObject({ line: 2, inferred: true });
    const text = renderSummaryText(summary);
    expect(text).toContain('Levels (inferred from wording: the log has no level field)');
    // `root` is a value (a user name) for the miner, as in the Loghub-2.0 template guidelines.
    expect(text).toMatch(/ERROR\* +1 +T\d+ +Failed password for <ID>/);
    expect(text).toContain('* level inferred from wording');
    const levelled = summarizeLog('2024-05-01 10:00:00 ERROR db: failed').summary;
    expect(levelled.errorTemplates[0]?.levelInferred).toBe(false);
  });
});

describe('levels recognised from wording', () => {
  const inferred = (...messages: string[]) =>
    summarizeLog(messages.map((m, i) => `Jul  1 10:00:0${i} mac-17 agent[${100 + i}]: ${m}`).join('\n'))
      .summary;

  it('does not count a tally of zero errors, or a status line counter, as an error', () => {
    const s = inferred(
      'update check finished errors=0 currentActionErrors=0',
      'update check finished errors=0 currentActionErrors=0',
      'sync done with 0 errors',
      'disk write failed on /dev/sda1',
    );
    expect(s.errors.total).toBe(1);
    expect(s.levels.counts.ERROR).toBe(1);
    expect(s.errorTemplates.map((t) => t.template)).toEqual(['disk write failed on <PATH>']);
  });

  it('does not count a tally written failed=<n> (a play recap) as an error, but a failure still', () => {
    const s = inferred(
      'web-01 : ok=5 changed=2 unreachable=0 failed=0 skipped=0',
      'web-02 : ok=5 changed=2 unreachable=0 failed=0 skipped=0',
      'batch done processed=10 failed=0',
      'fatal: [web-03]: FAILED! => status 502',
    );
    expect(s.errorTemplates.map((t) => t.template)).toEqual(['fatal: [web-<NUM>]: FAILED! => status <NUM>']);
  });

  it('reads a CamelCase name starting with Failed as failure wording, not a counter or a longer word', () => {
    const s = inferred(
      'Warning FailedScheduling pod/api-1 0/6 nodes are available',
      'FailedToConnect raised by the db pool',
      'login stats FailedLogins=3',
      'sendSyncFailedBroadcast queued',
    );
    expect(s.errorTemplates.map((t) => t.template).sort()).toEqual([
      'FailedToConnect raised by the db pool',
      'Warning FailedScheduling pod/api-<NUM> <NUM> nodes are available',
    ]);
  });

  it('reads Kubernetes failure states and Go sentinel errors as failure wording, not names in code or counters', () => {
    const s = inferred(
      'api-7d9c8b7f5-x2k4p 0/1 CrashLoopBackOff 7 12m',
      'web-5f6d7c8b9-abcde 0/1 ImagePullBackOff 0 3m',
      'Warning BackOff pod/api-1 restarting container',
      'worker-1 0/1 OOMKilled 3 20m',
      'pull of image shop/api:1.2 gave ErrImagePull',
      'Warning Unhealthy pod/api-2 probe',
      'retry policy ExponentialBackOff{initialInterval=100} set',
      'stats OOMKilled=0 ErrRetries=0',
      'handlerErrCount kept, ErrorHandler installed',
    );
    expect(s.errorTemplates.map((t) => t.template).sort()).toEqual([
      'Warning BackOff pod/api-<NUM> restarting container',
      'Warning Unhealthy pod/api-<NUM> probe',
      'api-<*> <NUM> CrashLoopBackOff <NUM> <*>',
      'pull of image shop/api:<NUM> gave ErrImagePull',
      'web-<*>-abcde <NUM> ImagePullBackOff <NUM> <*>',
      'worker-<NUM> <NUM> OOMKilled <NUM> <*>',
    ]);
  });

  it('takes the level a message opens with over the words after it', () => {
    const s = inferred(
      "warning: can't get client address: Connection reset by peer",
      'error: cannot open config',
    );
    expect(s.errors.total).toBe(1);
    expect(s.warningTemplates[0]?.template).toMatch(/^warning: can't get client address/);
  });
});

describe('a log joined from two programs', () => {
  it('counts the errors of the lines in the second layout by the level word they start with', () => {
    const first = Array.from(
      { length: 30 },
      (_, i) =>
        `2015-07-29 17:41:${String(i + 10).padStart(2, '0')},747 - INFO  [main:QuorumPeer@913] - tick ${i}`,
    );
    const second = [
      '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster',
      '2015-10-18 18:01:48,963 ERROR [RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator: ERROR IN CONTACTING RM.',
      '2015-10-18 18:01:49,100 WARN [LeaseRenewer:msrabi] org.apache.hadoop.hdfs.LeaseRenewer: Failed to renew lease',
      'kernel: an error in prose is not a level',
    ];
    const { summary } = summarizeLog([...first, ...second].join('\n'));
    expect(summary.errors.total).toBe(1);
    expect(summary.levels.counts).toMatchObject({ INFO: 31, ERROR: 1, WARN: 1, UNKNOWN: 1 });
  });
});

describe('redaction in the summary', () => {
  it('keeps hosts distinguishable: header hosts and addresses in text share one set of pseudonyms', () => {
    const { summary, templates } = summarizeLog(syslog('Jun'));
    expect(summary.topHosts.map((h) => h.name)).toEqual(['<HOST#1>', '<HOST#2>']);
    expect(summary.topHosts[1]).toMatchObject({ lines: 1, errors: 1 });
    expect(summary.redactions).toMatchObject({
      total: 5,
      byKind: { ipv4: 2, hostname: 3 },
      network: 'pseudonymise',
      distinct: { ip: 2, host: 2 },
    });
    const failed = templates.find((t) => t.template.startsWith('Failed password'));
    expect(failed?.template).toBe('Failed password for <ID> from <IP> port <NUM>');
    expect(failed?.samples[0]?.text).toContain('<IP#2>');
    expect(JSON.stringify({ summary, templates })).not.toMatch(/web-0|10\.0\.0/);
  });

  it('keeps or removes addresses and host names when told to; secrets go whatever the setting', () => {
    const raw = `${syslog('Jun')}\nJun 14 15:16:04 web-01 app[1]: login password=hunter2 from 10.0.0.5`;
    const kept = summarizeLog(raw, { network: 'keep' });
    expect(kept.summary.topHosts.map((h) => h.name)).toEqual(['web-01', 'web-02']);
    expect(kept.summary.redactions).toMatchObject({ total: 1, network: 'keep', byKind: { secret: 1 } });
    const removed = summarizeLog(raw, { network: 'remove' });
    expect(removed.summary.topHosts).toEqual([{ name: '<HOST>', lines: 4, errors: 1 }]);
    expect(removed.summary.redactions.byKind).toMatchObject({ ipv4: 3, hostname: 4, secret: 1 });
  });

  it('adds the redactions made before storage, so the counts agree with the stored entry', () => {
    const prior = { ...emptyRedactionCounts(), email: 3, ipv4: 2 };
    const { summary, redactions } = summarizeLog(syslog('Jun'), { priorRedactions: prior });
    expect(summary.redactions.byKind).toMatchObject({ email: 3, ipv4: 4, hostname: 3 });
    expect(summary.redactions.total).toBe(10);
    expect(redactions).toEqual(summary.redactions);
    expect(renderSummaryText(summary)).toContain(
      'Redactions: 10 (e-mail addresses 3, IPv4 addresses 4, host names 3); IP addresses and host names pseudonymised (2 distinct addresses, 2 hosts)',
    );
  });

  it('numbers header hosts after every pseudonym already in a stored entry, wherever it appears', () => {
    const stored = [
      'Jun 14 15:16:01 web-01 app[1]: started',
      'Jun 14 15:16:02 web-01 app[1]: calling <HOST#1>',
    ];
    const { summary, templates } = summarizeLog(stored.join('\n'));
    expect(summary.topHosts.map((h) => h.name)).toEqual(['<HOST#2>']);
    expect(templates.find((t) => t.template.startsWith('calling'))?.samples[0]?.text).toBe(
      'calling <HOST#1>',
    );
  });

  it('does not count again what was pseudonymised before (a stored entry read back)', () => {
    const { redactions } = summarizeLog('Jun 14 15:16:01 <HOST#1> sshd[1]: from <IP#1> and 10.9.9.9');
    expect(redactions.byKind).toMatchObject({ ipv4: 1, hostname: 0 });
  });
});
