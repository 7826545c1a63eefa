import { readFileSync } from 'node:fs';
import { ValidationError } from '../lambdas/core/errors.ts';
import { type Command, commandName, messageLine, UsageError, wantsHelp } from './commands/command.ts';

/**
 * Every command, with what `ai-ops --help` prints about it. A command's module is imported only when that command
 * runs (`ai-ops --help` imports none), and the build keeps each behind its own chunk: the import must stay a
 * literal `import('./commands/….ts')` for esbuild to follow it.
 */
const commands: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'start',
    summary: 'run the API, database and workers locally (what `npm start` runs)',
    load: async () => (await import('./commands/start.ts')).startCommand,
  },
  {
    name: 'migrate',
    summary: 'apply database migrations (DATABASE_URL or the embedded Postgres)',
    load: async () => (await import('./commands/migrate.ts')).migrateCommand,
  },
  {
    name: 'logs',
    summary: 'mine templates from a log (parse), summarise it (summarize) or upload it to an API (upload)',
    load: async () => (await import('./commands/logs.ts')).logsCommand,
  },
  {
    name: 'tickets',
    summary: 'classify tickets from a CSV, or train the ticket classifier',
    load: async () => (await import('./commands/tickets.ts')).ticketsCommand,
  },
  {
    name: 'changelog',
    summary: 'generate a release changelog from the conventional commits of a git range',
    load: async () => (await import('./commands/changelog.ts')).changelogCommand,
  },
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: ai-ops <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     this help',
    '  -V, --version  print the version of ai-ops',
    '',
    'Run `ai-ops <command> --help` for the options of a command.',
    'Exit codes: 0 done; 1 it failed, or some rows or items did (see standard error); 2 a usage or input error',
    '(unknown option, missing argument or file, unreadable input); 130 stopped by Ctrl-C.',
  ].join('\n');
}

/** The package's version, read only when asked: `ai-ops --help` stays free of file reads. */
function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const value = pkg && typeof pkg === 'object' && 'version' in pkg ? String(pkg.version) : 'unknown';
  return `ai-ops ${value}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  // No command is a usage error: the usage goes where errors go, so `ai-ops > out` leaves out empty.
  if (!name) {
    process.stderr.write(`ai-ops: no command given\n\n${usage()}\n`);
    return 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`ai-ops: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  // Messages name the command as typed (`tickets classify`) once its module says which words are sub-commands.
  let typed = name;
  // `ai-ops start` stops itself on a closed terminal (SIGHUP) and must still stop its database.
  if (name !== 'start') quietOnClosedPipe(() => typed);
  try {
    const command = await entry.load();
    typed = commandName(name, command, rest);
    if (wantsHelp(rest) && rest.length === 1) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(rest);
  } catch (error: unknown) {
    if (error instanceof ValidationError) {
      process.stderr.write(messageLine(typed, inputProblem(error, rest)));
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(messageLine(typed, error.message));
      return 2;
    }
    // Never "undefined": a library that rejects with nothing still gets a sentence.
    const message =
      error instanceof Error && error.message.trim() !== ''
        ? error.message
        : error === undefined || error === null || String(error).trim() === ''
          ? 'failed without a reason (run again with POWERTOOLS_LOG_LEVEL=DEBUG for details)'
          : String(error);
    process.stderr.write(messageLine(typed, message));
    return 1;
  }
}

/**
 * A bad value names the option as the user typed it (`--review-below: must be …`): the checks behind the
 * options (the triage policy, the date and model readers) name their field without dashes, as the API does.
 */
function inputProblem(error: ValidationError, args: readonly string[]): string {
  const option = `--${error.field}`;
  const typed = args.some((arg) => arg === option || arg.startsWith(`${option}=`));
  return typed ? `${option}: ${error.problem}` : error.message;
}

/** `ai-ops tickets classify big.csv | head`: the reader leaving early is not an error, nor a stack trace. */
function quietOnClosedPipe(name: () => string): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(messageLine(name(), `cannot write output: ${error.message}`));
    process.exit(1);
  });
}
