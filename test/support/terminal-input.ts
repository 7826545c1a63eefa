/**
 * Runs `f` as if standard input were a terminal. A command given no input file reads standard input when it is a
 * pipe; in-process, that would be the test runner's, and the test would wait for it.
 */
export async function withTerminalInput<T>(f: () => Promise<T>): Promise<T> {
  const before = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
  Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
  try {
    return await f();
  } finally {
    if (before) Object.defineProperty(process.stdin, 'isTTY', before);
    else Reflect.deleteProperty(process.stdin, 'isTTY');
  }
}
