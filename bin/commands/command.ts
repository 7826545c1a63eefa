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
}

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
  usage: string;
  subcommands: Record<string, (args: string[]) => Promise<number>>;
}): Command {
  const { usage, subcommands } = definition;
  return {
    usage,
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
      return run(rest);
    },
  };
}
