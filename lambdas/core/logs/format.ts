import { ValidationError } from '../errors.ts';

/**
 * Loghub-style header formats such as `<Date> <Time> <Level> <Component>: <Content>`.
 *
 * Loghub turns a format into a regular expression (`<X>` → `(?P<X>.*?)`, spaces → `\s+`, the rest verbatim).
 * A backtracking engine can take exponential time on such an expression when a line almost fits (several
 * lazy fields, a separator that never comes), so the format is compiled to a small program run by a Pike VM
 * (Thompson's simulation with submatch capture): every line is matched in time proportional to its length
 * times the size of the format, with the same leftmost, lazy-first answer as the regular expression.
 * Supported syntax: `<Name>` fields, spaces (one or more whitespace), `\x` escapes, `( … )` groups and
 * `( … )?` optional groups. Other characters are literals (`.` is a literal dot, not "any character").
 */
type Node =
  | { t: 'lit'; ch: string }
  | { t: 'ws' }
  | { t: 'field'; name: string }
  | { t: 'opt'; body: Node[] }
  | { t: 'group'; body: Node[] };

export interface CompiledFormat {
  /** The format as given. */
  source: string;
  /** Field names in order of appearance (Content included). */
  fields: string[];
  nodes: Node[];
  /** The program the matcher runs. */
  program: Instruction[];
}

const MAX_FORMAT_LENGTH = 500;
/** Fields a format may have. */
const MAX_FIELDS = 40;

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
  const nodes = parseSeq(false);
  if (!fields.includes('Content')) throw new ValidationError('format', 'must contain the <Content> field');
  if (fields.length > MAX_FIELDS) throw new ValidationError('format', `has more than ${MAX_FIELDS} fields`);
  return { source, fields, nodes, program: compileProgram(nodes, fields) };
}

const isWs = (c: number): boolean => c === 32 || c === 9;

/** Instructions of the matching program (slots: field k starts at slot 2k and ends at 2k+1). */
type Instruction =
  | { op: 'char'; c: number }
  | { op: 'ws' }
  | { op: 'any' }
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'match' };

/** Compiles the parsed format; `split` tries `first` before `second`, which gives lazy fields. */
function compileProgram(nodes: Node[], fields: string[]): Instruction[] {
  const prog: Instruction[] = [];
  const emit = (list: Node[]): void => {
    for (const [index, node] of list.entries()) {
      if (node.t === 'lit') prog.push({ op: 'char', c: node.ch.charCodeAt(0) });
      else if (node.t === 'field' && list[index + 1]?.t === 'field') {
        // <A><B>: the lazy <A> is always empty in the answer (any split that works also works with all the
        // text in <B>), so it is captured empty rather than given a loop: a format of many adjacent fields
        // would otherwise keep a thread per field and split at every character (issue 13's format bomb).
        const k = fields.indexOf(node.name);
        prog.push({ op: 'save', slot: 2 * k }, { op: 'save', slot: 2 * k + 1 });
      } else if (node.t === 'ws') {
        // \s+ (greedy): one whitespace, then more while there is.
        const at = prog.length;
        prog.push({ op: 'ws' });
        prog.push({ op: 'split', first: at, second: at + 2 });
      } else if (node.t === 'field') {
        const k = fields.indexOf(node.name);
        prog.push({ op: 'save', slot: 2 * k });
        // .*? (lazy): leave first, or take one more character.
        const loop = prog.length;
        prog.push({ op: 'split', first: loop + 3, second: loop + 1 });
        prog.push({ op: 'any' });
        prog.push({ op: 'jump', to: loop });
        prog.push({ op: 'save', slot: 2 * k + 1 });
      } else if (node.t === 'group') emit(node.body);
      else {
        // ( … )? (greedy): the body first, else skip it.
        const at = prog.length;
        const split: Instruction = { op: 'split', first: at + 1, second: 0 };
        prog.push(split);
        emit(node.body);
        split.second = prog.length;
      }
    }
  };
  emit(nodes);
  prog.push({ op: 'match' });
  return prog;
}

interface Thread {
  pc: number;
  slots: Int32Array;
}

/**
 * Adds a thread and everything it reaches without reading (splits, jumps, saves), in priority order.
 * `seen[pc] === mark` means the instruction already has a thread of higher priority at this position.
 */
function addThread(vm: Vm, pc: number, slots: Int32Array, pos: number): void {
  if (vm.seen[pc] === vm.mark) return;
  vm.seen[pc] = vm.mark;
  const ins = vm.prog[pc] as Instruction;
  if (ins.op === 'jump') addThread(vm, ins.to, slots, pos);
  else if (ins.op === 'split') {
    addThread(vm, ins.first, slots, pos);
    addThread(vm, ins.second, slots, pos);
  } else if (ins.op === 'save') {
    // A lazy field tries to end at every character: most ends fail on the next character at once, so look
    // at it before copying the captures.
    if (!canContinue(vm, pc + 1, pos)) return;
    const copy = slots.slice();
    copy[ins.slot] = pos;
    addThread(vm, pc + 1, copy, pos);
  } else vm.list.push({ pc, slots });
}

/** Whether the first instruction that reads after `pc` (past saves and jumps) can read the character at `pos`. */
function canContinue(vm: Vm, pc: number, pos: number): boolean {
  let at = pc;
  for (let guard = 0; guard < 8; guard++) {
    const ins = vm.prog[at] as Instruction;
    if (ins.op === 'save') at++;
    else if (ins.op === 'jump') at = ins.to;
    else if (ins.op === 'char') return pos < vm.line.length && vm.line.charCodeAt(pos) === ins.c;
    else if (ins.op === 'ws') return pos < vm.line.length && isWs(vm.line.charCodeAt(pos));
    else if (ins.op === 'match') return pos === vm.line.length;
    else return true;
  }
  return true;
}

/** State of one match: the program, the line, the thread list being filled and its generation mark. */
interface Vm {
  prog: Instruction[];
  line: string;
  seen: Int32Array;
  mark: number;
  list: Thread[];
}

/**
 * Matches one line (already trimmed) against the whole format. Returns field values by name, or undefined
 * when the line does not fit. Fields are lazy and the whole line must be consumed, as in Loghub.
 */
export function matchFormat(format: CompiledFormat, line: string): Map<string, string> | undefined {
  const quick = backtrack(format, line);
  return quick === null ? pikeMatch(format, line) : quick;
}

/** Steps the backtracking matcher may take before the linear one takes over (a normal line needs far fewer). */
const STEP_BUDGET = 2000;

/**
 * The usual matcher: lazy backtracking over the format's nodes, fast on lines that fit or clearly do not.
 * Returns null when it runs out of steps (a line that almost fits a format with many fields).
 */
function backtrack(format: CompiledFormat, line: string): Map<string, string> | undefined | null {
  const captures = new Map<string, string>();
  let steps = 0;
  const n = line.length;
  // Continuation-passing: `k` is what must match after the current node list.
  const seq = (nodes: Node[], idx: number, pos: number, k: (pos: number) => boolean): boolean => {
    if (++steps > STEP_BUDGET) return false;
    if (idx === nodes.length) return k(pos);
    const node = nodes[idx] as Node;
    switch (node.t) {
      case 'lit':
        return line[pos] === node.ch && seq(nodes, idx + 1, pos + 1, k);
      case 'ws': {
        if (pos >= n || !isWs(line.charCodeAt(pos))) return false;
        let end = pos + 1;
        while (end < n && isWs(line.charCodeAt(end))) end++;
        // `\s+` is greedy: the longest run first, then give back.
        for (let e = end; e > pos; e--)
          if (seq(nodes, idx + 1, e, k) || steps > STEP_BUDGET) return steps <= STEP_BUDGET;
        return false;
      }
      case 'field': {
        if (idx === nodes.length - 1 && k === done) {
          captures.set(node.name, line.slice(pos));
          return true;
        }
        // A field followed by a field is always empty (see compileProgram).
        const lastEnd = nodes[idx + 1]?.t === 'field' ? pos : n;
        for (let e = pos; e <= lastEnd && steps <= STEP_BUDGET; e++) {
          if (seq(nodes, idx + 1, e, k)) {
            captures.set(node.name, line.slice(pos, e));
            return true;
          }
          steps++;
        }
        return false;
      }
      case 'opt':
        return seq(node.body, 0, pos, (p) => seq(nodes, idx + 1, p, k)) || seq(nodes, idx + 1, pos, k);
      case 'group':
        return seq(node.body, 0, pos, (p) => seq(nodes, idx + 1, p, k));
    }
  };
  const done = (pos: number): boolean => pos === n;
  const ok = seq(format.nodes, 0, 0, done);
  if (steps > STEP_BUDGET) return null;
  return ok ? captures : undefined;
}

/** The linear matcher (Pike VM): time proportional to the line length times the program size (exported for tests). */
export function pikeMatch(format: CompiledFormat, line: string): Map<string, string> | undefined {
  const prog = format.program;
  const n = line.length;
  const vm: Vm = { prog, line, seen: new Int32Array(prog.length).fill(-1), mark: 0, list: [] };
  addThread(vm, 0, new Int32Array(2 * format.fields.length).fill(-1), 0);
  let current = vm.list;
  let matched: Int32Array | undefined;
  for (let pos = 0; pos <= n && current.length > 0; pos++) {
    const c = pos < n ? line.charCodeAt(pos) : -1;
    vm.list = [];
    vm.mark = pos + 1;
    for (const t of current) {
      const ins = prog[t.pc] as Instruction;
      if (ins.op === 'match') {
        // Only a match at the end of the line counts; it beats every thread of lower priority.
        if (pos === n) {
          matched = t.slots;
          break;
        }
        continue;
      }
      const ok =
        c >= 0 && (ins.op === 'any' || (ins.op === 'ws' ? isWs(c) : ins.op === 'char' && ins.c === c));
      if (ok) addThread(vm, t.pc + 1, t.slots, pos + 1);
    }
    current = vm.list;
  }
  if (!matched) return undefined;
  const captures = new Map<string, string>();
  format.fields.forEach((name, k) => {
    const start = (matched as Int32Array)[2 * k] as number;
    const end = (matched as Int32Array)[2 * k + 1] as number;
    if (start >= 0 && end >= start) captures.set(name, line.slice(start, end));
  });
  return captures;
}
