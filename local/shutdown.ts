/**
 * Each shutdown step gets this long; one that overruns is reported by name and left behind, so Ctrl-C always
 * ends the process. The workers' step is longer: each thread may finish the batch it has in flight (30 s).
 */
const STEP_DEADLINE_MS = 10_000;
export const WORKERS_DEADLINE_MS = 40_000;

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
  deadlineMs?: number;
}

/** Runs the steps last-started first, each within its deadline; failures and overruns go to `onError`. */
export async function runShutdown(steps: ShutdownStep[], onError: (error: unknown) => void): Promise<void> {
  for (const step of [...steps].reverse()) {
    const deadlineMs = step.deadlineMs ?? STEP_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), deadlineMs);
    });
    const finished = step.run().then(
      () => false,
      (error: unknown) => {
        onError(error);
        return false;
      },
    );
    if (await Promise.race([finished, overrun]))
      onError(
        new Error(`Shutdown: ${step.name} did not stop within ${deadlineMs / 1000} s; going on without it`),
      );
    clearTimeout(timer);
  }
}
