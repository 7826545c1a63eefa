/**
 * LLM provider faults (issue 13: what held must keep holding): a 429, a 500, a hang past the timeout and a
 * malformed body from the model each leave the job SUCCEEDED with the local summary, and nothing in the DLQ.
 * The provider is the fake OpenAI-compatible server of test/support (tests never call a real LLM). Each fault
 * gets a fresh stack: after one provider failure the same process did not ask the model again (seen here,
 * reported to the LLM owner), so a shared stack would not exercise the later faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAi, type FakeReply, startFakeOpenAi } from '../support/fake-openai.ts';
import { dataField, startLocalProcess } from '../support/local-process.ts';
import { adminSession, sampleLog, tempDir, until } from './support.ts';

const FAULTS: [string, FakeReply][] = [
  ['429', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, message: 'slow down' }],
  ['500', { kind: 'status', status: 500, message: 'upstream exploded' }],
  ['malformed', { kind: 'malformed' }],
  ['hang', { kind: 'hang' }],
];

describe('LLM provider faults', () => {
  let llm: FakeOpenAi;
  beforeAll(async () => {
    llm = await startFakeOpenAi();
  });
  afterAll(async () => {
    await llm?.close();
  });

  it.each(FAULTS)('a %s from the model falls back to the local summary', async (name, reply) => {
    const dir = tempDir('ai-ops-fault-llm-');
    const stack = await startLocalProcess(dir.path, 90_000, {
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-fault-suite',
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_ATTEMPTS: '1',
    });
    try {
      llm.reset();
      llm.setDefault(reply);
      const admin = await adminSession(stack);
      const flag = await admin.call(
        'mutation { setFeatureFlag(name: "llm.summary", enabled: true) { name } }',
      );
      expect(flag.errors).toBeUndefined();
      const created = await admin.call('mutation($r: String!) { summarizeLog(raw: $r) { id } }', {
        r: sampleLog(`llm${name}`),
      });
      const id = dataField<{ id: string }>(created, 'summarizeLog').id;
      const entry = await until(
        async () => {
          const result = await admin.call(
            'query($id: ID!) { logEntry(id: $id) { status summary { generatedBy } job { status lastError } } }',
            { id },
          );
          const value = dataField<{ status: string }>(result, 'logEntry');
          return value.status === 'SUCCEEDED' || value.status === 'FAILED' ? value : undefined;
        },
        60_000,
        `the job under a ${name}`,
      );
      expect(entry).toMatchObject({ status: 'SUCCEEDED', summary: { generatedBy: 'local' } });
      expect(llm.requests.length).toBeGreaterThanOrEqual(1);
      const letters = await admin.call('{ deadLetters { items { jobId } } }');
      expect(letters.errors).toBeUndefined();
      expect(JSON.stringify(letters.data)).not.toContain('jobId":"');
    } finally {
      await stack.stop();
      dir.remove();
    }
  });
});
