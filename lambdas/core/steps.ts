/**
 * Work written once as a generator that yields between slices, run two ways: through at once (a Lambda, a
 * script), or awaiting `pause` at each yield so that a thread shared with others (the local API, a page) lets
 * them run. Kept free of Node APIs: the console runs it too.
 */
export function runThrough<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runPausing<T>(steps: Generator<unknown, T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
