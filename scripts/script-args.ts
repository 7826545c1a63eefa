import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * The options of the bench, data and dev scripts, read one way: an unknown option, a missing value or a bad
 * number is answered with one line naming the option, the script's usage and exit code 2 (a Node stack trace
 * says nothing to someone who mistyped a flag); `--help` or `-h` prints the usage and exits 0.
 */
export interface ScriptSpec<O extends ParseArgsOptionsConfig> {
  /** The script's name, e.g. `bench-idle`: the first word of every message. */
  name: string;
  /** How users start it, e.g. `npm run bench:idle -- [--runs <n>] [--data <dir>]`; more lines may follow. */
  usage: string;
  options: O;
  /** Whether words that are not options are taken (a file name, a system name). */
  positionals?: boolean;
}

/** Where the answers go; tests give their own. */
export interface ScriptIo {
  out: (text: string) => void;
  err: (text: string) => void;
  exit: (code: number) => never;
}

const processIo: ScriptIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface ScriptArgs<O extends ParseArgsOptionsConfig> {
  values: Parsed<O>['values'];
  positionals: string[];
  /** The option's value as a number (its default when not given); a value that is not one ends the script. */
  number: (name: keyof O & string, rule?: NumberRule) => number;
  /** Like `number`, or undefined when the option is absent and has no default. */
  optionalNumber: (name: keyof O & string, rule?: NumberRule) => number | undefined;
  /** A string option the script cannot run without. */
  required: (name: keyof O & string) => string;
  /** Ends the script with a usage error of its own (a missing required option, two that exclude each other). */
  fail: (message: string) => never;
}

export function usageText<O extends ParseArgsOptionsConfig>(spec: ScriptSpec<O>): string {
  return `usage: ${spec.usage}\n`;
}

/** Node's parse errors, cut to their first sentence: "Unknown option '--bogus'", "Option '--runs <value>' argument missing". */
function parseProblem(error: unknown): string | null {
  if (!(error instanceof Error) || !('code' in error)) return null;
  if (typeof error.code !== 'string' || !error.code.startsWith('ERR_PARSE_ARGS_')) return null;
  const first = error.message.split('. ')[0] ?? error.message;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function checkNumber(text: string, rule: NumberRule): string | null {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) return 'is not a number';
  if (rule.integer && !Number.isInteger(value)) return 'is not a whole number';
  if (rule.min !== undefined && value < rule.min) return `is below ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `is above ${rule.max}`;
  return null;
}

/** Reads the script's arguments (default: this process's), or ends it with its usage. */
export function scriptArgs<const O extends ParseArgsOptionsConfig>(
  spec: ScriptSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
  io: ScriptIo = processIo,
): ScriptArgs<O> {
  const fail = (message: string): never => {
    io.err(`${spec.name}: ${message}\n${usageText(spec)}`);
    return io.exit(2);
  };
  // Before parsing, so that `--help` works beside an option that would be refused.
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(usageText(spec));
    return io.exit(0);
  }
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...argv], options: spec.options, allowPositionals: true, strict: true });
  } catch (error: unknown) {
    const problem = parseProblem(error);
    if (problem === null) throw error;
    return fail(problem);
  }
  if (!spec.positionals && parsed.positionals.length > 0)
    return fail(`unexpected argument '${parsed.positionals[0]}'`);
  const values: Record<string, unknown> = parsed.values;
  const optionalNumber = (name: keyof O & string, rule: NumberRule = {}): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    if (typeof text !== 'string') return fail(`option '--${name}' takes a number`);
    const problem = checkNumber(text, rule);
    return problem === null ? Number(text) : fail(`option '--${name}': '${text}' ${problem}`);
  };
  const number = (name: keyof O & string, rule: NumberRule = {}): number =>
    optionalNumber(name, rule) ?? fail(`option '--${name} <n>' is required`);
  const required = (name: keyof O & string): string => {
    const text = values[name];
    return typeof text === 'string' ? text : fail(`option '--${name} <value>' is required`);
  };
  return { values: parsed.values, positionals: parsed.positionals, number, optionalNumber, required, fail };
}
