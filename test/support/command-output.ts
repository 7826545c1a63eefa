import { vi } from 'vitest';

/**
 * Runs a command in this process and returns its exit code and what it wrote to standard output; standard
 * error is silenced (progress lines).
 */
export async function commandOutput(run: () => Promise<number>): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
