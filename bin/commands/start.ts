import { type CapturedOutput, captureLogOutput, type LogFormat, lineStyle } from '../../local/log-output.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { type Command, parseCommandArgs, UsageError } from './command.ts';

const usage = `Usage: ai-ops start [--port <port>] [--data-dir <dir>] [--log-format readable|json]

Runs the whole product on this machine: an embedded PostgreSQL (or DATABASE_URL), migrations, the
AppSync-compatible GraphQL endpoint with its IDE, the workers on a local queue with SQS semantics, and the
reconciler. Prints the endpoint and the API key on every start, the admin credentials on the first one.
Ctrl-C stops cleanly; data is kept in the data dir.

Options:
  --port <port>        HTTP port (default: $PORT or 4000; 0 picks a free port)
  --data-dir <dir>     where the database, keys and credentials live (default: .local)
  --log-format <fmt>   readable: one short line per log record, no EMF metric lines (they are at /metrics);
                       json: the handlers' Powertools JSON and EMF lines as on Lambda
                       (default: readable on a terminal, json when the output is a file or a pipe)
  -h, --help           show this help`;

const LOG_FORMATS: readonly LogFormat[] = ['readable', 'json'];

export const startCommand: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(
      {
        args,
        options: {
          port: { type: 'string' },
          'data-dir': { type: 'string', default: '.local' },
          'log-format': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      },
      'start',
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = Number(values.port ?? process.env.PORT ?? 4000);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port: not a port: ${values.port}`);
    const asked = values['log-format'];
    const format = LOG_FORMATS.find((known) => known === asked);
    if (asked !== undefined && format === undefined)
      throw new UsageError(`--log-format: readable or json, not ${asked}`);
    const output = takeOutput(format);
    try {
      return await run(port, values['data-dir'], output);
    } finally {
      output?.restore();
    }
  },
};

/**
 * Each of stdout and stderr in its own format (a terminal readable, a file JSON, unless one was asked for);
 * nothing is taken over when both are JSON, so their bytes are exactly what the handlers write.
 */
function takeOutput(format: LogFormat | undefined): CapturedOutput | null {
  const styles = { stdout: lineStyle(process.stdout, format), stderr: lineStyle(process.stderr, format) };
  if (styles.stdout.format === 'json' && styles.stderr.format === 'json') return null;
  return captureLogOutput({ stdout: process.stdout, stderr: process.stderr }, styles);
}

async function run(port: number, dataDir: string, output: CapturedOutput | null): Promise<number> {
  const runtime = await startLocalRuntime({
    port,
    dataDir,
    databaseUrl: process.env.DATABASE_URL || undefined,
    ...(output ? { workerOutput: output } : {}),
  });
  process.stdout.write(`GraphQL: ${runtime.url}\n`);
  process.stdout.write(`API key: ${runtime.apiKey}\n`);
  if (runtime.createdAdmin) {
    process.stdout.write(`Admin: ${runtime.createdAdmin.email} ${runtime.createdAdmin.password}\n`);
    process.stdout.write(
      '(The admin credentials are shown once; they are kept in the data dir, admin.json.)\n',
    );
  }
  process.stdout.write(`Console: ${runtime.url.replace(/\/graphql$/, '/')}\n`);
  process.stdout.write(`IDE: ${runtime.url.replace(/\/graphql$/, '/graphiql')}\n`);
  process.stdout.write(`Metrics: ${runtime.url.replace(/\/graphql$/, '/metrics')}\n`);
  process.stdout.write('Ready. Press Ctrl-C to stop.\n');
  // The runtime owns shutdown, so in-flight batches finish before the database stops.
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A closed terminal stops the run as Ctrl-C does (by default it killed Node and left Postgres running);
    // writes to the terminal that is gone then fail with EIO, which must not crash the shutdown.
    process.once('SIGHUP', () => {
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
      stop();
    });
  });
  process.stdout.write('Stopping…\n');
  const forceExit = () => process.exit(130);
  process.once('SIGINT', forceExit);
  await runtime.stop();
  process.stdout.write('Stopped.\n');
  // The handlers' connection pools (one per Lambda container on AWS) only close after 20 s idle; everything
  // that did work has stopped, so the process ends now rather than when they time out.
  setTimeout(() => process.exit(), 500).unref();
  return 0;
}
