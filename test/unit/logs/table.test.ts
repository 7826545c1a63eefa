/**
 * Fixed-width tables with a header row, as command-line tools print them and people paste them as a log:
 * `kubectl get events` (plain and `-o wide`), `docker ps`, a custom-columns table with real times. Samples
 * handmade in the tools' layout (tabwriter: each column as wide as its widest value, three spaces apart).
 */
import { describe, expect, it } from 'vitest';
import { redactLog } from '../../../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { type LogSummary, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary-text.ts';

const RECEIVED = Date.UTC(2026, 11, 7);
const summaryOf = (text: string): LogSummary => summarizeText(text, { receivedAt: RECEIVED }).summary;
const templatesOf = (text: string): string[] =>
  summarizeText(text, { receivedAt: RECEIVED, redact: false }).templates.map((t) => t.template);

const EVENTS = [
  'LAST SEEN   TYPE      REASON             OBJECT                    MESSAGE',
  '12m         Normal    Scheduled          pod/api-7d9f8b6c4-x2k9p   Successfully assigned default/api-7d9f8b6c4-x2k9p to node-1',
  '12m         Normal    Pulling            pod/api-7d9f8b6c4-x2k9p   Pulling image "api:1.4.2"',
  '11m         Normal    Created            pod/api-7d9f8b6c4-x2k9p   Created container api',
  '11m         Normal    Started            pod/api-7d9f8b6c4-x2k9p   Started container api',
  '5m          Warning   Unhealthy          pod/api-7d9f8b6c4-x2k9p   Readiness probe failed: HTTP probe failed with statuscode: 503',
  '4m          Warning   BackOff            pod/api-7d9f8b6c4-x2k9p   Back-off restarting failed container api in pod api-7d9f8b6c4-x2k9p',
  '3m          Warning   BackOff            pod/api-7d9f8b6c4-q8w2z   Back-off restarting failed container api in pod api-7d9f8b6c4-q8w2z',
  '2m          Warning   FailedScheduling   pod/worker-5b7c9d-abcde   0/3 nodes are available: 3 Insufficient memory.',
  '1m          Normal    SuccessfulCreate   replicaset/api-7d9f8b6c4  Created pod: api-7d9f8b6c4-z7y6x',
].join('\n');

const EVENTS_WIDE = [
  'LAST SEEN   TYPE      REASON      OBJECT                  SOURCE                              MESSAGE                                FIRST SEEN   COUNT   NAME',
  '5m          Warning   BackOff     pod/api-7d9f-x2k9p      kubelet, ip-10-0-1-5.ec2.internal   Back-off restarting failed container   20m          14      api-7d9f-x2k9p.17a1b2c3d4e5f6a7',
  '4m          Normal    Pulled      pod/api-7d9f-x2k9p      kubelet, ip-10-0-1-5.ec2.internal   Container image "api:1.4.2" present    20m          5       api-7d9f-x2k9p.17a1b2c3d4e5f6a8',
  '2m          Warning   Failed      pod/worker-5b7c-abcde   kubelet, ip-10-0-2-7.ec2.internal   Error: ImagePullBackOff                9m           31      worker-5b7c-abcde.17a1b2c3d4e5f6a9',
  '1m          Normal    Scheduled   pod/web-6c8d-zzzzz      default-scheduler                   Successfully assigned web-6c8d-zzzzz   1m           1       web-6c8d-zzzzz.17a1b2c3d4e5f6b0',
].join('\n');

const DOCKER_PS = [
  'CONTAINER ID   IMAGE          COMMAND                  CREATED         STATUS                     PORTS                NAMES',
  '4c01db0b339c   nginx:1.25     "/docker-entrypoint.…"   2 hours ago     Up 2 hours                 80/tcp               web',
  'd7886598dbe2   redis:7        "docker-entrypoint.s…"   2 hours ago     Up 2 hours                 6379/tcp             cache',
  'a1b2c3d4e5f6   api:1.4.2      "node server.js"         3 minutes ago   Exited (1) 2 minutes ago                        api',
  'f6e5d4c3b2a1   worker:1.4.2   "python worker.py"       5 days ago      Restarting (137) 1s ago                         worker',
].join('\n');

describe('fixed-width tables with a header row: the header names the columns, records follow its offsets', () => {
  it('reads kubectl get events: TYPE is the level (Warning = WARN), the header row is no event', () => {
    const summary = summaryOf(EVENTS);
    expect(summary.header.kind).toBe('table');
    expect(summary.header.description).toContain('<level> TYPE');
    expect(summary.levels.counts).toMatchObject({ INFO: 5, WARN: 4 });
    expect(summary.lines).toMatchObject({ total: 10, analysed: 9, blank: 1 });
    expect(renderSummaryText(summary)).toContain("the table's header row");
  });

  it('counts a Warning event as an error when its wording says so, as Kubernetes has no error type', () => {
    // The two BackOff events, the failed readiness probe, and FailedScheduling (a name that says it failed).
    expect(summaryOf(EVENTS).errors.total).toBe(4);
  });

  it('gives kubectl get events no time: LAST SEEN holds ages (5m), relative to a moment the paste lost', () => {
    expect(summaryOf(EVENTS).timeSpan).toBeNull();
    // The ages are no part of the message either: the two BackOff events (4m, 3m) are one template.
    const backOff = templatesOf(EVENTS).filter((t) => t.startsWith('BackOff'));
    expect(backOff).toHaveLength(1);
    expect(backOff[0]).not.toMatch(/\dm\b/);
    expect(templatesOf(EVENTS).some((t) => t.includes('LAST SEEN'))).toBe(false);
  });

  it('takes kubectl -o wide SOURCE as the component, redacted, and leaves the columns after MESSAGE out', () => {
    const summary = summaryOf(EVENTS_WIDE);
    expect(summary.header.kind).toBe('table');
    expect(summary.levels.counts).toMatchObject({ INFO: 2, WARN: 2 });
    const components = summary.topComponents.map((c) => c.name);
    expect(components).toContain('default-scheduler');
    expect(components.join(' ')).not.toContain('ec2.internal');
    const templates = templatesOf(EVENTS_WIDE);
    expect(templates.some((t) => t.includes('17a1b2c3'))).toBe(false);
    expect(summary.timeSpan).toBeNull();
  });

  it('reads the stored text of an upload, whose redacted host names moved the columns after them', () => {
    const stored = redactLog(EVENTS_WIDE, { network: 'pseudonymise', format: null }).text;
    expect(stored).toContain('kubelet, <HOST#1>   ');
    const summary = summarizeText(stored, { receivedAt: RECEIVED }).summary;
    expect(summary.header.kind).toBe('table');
    expect(summary.levels.counts).toMatchObject({ INFO: 2, WARN: 2 });
    expect(summary.topComponents.map((c) => c.name)).toContain('kubelet, <HOST#1>');
    // Each message whole, cut where it ends rather than where the header's offsets put it.
    const templates = summarizeText(stored, { receivedAt: RECEIVED }).templates.map((t) => t.template);
    expect(templates).toContain('Failed pod/worker-<*>-abcde Error: ImagePullBackOff');
  });

  it('reads docker ps: one event per container, its name ending the message, CREATED (an age) left out', () => {
    const summary = summaryOf(DOCKER_PS);
    expect(summary.header.kind).toBe('table');
    expect(summary.lines).toMatchObject({ total: 5, analysed: 4, blank: 1 });
    const templates = templatesOf(DOCKER_PS);
    expect(templates).toHaveLength(4);
    expect(templates.every((t) => !t.includes('CREATED') && !t.includes('hours ago'))).toBe(true);
    expect(templates.some((t) => t.endsWith(' worker'))).toBe(true);
  });

  it('reads times from a column of whole times with a year, and a level column by its values', () => {
    const table = [
      'TIMESTAMP              LEVEL   SERVICE   MESSAGE',
      '2026-12-07T10:00:00Z   INFO    api       request served in 12 ms',
      '2026-12-07T10:00:05Z   ERROR   api       payment declined for order 1234',
      '2026-12-07T10:00:09Z   WARN    worker    queue depth 512 above 500',
      '2026-12-07T10:01:00Z   INFO    worker    job 99 done',
    ].join('\n');
    const summary = summaryOf(table);
    expect(summary.header.kind).toBe('table');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-07T10:00:00.000Z',
      end: '2026-12-07T10:01:00.000Z',
    });
    expect(summary.levels.counts).toMatchObject({ INFO: 2, WARN: 1, ERROR: 1 });
    expect(summary.errors.total).toBe(1);
  });

  it('reads a record that does not follow the offsets as a plain line, the others as records', () => {
    const text = `${EVENTS}\nE1207 10:00:00.000000 1 reflector.go:138] watch of *v1.Pod ended`;
    const summary = summaryOf(text);
    expect(summary.header.kind).toBe('table');
    expect(summary.lines).toMatchObject({ total: 11, analysed: 10 });
    expect(summary.levels.counts).toMatchObject({ INFO: 5, WARN: 4 });
  });

  it('leaves a plain log whose first line is capitals with double spaces, but whose lines do not align, plain', () => {
    const text = [
      'ALERT  DISK  FULL  ON  NODE',
      'node-1 disk usage at 97 percent on /var',
      'cleanup started by cron at 02:00',
      'removed 1523 files from /var/tmp',
      'node-1 disk usage at 71 percent on /var',
    ].join('\n');
    const summary = summaryOf(text);
    expect(summary.header.kind).not.toBe('table');
    expect(summary.lines).toMatchObject({ total: 5, analysed: 5, blank: 0 });
  });
});
