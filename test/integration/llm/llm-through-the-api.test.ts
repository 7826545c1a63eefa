import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import {
  answer,
  type FakeOpenAi,
  type FakeReply,
  type RecordedRequest,
  startFakeOpenAi,
} from '../../support/fake-openai.ts';

const SUBMIT_LOG = `mutation($raw: String!) { summarizeLog(raw: $raw) { id } }`;
const READ_LOG = `query($id: ID!) { logEntry(id: $id) { status job { id attempts model } summary { text json generatedBy } } }`;
const CREATE_TICKET = `mutation($t: String!, $b: String!) { triageTicket(title: $t, body: $b) { id } }`;
const READ_TICKET = `query($id: ID!) { ticket(id: $id) { triage { status category details classifierVersion } } }`;
const SET_FLAG = `mutation($n: String!, $e: Boolean!, $p: Int, $r: [Role!]) {
  setFeatureFlag(name: $n, enabled: $e, rolloutPercent: $p, roles: $r) { name enabled rolloutPercent roles updatedBy }
}`;
const DEAD_LETTERS = `{ deadLetters { items { messageId kind } } }`;
/** The provider's cool-down after a failure (LLM_CIRCUIT_OPEN_SECONDS), short so a test can wait it out. */
const CIRCUIT_OPEN_SECONDS = 2;

// Loghub HDFS sample lines (Zhu et al., Loghub, ISSRE 2023).
const LOG = [
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
  '081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating',
  '081109 204015 308 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_8229193803249955061 terminating',
  '081109 204106 329 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-7057732666118938934 to /10.251.30.85',
  '081109 204107 329 ERROR dfs.DataNode$DataXceiver: 10.251.30.85:50010:DataXceiver: java.io.IOException: Connection reset by peer',
].join('\n');

/** A provider that answers each task sensibly, citing a template id it was shown. */
function healthyProvider(request: RecordedRequest): FakeReply {
  const schema = request.body.response_format?.json_schema?.name;
  const prompt = request.body.messages?.map((m) => m.content).join('\n') ?? '';
  if (schema === 'log_summary') {
    const cited = /^(T\d+) (ERROR|WARN)/m.exec(prompt)?.[1] ?? 'T1';
    return answer({
      headline: `One DataXceiver connection was reset [${cited}].`,
      headlineTemplateIds: [cited],
      overview: 'Blocks were served; one connection was reset.',
      findings: [{ severity: 'error', text: 'A DataXceiver connection was reset', templateIds: [cited] }],
      actions: ['Check the network between datanodes'],
    });
  }
  if (schema === 'changelog_highlights') {
    const ids = [...prompt.matchAll(/^(E\d+) /gm)].map((m) => m[1]);
    return answer({ highlights: 'CSV export arrives (#12) and a crash on save is fixed.', entryIds: ids });
  }
  if (schema === 'ticket_triage') {
    return answer({
      category: 'FEATURE',
      priority: 'P2',
      labels: ['export'],
      confidence: 0.88,
      rationale: 'asks for an export',
    });
  }
  return { kind: 'status', status: 400, message: `unexpected schema ${schema}` };
}

/** A Lambda export: 20 invocations, every fifth timing out a little past 3 s (REPORT Duration 30xx ms). */
function lambdaLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `3f1c${String(i).padStart(4, '0')}-0b5e-4c1a-9d2e-7a6b5c4d3e2f`;
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 10, i, 0, ms)).toISOString();
    const duration = i % 5 === 4 ? 3000 + i : 100 + i;
    lines.push(`${at(0)} START RequestId: ${id} Version: $LATEST`);
    lines.push(`${at(10)}\t${id}\tINFO\tprocessing order ${1000 + i}`);
    if (i % 5 === 4) lines.push(`${at(3000)} ${id} Task timed out after 3.00 seconds`);
    lines.push(`${at(duration + 1)} END RequestId: ${id}`);
    lines.push(
      `${at(duration + 2)} REPORT RequestId: ${id}\tDuration: ${duration}.00 ms\tBilled Duration: ${duration + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t`,
    );
  }
  return lines.join('\n');
}

/** A provider that reads the digest's durations line and quotes its p95, as a model would. */
function durationsProvider(request: RecordedRequest): FakeReply {
  const prompt = request.body.messages?.map((m) => m.content).join('\n') ?? '';
  const line = /^durations (T\d+) ×\d+: p50 \d+ ms, p95 (\d+) ms/m.exec(prompt);
  const id = line?.[1] ?? 'T1';
  const p95 = line?.[2] ?? '4000';
  return answer({
    headline: `Some invocations ran into the 3 s limit [${id}].`,
    headlineTemplateIds: [id],
    overview: `REPORT durations reach ${p95} ms at p95.`,
    findings: [{ severity: 'warning', text: `p95 of ${p95} ms: ${p95} ms timeouts`, templateIds: [id] }],
    actions: ['Raise the timeout or find the slow call'],
  });
}

describe('the LLM layer through the API, queue and workers', () => {
  let fake: FakeOpenAi;
  let api: ApiHarness;
  let admin: ApiSession;
  let user: ApiSession;
  /** What the worker threads write (Powertools JSON records, one a line), stdout and stderr alike. */
  let workerLines: string[] = [];
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  const records = () =>
    workerLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  const submitLog = async (session: ApiSession, raw = LOG) => {
    const result = await session.call(SUBMIT_LOG, { raw });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const id = (result.data?.summarizeLog as { id: string } | undefined)?.id ?? '';
    const done = await eventually(
      () => session.call(READ_LOG, { id }),
      (r) =>
        ['SUCCEEDED', 'FAILED'].includes((r.data?.logEntry as { status: string } | undefined)?.status ?? ''),
    );
    return done.data?.logEntry as {
      status: string;
      job: { id: string; attempts: number; model: string | null };
      summary: { text: string; json: string; generatedBy: string };
    };
  };
  const createTicket = async (session: ApiSession) => {
    const result = await session.call(CREATE_TICKET, {
      t: 'Add CSV export to reports',
      b: 'Please add an export button.',
    });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const id = (result.data?.triageTicket as { id: string } | undefined)?.id ?? '';
    const done = await eventually(
      () => session.call(READ_TICKET, { id }),
      (r) =>
        ['SUCCEEDED', 'FAILED'].includes(
          (r.data?.ticket as { triage: { status: string } } | undefined)?.triage.status ?? '',
        ),
    );
    const ticket = done.data?.ticket as
      | { triage: { status: string; category: string; details: string; classifierVersion: string } }
      | undefined;
    if (!ticket) throw new Error('ticket not readable');
    return ticket.triage;
  };
  const setFlag = (name: string, enabled: boolean) =>
    admin.call(SET_FLAG, { n: name, e: enabled, p: 100, r: [] });

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    // A thread reads the level when it starts: INFO, so that each job's success is logged.
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    api = await startApiHarness({
      workerOutput: {
        source: () => {
          let pending = '';
          return {
            write: (text) => {
              const lines = (pending + text).split('\n');
              pending = lines.pop() ?? '';
              workerLines.push(...lines);
            },
            end: () => {},
          };
        },
      },
      env: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'test-key',
        AI_SUMMARY_MODEL: 'summary-model',
        AI_TRIAGE_MODEL: 'triage-model',
        LLM_TIMEOUT_MS: '300',
        LLM_MAX_ATTEMPTS: '2',
        LLM_RETRY_BASE_MS: '10',
        LLM_RETRY_MAX_MS: '20',
        FLAG_CACHE_SECONDS: '0',
        LLM_CIRCUIT_OPEN_SECONDS: String(CIRCUIT_OPEN_SECONDS),
      },
    });
    admin = await api.admin();
    user = await api.user('someone@example.com');
  }, 120_000);
  beforeEach(() => {
    fake.reset();
    workerLines = [];
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
    process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  });

  it('uses the local algorithms and calls no model while the flags are off', async () => {
    const entry = await submitLog(user);
    expect(entry.summary.generatedBy).toBe('local');
    expect(fake.requests).toHaveLength(0);
  });

  it('lets only an admin set and list flags, and records each change', async () => {
    const denied = await user.call(SET_FLAG, { n: 'llm.summary', e: true, p: 100, r: [] });
    expect(denied.errors?.[0]?.errorType).toMatch(/Unauthorized|Forbidden/);
    // The authorizer denies the field to every role but ADMIN (deniedFields), as AppSync would.
    const listDenied = await user.call('{ featureFlags { name } }');
    expect(listDenied.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['featureFlags'] });
    const bad = await admin.call(SET_FLAG, { n: 'llm.summary', e: true, p: 140, r: [] });
    expect(bad.errors?.[0]?.errorType).toBe('ValidationError');

    const set = await admin.call(SET_FLAG, { n: 'llm.summary', e: true, p: 50, r: ['OPS'] });
    expect(set.data?.setFeatureFlag).toMatchObject({
      name: 'llm.summary',
      enabled: true,
      rolloutPercent: 50,
      roles: ['OPS'],
    });
    await setFlag('llm.summary', false);
    // Every flag the code reads is listed, set or not; only llm.summary has been set.
    const listed = await admin.call('{ featureFlags { name enabled rolloutPercent roles isSet } }');
    expect(listed.data?.featureFlags).toEqual([
      { name: 'llm.changelog', enabled: false, rolloutPercent: 100, roles: [], isSet: false },
      { name: 'llm.summary', enabled: false, rolloutPercent: 100, roles: [], isSet: true },
      { name: 'llm.triage', enabled: false, rolloutPercent: 100, roles: [], isSet: false },
    ]);
    const history = await api.database.db.execute(
      sql`select action, actor_id, changes from change_events where entity_type = 'feature_flag' order by id`,
    );
    expect(history.map((row) => row.action)).toEqual(['flag_created', 'flag_changed']);
    expect(history[1]?.actor_id).toBe(admin.userId);
    expect(history[1]?.changes).toMatchObject({ enabled: { from: true, to: false } });
  });

  it('stores the model summary and triage with provenance when the provider answers', async () => {
    await setFlag('llm.summary', true);
    await setFlag('llm.triage', true);
    fake.setDefault(healthyProvider);

    const entry = await submitLog(user);
    expect(entry.status).toBe('SUCCEEDED');
    expect(entry.summary.generatedBy).toBe('summary-model-2024-07-18');
    expect(entry.job.model).toBe('summary-model-2024-07-18');
    expect(entry.summary.text).toContain('connection was reset');
    const llm = JSON.parse(entry.summary.json).llm;
    expect(llm).toMatchObject({
      fallback: false,
      prompt: { name: 'log-summary', version: '2.1.0' },
      promptTokens: 100,
      completionTokens: 20,
    });
    expect(llm.rawTokens).toBeGreaterThan(0);
    const sent = fake.requests[0]?.body.messages?.map((m) => m.content).join('\n') ?? '';
    expect(sent).not.toContain('blk_38865049064139660');
    expect(sent).not.toContain('10.251.30.85');

    const triage = await createTicket(user);
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.category).toBe('FEATURE');
    const details = JSON.parse(triage.details);
    expect(details.local.classifierVersion).toBeTruthy();
    expect(details.llm).toMatchObject({ fallback: false, model: 'triage-model-2024-07-18' });
  });

  it("sends a Lambda log's REPORT durations in the digest, and keeps an answer that quotes its p95", async () => {
    await setFlag('llm.summary', true);
    fake.setDefault(durationsProvider);
    const entry = await submitLog(user, lambdaLog());
    const sent = fake.requests[0]?.body.messages?.map((m) => m.content).join('\n') ?? '';
    expect(sent).toMatch(/^durations T\d+ ×20: p50 1\d\d ms, p95 30\d\d ms, max 3019 ms$/m);
    expect(entry.status).toBe('SUCCEEDED');
    expect(JSON.parse(entry.summary.json).llm).toMatchObject({ fallback: false });
    expect(entry.summary.generatedBy).toBe('summary-model-2024-07-18');
    expect(entry.summary.text).toMatch(/p95 of 30\d\d ms/);
  });

  it('adds validated highlights to a changelog, and leaves them out with the reason when entries are dropped', async () => {
    await setFlag('llm.changelog', true);
    fake.setDefault(healthyProvider);
    const generate = `mutation($input: ChangelogInput!) {
      generateChangelog(input: $input) { markdown highlights highlightsInfo sections { title items { description } } }
    }`;
    const input = {
      commits: ['feat(reports): add CSV export (#12)', 'fix: crash on save'],
      previousVersion: '1.0.0',
      highlights: true,
    };
    const made = await user.call(generate, { input });
    expect(made.errors).toBeUndefined();
    const changelog = made.data?.generateChangelog as {
      markdown: string;
      highlights: string | null;
      highlightsInfo: string;
      sections: { title: string }[];
    };
    expect(changelog.highlights).toBe('CSV export arrives (#12) and a crash on save is fixed.');
    expect(changelog.markdown).toContain('### Highlights');
    expect(changelog.sections.map((section) => section.title)).toEqual(['Features', 'Bug Fixes']);
    expect(JSON.parse(changelog.highlightsInfo)).toMatchObject({ fallback: false, entries: 2 });

    fake.setDefault(answer({ highlights: 'Only the export.', entryIds: ['E1'] }));
    const dropped = (await user.call(generate, { input })).data?.generateChangelog as typeof changelog;
    expect(dropped.highlights).toBeNull();
    expect(dropped.markdown).not.toContain('### Highlights');
    expect(JSON.parse(dropped.highlightsInfo)).toMatchObject({
      fallback: true,
      fallbackReason: 'rejected: the model dropped entries: E2',
    });
  });

  it('still succeeds with the local results when the provider is down, on the first delivery, with nothing dead-lettered', async () => {
    await setFlag('llm.summary', true);
    await setFlag('llm.triage', true);
    fake.setDefault({ kind: 'status', status: 503, message: 'overloaded' });

    const entry = await submitLog(user);
    expect(entry.status).toBe('SUCCEEDED');
    expect(entry.job.attempts).toBe(1);
    expect(entry.summary.generatedBy).toBe('local');
    const llm = JSON.parse(entry.summary.json).llm;
    expect(llm).toMatchObject({ fallback: true, model: null });
    expect(llm.fallbackReason).toMatch(/^provider: server \(HTTP 503\) after 2 attempts/);

    fake.setDefault({ kind: 'hang' });
    const triage = await createTicket(user);
    expect(triage.status).toBe('SUCCEEDED');
    const details = JSON.parse(triage.details);
    expect(details.llm).toMatchObject({ fallback: true });
    expect(details.llm.fallbackReason).toMatch(/timeout/);
    expect(triage.classifierVersion).toBe(details.local.classifierVersion);

    const dead = await admin.call(DEAD_LETTERS);
    expect(dead.data?.deadLetters).toEqual({ items: [] });
  });

  it('asks the model again once the provider recovers and the cool-down has passed', async () => {
    await setFlag('llm.summary', true);
    fake.setDefault({ kind: 'status', status: 503, message: 'overloaded' });
    const during = await submitLog(user);
    expect(during.summary.generatedBy).toBe('local');

    fake.setDefault(healthyProvider);
    await new Promise((resolve) => setTimeout(resolve, CIRCUIT_OPEN_SECONDS * 1000 + 200));
    const after = await submitLog(user);
    expect(after.summary.generatedBy).toBe('summary-model-2024-07-18');
    expect(JSON.parse(after.summary.json).llm).toMatchObject({ fallback: false });
  });

  it('logs a fallback once, the circuit opening once, and Job succeeded with model=local; the job names no model', async () => {
    // Runs after the recovery test: the summary worker's circuit is closed, so the first job calls the model.
    await setFlag('llm.summary', true);
    fake.setDefault({ kind: 'status', status: 503, message: 'overloaded' });
    const first = await submitLog(user);
    const second = await submitLog(user);
    // The job's model is the model that produced the result: none did, so null (not the string local).
    expect(first.job.model).toBeNull();
    expect(second.job.model).toBeNull();
    expect(JSON.parse(first.summary.json).llm).toMatchObject({ fallback: true, model: null });
    // Only this test's jobs: the previous test's last "Job succeeded" line can reach the log after it ended.
    const ours = [first.job.id, second.job.id];
    const succeededOurs = () =>
      records().filter((r) => r.message === 'Job succeeded' && ours.includes(String(r.jobId)));
    await eventually(
      async () => succeededOurs(),
      (succeeded) => succeeded.length >= 2,
      10_000,
    );
    const warnings = records().filter((r) => r.level === 'WARN');
    const fallbacks = warnings.filter((r) => String(r.message).startsWith('LLM summary'));
    expect(fallbacks.map((r) => r.message)).toEqual([
      "LLM summary call failed after 2 attempts (server HTTP 503); using the local miner's summary",
    ]);
    expect(warnings.filter((r) => String(r.message).startsWith('LLM circuit open'))).toHaveLength(1);
    expect(succeededOurs().map((r) => [r.jobKind, r.model])).toEqual([
      ['summarize-log', 'local'],
      ['summarize-log', 'local'],
    ]);

    // The failed call's latency reached /metrics from the worker thread, under its outcome.
    const text = await (await fetch(api.runtime.url.replace(/\/graphql$/, '/metrics'))).text();
    const count = /^ai_ops_llm_latency_seconds_count\{task="summary",outcome="error"\} (\d+)$/m.exec(text);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('lists and redrives dead letters only of the registry’s job kinds, naming kind otherwise', async () => {
    const listed = await admin.call('{ deadLetters(kind: "no-such-kind") { items { messageId } } }');
    expect(listed.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(listed.errors?.[0]?.message).toMatch(/^kind: must be one of summarize-log, triage-ticket/);
    const redriven = await admin.call('mutation { redriveDeadLetters(kind: "no-such-kind") { moved } }');
    expect(redriven.errors?.[0]?.message).toMatch(/^kind: /);
    const one = await admin.call('{ deadLetters(kind: "triage-ticket") { items { messageId } } }');
    expect(one.data?.deadLetters).toEqual({ items: [] });
  });
});
