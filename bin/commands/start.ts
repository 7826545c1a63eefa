import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../../local/runtime.ts';
import { type Command, UsageError } from './command.ts';

const usage = `Usage: ai-ops start [--port <port>] [--data-dir <dir>]

Runs the whole product on this machine: an embedded PostgreSQL (or DATABASE_URL), migrations, the
AppSync-compatible GraphQL endpoint with its IDE, the workers on a local queue with SQS semantics, and the
reconciler. Prints the endpoint and the API key on every start, the admin credentials on the first one.
Ctrl-C stops cleanly; data is kept in the data dir.

Options:
  --port <port>     HTTP port (default: $PORT or 4000; 0 picks a free port)
  --data-dir <dir>  where the database, keys and credentials live (default: .local)
  -h, --help        show this help`;

export const startCommand: Command = {
  usage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string', default: '.local' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = Number(values.port ?? process.env.PORT ?? 4000);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port: not a port: ${values.port}`);
    const runtime = await startLocalRuntime({
      port,
      dataDir: values['data-dir'],
      databaseUrl: process.env.DATABASE_URL || undefined,
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
    });
    process.stdout.write('Stopping…\n');
    const forceExit = () => process.exit(130);
    process.once('SIGINT', forceExit);
    await runtime.stop();
    process.stdout.write('Stopped.\n');
    return 0;
  },
};
