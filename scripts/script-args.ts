/**
 * The value after `--name` in a script's arguments, or the fallback: the one option shape the bench and
 * data scripts take (`--folds 10 --seed 2`). Flags without a value are read with `args.includes`.
 */
export function flagValue(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}
