/**
 * A Lambda log as CloudWatch exports it: 30 invocations (START, one INFO line, END, REPORT), every fifth one
 * timing out at 3 s. `timedOutMs(i)` is the duration the REPORT of invocation i gives when it timed out.
 */
export function lambdaExport(timedOutMs: (i: number) => number = () => 3000): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `3f1c${String(i).padStart(4, '0')}-0b5e-4c1a-9d2e-7a6b5c4d3e2f`;
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 10, i, 0, ms)).toISOString();
    const timedOut = i % 5 === 4;
    const duration = timedOut ? timedOutMs(i) : 100 + i;
    lines.push(`${at(0)} START RequestId: ${id} Version: $LATEST`);
    lines.push(`${at(10)}\t${id}\tINFO\tprocessing order ${1000 + i}`);
    if (timedOut) lines.push(`${at(3000)} ${id} Task timed out after 3.00 seconds`);
    lines.push(`${at(duration + 1)} END RequestId: ${id}`);
    lines.push(
      `${at(duration + 2)} REPORT RequestId: ${id}\tDuration: ${duration}.00 ms\tBilled Duration: ${duration + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t`,
    );
  }
  return lines.join('\n');
}
