/**
 * The worker threads' own stdout and stderr (local/worker-threads.ts `output`): what a thread's handlers write
 * (here the "Job succeeded" record of a triage) reaches the runtime's output through a source of that thread's
 * own, and every source is ended when the runtime stops, so a line left half-written is not lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineSource, OutputStreamName } from '../../local/log-output.ts';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness.ts';

const TRIAGE = 'mutation($t: String!, $b: String!) { triageTicket(title: $t, body: $b) { id } }';

interface RecordedSource {
  stream: OutputStreamName;
  text: string;
  ended: boolean;
}

describe("local worker threads' output", () => {
  const sources: RecordedSource[] = [];
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  let api: ApiHarness | undefined;
  let stopped = false;

  beforeAll(async () => {
    // A thread reads the level when it starts: INFO, so that a job's success is logged.
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    api = await startApiHarness({
      workerOutput: {
        source(stream): LineSource {
          const recorded: RecordedSource = { stream, text: '', ended: false };
          sources.push(recorded);
          return {
            write: (text) => {
              recorded.text += text;
            },
            end: () => {
              recorded.ended = true;
            },
          };
        },
      },
    });
  });
  afterAll(async () => {
    if (!stopped) await api?.close();
    process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  });

  it("hands a thread's log records to a source of its own, and ends every source at stop", async () => {
    if (!api) throw new Error('no runtime');
    const admin = await api.admin();
    const result = await admin.call(TRIAGE, { t: 'Editor freezes on large files', b: 'It hangs.' });
    if (!result.data?.triageTicket) throw new Error(JSON.stringify(result));
    const succeeded = (source: RecordedSource) =>
      source.text
        .split('\n')
        .filter((line) => line.includes('"message":"Job succeeded"') && line.includes('"triage-ticket"'));
    await eventually(
      async () => sources.map((source) => `${source.stream}: ${source.text.slice(-2000)}`),
      () => sources.some((source) => succeeded(source).length > 0),
      20_000,
    );
    const record = sources.find((source) => succeeded(source).length > 0);
    if (!record) throw new Error('no source received the record');
    expect(record.stream).toBe('stdout');
    expect(JSON.parse(succeeded(record)[0] ?? '')).toMatchObject({
      level: 'INFO',
      jobKind: 'triage-ticket',
    });
    // One stdout and one stderr per thread.
    expect(sources.filter((source) => source.stream === 'stdout').length).toBe(sources.length / 2);
    await api.close();
    stopped = true;
    expect(sources.every((source) => source.ended)).toBe(true);
  });
});
