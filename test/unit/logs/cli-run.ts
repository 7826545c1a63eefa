import { vi } from 'vitest';
import { logsCommand } from '../../../bin/commands/logs.ts';

/** Runs `ai-ops logs …` in-process and captures what it writes to stdout. */
export async function runLogs(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    const code = await logsCommand.run(args);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}
