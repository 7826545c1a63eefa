import { describe, expect, it } from 'vitest';
import { compileFormat, matchFormat } from '../../../lambdas/core/logs/format.ts';

/** Loghub's own translation of a format into a regular expression (fields lazy, blanks `\s+`, whole line). */
function loghubRegex(format: string): RegExp {
  const source = format
    .split(/(<[A-Za-z][A-Za-z0-9_]*>)/)
    .map((part) => {
      const field = /^<([A-Za-z][A-Za-z0-9_]*)>$/.exec(part);
      if (field) return `(?<${field[1]}>.*?)`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, '\\s+');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const CASES: [string, string][] = [
  ['<A><B><Content>', 'abc def'],
  ['<A><B><C> <Content>x', 'one two three x'],
  ['<Date> <Time> <Level> <Component>: <Content>', '081109 203615 INFO dfs.DataNode: Receiving block'],
  ['<A><B> <Level>: <Content>', 'xy  WARN: disk full: /var'],
  ['<A> <B> <C> <Content>x', 'a b c d e f x'],
];

describe('log formats', () => {
  it.each(CASES)('%s matches %j with the fields Loghub’s regex finds', (format, line) => {
    const expected = loghubRegex(format).exec(line)?.groups;
    const got = matchFormat(compileFormat(format), line);
    expect(expected).toBeDefined();
    expect(got ? Object.fromEntries(got) : undefined).toEqual({ ...expected });
  });

  // Loghub's regex backtracks for minutes on these (the issue 13 format bomb); the matcher answers at once.
  it('refuses a line that does not fit a format of many adjacent or blank-separated fields', () => {
    const line =
      'INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating';
    for (const format of [
      '<A><B><C><D><E><F><G><H><I><J><Content>x',
      '<A> <B> <C> <D> <E> <F> <G> <Content>x',
    ]) {
      expect(matchFormat(compileFormat(format), line)).toBeUndefined();
      expect(matchFormat(compileFormat(format), `${line}x`)?.get('Content')).toBeDefined();
    }
  });
});
