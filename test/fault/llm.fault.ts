/**
 * LLM provider faults (issue 13: what held must keep holding): a 429, a 500, a hang past the timeout and a
 * malformed body from the model each leave the job SUCCEEDED with the local summary, and nothing in the DLQ.
 * The provider is the fake OpenAI-compatible server of test/support (tests never call a real LLM). One stack
 * takes every fault in turn: after a failure the provider's circuit breaker skips the model for
 * LLM_CIRCUIT_OPEN_SECONDS, then lets one trial call through (half-open), so once the cool-down has passed
 * the same process asks the model again, which each fault checks (the model was called).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type FakeOpenAi, type FakeReply, startFakeOpenAi } from '../support/fake-openai.ts';
import { dataField, type StartedLocalProcess, startLocalProcess } from '../support/local-process.ts';
import { adminSession, type Session, sampleLog, tempDir, until } from './support.ts';

const FAULTS: [string, FakeReply][] = [
  ['429', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, message: 'slow down' }],
  ['500', { kind: 'status', status: 500, message: 'upstream exploded' }],
  ['malformed', { kind: 'malformed' }],
  ['hang', { kind: 'hang' }],
];

const COOL_DOWN_SECONDS = 2;

describe('LLM provider faults', () => {
  const dir = tempDir('ai-ops-fault-llm-');
  let llm: FakeOpenAi;
  let stack: StartedLocalProcess;
  let admin: Session;
  beforeAll(async () => {
    llm = await startFakeOpenAi();
    stack = await startLocalProcess(dir.path, 90_000, {
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-fault-suite',
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_ATTEMPTS: '1',
      LLM_CIRCUIT_OPEN_SECONDS: String(COOL_DOWN_SECONDS),
    });
    admin = await adminSession(stack);
    const flag = await admin.call('mutation { setFeatureFlag(name: "llm.summary", enabled: true) { name } }');
    expect(flag.errors).toBeUndefined();
  });
  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await llm?.close();
      dir.remove();
    }
  });

  const summarize = async (marker: string) => {
    const created = await admin.call('mutation($r: String!) { summarizeLog(raw: $r) { id } }', {
      r: sampleLog(marker),
    });
    const id = dataField<{ id: string }>(created, 'summarizeLog').id;
    return until(
      async () => {
        const result = await admin.call(
          'query($id: ID!) { logEntry(id: $id) { status summary { generatedBy } job { status lastError } } }',
          { id },
        );
        const value = dataField<{ status: string }>(result, 'logEntry');
        return value.status === 'SUCCEEDED' || value.status === 'FAILED' ? value : undefined;
      },
      60_000,
      `the job ${marker}`,
    );
  };
  const coolDown = () => new Promise((resolve) => setTimeout(resolve, COOL_DOWN_SECONDS * 1000 + 200));

  it.each(FAULTS)('a %s from the model falls back to the local summary', async (name, reply) => {
    // The previous fault opened the circuit: once its cool-down has passed, a trial call goes out again.
    await coolDown();
    llm.reset();
    llm.setDefault(reply);
    const entry = await summarize(`llm${name}`);
    expect(entry).toMatchObject({ status: 'SUCCEEDED', summary: { generatedBy: 'local' } });
    expect(llm.requests.length).toBeGreaterThanOrEqual(1);
    const letters = await admin.call('{ deadLetters { items { jobId } } }');
    expect(letters.errors).toBeUndefined();
    expect(JSON.stringify(letters.data)).not.toContain('jobId":"');
  });

  it('uses the model again in the same process once the provider is back', async () => {
    await coolDown();
    llm.reset();
    llm.setDefault((request) => {
      const prompt = request.body.messages?.map((message) => message.content).join('\n') ?? '';
      const cited = /^(T\d+) /m.exec(prompt)?.[1] ?? 'T1';
      return answer({
        headline: `PacketResponders terminate normally [${cited}].`,
        headlineTemplateIds: [cited],
        overview: 'Blocks were served and their responders ended.',
        findings: [
          { severity: 'info', text: 'Responders terminate after serving blocks', templateIds: [cited] },
        ],
        actions: ['Nothing to do'],
      });
    });
    const entry = await summarize('llm-back');
    expect(entry).toMatchObject({ status: 'SUCCEEDED' });
    expect(entry).not.toMatchObject({ summary: { generatedBy: 'local' } });
    expect(llm.requests.length).toBeGreaterThanOrEqual(1);
  });
});
