import { ValidationError } from '../lambdas/core/errors.ts';
import { changelogCommand } from './commands/changelog.ts';
import { type Command, UsageError, wantsHelp } from './commands/command.ts';
import { logsCommand } from './commands/logs.ts';
import { migrateCommand } from './commands/migrate.ts';
import { startCommand } from './commands/start.ts';
import { ticketsCommand } from './commands/tickets.ts';

const commands: Command[] = [startCommand, migrateCommand, logsCommand, ticketsCommand, changelogCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: ai-ops <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ai-ops <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`ai-ops: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (wantsHelp(rest) && rest.length === 1) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error: unknown) {
    if (error instanceof UsageError || error instanceof ValidationError) {
      process.stderr.write(`ai-ops ${name}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ai-ops ${name}: ${message}\n`);
    return 1;
  }
}
