import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface StartedLocalProcess {
  child: ChildProcess;
  url: string;
  apiKey: string;
  admin: { email: string; password: string } | null;
  output: string[];
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Ctrl-C must end the process: a run that is still there after this is killed and the test fails. */
const STOP_WITHIN_MS = 60_000;

/** Runs `ai-ops start` as a real child process, as a user would, and waits for its banner. */
export async function startLocalProcess(
  dataDir: string,
  timeoutMs = 60_000,
  env: Record<string, string> = {},
  port = 0,
): Promise<StartedLocalProcess> {
  const args = ['bin/ai-ops.mjs', 'start', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: '', POWERTOOLS_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const banner: { url?: string; apiKey?: string; admin?: { email: string; password: string } } = {};
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => output.push(line));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner within ${timeoutMs} ms:\n${output.join('\n')}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ai-ops start exited with ${code}:\n${output.join('\n')}`));
    });
    lines.on('line', (line) => {
      output.push(line);
      const [label, ...rest] = line.split(': ');
      const value = rest.join(': ');
      if (label === 'GraphQL') banner.url = value;
      if (label === 'API key') banner.apiKey = value;
      if (label === 'Admin') {
        const [email = '', password = ''] = value.split(' ');
        banner.admin = { email, password };
      }
      if (line.startsWith('Ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  if (!banner.url || !banner.apiKey) throw new Error(`incomplete banner:\n${output.join('\n')}`);
  return {
    child,
    url: banner.url,
    apiKey: banner.apiKey,
    admin: banner.admin ?? null,
    output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WITHIN_MS);
      const [code] = await exited.finally(() => clearTimeout(timer));
      if (child.signalCode === 'SIGKILL')
        throw new Error(
          `ai-ops start did not exit within ${STOP_WITHIN_MS} ms of SIGINT:\n${output.slice(-40).join('\n')}`,
        );
      return code;
    },
  };
}

export interface GraphQLResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; errorType: string; path?: string[] }[];
}

export async function graphql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GraphQLResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResult, 'status'>;
  return { status: response.status, ...body };
}

/** The value of one top-level field of a response; fails the test with the whole response when it is missing. */
export function dataField<T>(result: GraphQLResult, name: string): T {
  const value = result.data?.[name];
  if (value === undefined || value === null) throw new Error(`no ${name} in ${JSON.stringify(result)}`);
  return value as T;
}
