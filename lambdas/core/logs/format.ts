import { ValidationError } from '../errors.ts';

/**
 * Loghub-style header formats such as `<Date> <Time> <Level> <Component>: <Content>`.
 *
 * Loghub turns a format into a regular expression (`<X>` → `(?P<X>.*?)`, spaces → `\s+`, the rest verbatim).
 * Running a user-supplied regular expression over arbitrary lines can backtrack for ever, so this module
 * implements the same semantics with its own small backtracking matcher that gives up after a step budget.
 * Supported syntax: `<Name>` fields, spaces (one or more whitespace), `\x` escapes, `( … )` groups and
 * `( … )?` optional groups. Other characters are literals (`.` is a literal dot, not "any character").
 */

type Node =
  | { t: 'lit'; ch: string }
  | { t: 'ws' }
  | { t: 'field'; name: string }
  /** A field directly followed by another field: lazy matching always leaves it empty. */
  | { t: 'empty'; name: string }
  | { t: 'opt'; body: Node[] }
  | { t: 'group'; body: Node[] };

export interface CompiledFormat {
  /** The format as given. */
  source: string;
  /** Field names in order of appearance (Content included). */
  fields: string[];
  nodes: Node[];
}

const MAX_FORMAT_LENGTH = 500;
/** Per line; a normal header needs a few hundred steps. */
const STEP_BUDGET = 20_000;

export function compileFormat(source: string): CompiledFormat {
  if (source.length === 0 || source.length > MAX_FORMAT_LENGTH) {
    throw new ValidationError('format', `must be 1 to ${MAX_FORMAT_LENGTH} characters`);
  }
  const fields: string[] = [];
  let i = 0;
  const parseSeq = (closing: boolean): Node[] => {
    const out: Node[] = [];
    while (i < source.length) {
      const c = source[i] as string;
      if (c === ')') {
        if (!closing) throw new ValidationError('format', `unbalanced ")" at position ${i + 1}`);
        return out;
      }
      if (c === '<') {
        const close = source.indexOf('>', i);
        const name = close > i ? source.slice(i + 1, close) : '';
        if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
          throw new ValidationError('format', `expected a field name like <Content> at position ${i + 1}`);
        }
        if (fields.includes(name)) throw new ValidationError('format', `field <${name}> appears twice`);
        fields.push(name);
        out.push({ t: 'field', name });
        i = close + 1;
      } else if (c === ' ') {
        while (source[i] === ' ') i++;
        out.push({ t: 'ws' });
      } else if (c === '\\') {
        const next = source[i + 1];
        if (next === undefined) throw new ValidationError('format', 'ends with a lone backslash');
        out.push(next === 's' ? { t: 'ws' } : { t: 'lit', ch: next });
        i += 2;
      } else if (c === '(') {
        i++;
        const body = parseSeq(true);
        if (source[i] !== ')') throw new ValidationError('format', 'unbalanced "("');
        i++;
        if (source[i] === '?') {
          i++;
          out.push({ t: 'opt', body });
        } else out.push({ t: 'group', body });
      } else {
        out.push({ t: 'lit', ch: c });
        i++;
      }
    }
    if (closing) throw new ValidationError('format', 'unbalanced "("');
    return out;
  };
  const nodes = collapseAdjacentFields(parseSeq(false));
  if (!fields.includes('Content')) throw new ValidationError('format', 'must contain the <Content> field');
  return { source, fields, nodes };
}

/**
 * In `<A><B>` the lazy `<A>` is always empty in the match Loghub's regex finds (any split that works also works
 * with all the text in `<B>`), so `<A>` is matched as empty instead of trying every split: a format of many
 * adjacent fields would otherwise try combinatorially many splits on each line that does not fit (issue 13).
 */
function collapseAdjacentFields(nodes: Node[]): Node[] {
  return nodes.map((node, index): Node => {
    if (node.t === 'opt' || node.t === 'group') return { ...node, body: collapseAdjacentFields(node.body) };
    return node.t === 'field' && nodes[index + 1]?.t === 'field' ? { t: 'empty', name: node.name } : node;
  });
}

const isWs = (c: number): boolean => c === 32 || c === 9;

/**
 * Matches one line (already trimmed). Returns field values by name, or undefined when the line does not fit
 * the format or the step budget runs out. Fields are lazy and the whole line must be consumed, as in Loghub.
 */
export function matchFormat(format: CompiledFormat, line: string): Map<string, string> | undefined {
  const captures = new Map<string, string>();
  let steps = 0;
  const n = line.length;
  // Top-level states (node, position) already known not to reach the end of the line: each is tried once, so a
  // line that does not fit costs at most nodes × length states instead of every combination of splits.
  const failed = new Set<number>();

  // Continuation-passing backtracking: `k` is what must match after the current node list.
  const seq = (nodes: Node[], idx: number, pos: number, k: (pos: number) => boolean): boolean => {
    if (++steps > STEP_BUDGET) return false;
    if (idx === nodes.length) return k(pos);
    const top = nodes === format.nodes;
    const key = idx * (n + 1) + pos;
    if (top && failed.has(key)) return false;
    const matched = step(nodes, idx, pos, k);
    if (top && !matched && steps <= STEP_BUDGET) failed.add(key);
    return matched;
  };
  const step = (nodes: Node[], idx: number, pos: number, k: (pos: number) => boolean): boolean => {
    const node = nodes[idx] as Node;
    switch (node.t) {
      case 'empty':
        captures.set(node.name, '');
        return seq(nodes, idx + 1, pos, k);
      case 'lit':
        return line[pos] === node.ch && seq(nodes, idx + 1, pos + 1, k);
      case 'ws': {
        if (pos >= n || !isWs(line.charCodeAt(pos))) return false;
        let end = pos + 1;
        while (end < n && isWs(line.charCodeAt(end))) end++;
        // `\s+` is greedy: try the longest run first, then give back.
        for (let e = end; e > pos; e--) {
          if (seq(nodes, idx + 1, e, k)) return true;
          if (steps > STEP_BUDGET) return false;
        }
        return false;
      }
      case 'field': {
        const last = idx === nodes.length - 1 && k === done;
        if (last) {
          captures.set(node.name, line.slice(pos));
          return true;
        }
        const next = nodes[idx + 1];
        for (let e = pos; e <= n; e++) {
          // Ends where the next literal or blank cannot start are skipped without a try (and without a step).
          if (next?.t === 'lit' && line[e] !== next.ch) continue;
          if (next?.t === 'ws' && (e >= n || !isWs(line.charCodeAt(e)))) continue;
          captures.set(node.name, line.slice(pos, e));
          if (seq(nodes, idx + 1, e, k)) return true;
          if (++steps > STEP_BUDGET) return false;
        }
        captures.delete(node.name);
        return false;
      }
      case 'opt':
        return (
          seq(node.body, 0, pos, (p) => seq(nodes, idx + 1, p, k)) ||
          (steps <= STEP_BUDGET && seq(nodes, idx + 1, pos, k))
        );
      case 'group':
        return seq(node.body, 0, pos, (p) => seq(nodes, idx + 1, p, k));
    }
  };
  const done = (pos: number): boolean => pos === n;
  return seq(format.nodes, 0, 0, done) ? captures : undefined;
}
