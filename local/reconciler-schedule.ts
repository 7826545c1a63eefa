/** The reconciler on a timer, as the EventBridge schedule invokes it on AWS. */

/**
 * Runs `run` every `everySeconds`, one run at a time; the returned stop waits for the run in flight, which would
 * otherwise query a closed pool. A failed run is not reported here: the reconciler logs its own failure
 * ("Reconciliation failed", with the error) before it rejects, as on AWS, where the rejection only marks the
 * invocation failed and the next tick is the retry. Reporting it again gave two ERRORs per failure.
 */
export function scheduleReconciler(run: () => Promise<unknown>, everySeconds: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        running = null;
      });
  }, everySeconds * 1000);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
