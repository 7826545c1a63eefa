import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * One top-level `ai-ops` command, loaded only when it runs: its name and one-line summary live in bin/cli.ts, so
 * `ai-ops --help` loads no command module. Sub-commands (`logs parse`) are handled inside the command's module.
 */
export interface Command {
  /** Full usage text, printed for `--help` (every command and sub-command answers `--help`). */
  usage: string;
  /** Returns the process exit code. Errors meant for the user go to stderr with a non-zero code. */
  run: (args: string[]) => Promise<number>;
  /** The sub-commands (`parse`, `summarize`…) when it has some: messages then name `logs parse`. */
  subcommands?: readonly string[];
}

/** Writes one message of a command to standard error (`say('12 rows')`); `end` as in `messageLine`. */
export type Say = (message: string, end?: string) => void;

/**
 * The one shape of every message the CLI writes to standard error: `ai-ops tickets classify: <message>`, the
 * command as typed (sub-command included), so a message in a pipeline or a CI log says which step wrote it.
 * `end` is a line break, or a carriage return for a progress line a terminal overwrites.
 */
export function messageLine(command: string, message: string, end = '\n'): string {
  return `ai-ops ${command}: ${message}${end}`;
}

export function sayAs(command: string): Say {
  return (message, end) => {
    process.stderr.write(messageLine(command, message, end));
  };
}

/** The command as typed, for its messages: `tickets classify` when `args` start with a sub-command of it. */
export function commandName(name: string, command: Command, args: readonly string[]): string {
  const sub = args[0];
  return sub !== undefined && command.subcommands?.includes(sub) ? `${name} ${sub}` : name;
}

/** What a sub-command runs: its arguments, and where its messages go (named `ai-ops <command> <sub>:`). */
export type Subcommand = (args: string[], say: Say) => Promise<number>;

/** A user-facing command-line error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * node:util's parseArgs for a command (`ai-ops migrate`, `ai-ops logs upload`): an unknown option or a missing
 * value is a UsageError (exit 2) that names the option and the help to read, not a TypeError (exit 1).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  command: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (!(error instanceof Error) || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    // Node goes on about positional arguments after '--': its first sentence names the option.
    const first = error.message.split(/\.\s/)[0] ?? error.message;
    throw new UsageError(`${first} (see ai-ops ${command} --help)`);
  }
}

export const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

/** A command made of sub-commands (`ai-ops logs parse`): dispatches, and prints the usage for help or none. */
export function commandWithSubcommands(definition: {
  /** The command's name (`logs`): its sub-commands' messages start `ai-ops logs parse:`. */
  name: string;
  usage: string;
  subcommands: Record<string, Subcommand>;
}): Command {
  const { name, usage, subcommands } = definition;
  return {
    usage,
    subcommands: Object.keys(subcommands),
    run: async (args) => {
      const [sub, ...rest] = args;
      if (sub === '--help' || sub === '-h' || sub === 'help') {
        process.stdout.write(`${usage}\n`);
        return 0;
      }
      // A missing subcommand is a usage error: the usage goes with the message, and stdout stays data only.
      if (sub === undefined) {
        throw new UsageError(`a subcommand is required (${Object.keys(subcommands).join(', ')})\n\n${usage}`);
      }
      const run = subcommands[sub];
      if (!run) {
        throw new UsageError(
          `unknown subcommand "${sub}" (expected ${Object.keys(subcommands).join(' or ')})`,
        );
      }
      return run(rest, sayAs(`${name} ${sub}`));
    },
  };
}
