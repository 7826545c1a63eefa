/**
 * Consolidation of the miner's clusters: which clusters are one event. Pure logic over cluster views.
 *
 * Clusters of equal length are grouped in the manner of Brain (Yu et al., "Brain: Log Parsing with
 * Bidirectional Parallel Tree", IEEE TSC 2023): every token is weighted by the number of lines carrying it
 * at its position; the words of a cluster that share its most common weight form its *root*; clusters with
 * the same root are split position by position while a position holds few distinct words (constants such
 * as `opened`/`closed`), and a position with many distinct words, or a masked value among them, is a
 * variable. Evidence makes a position with few words a variable instead:
 * - its words are values elsewhere: at least two of them also fill a variable position (user names after
 *   `session opened for user` are values after `session closed for user`, where `root` made it variable);
 * - it holds quoted phrases of different lengths (free text such as a user agent).
 * Upper-case enumeration words (`RUNNING`, `SCREEN_ON`) are states and always split.
 */

export interface ClusterView {
  id: number;
  /** Masked tokens; a variable is `<*>` (with its leading space when there is one). */
  tokens: readonly string[];
  /** Lines in the cluster. */
  count: number;
}

export interface ConsolidationOptions {
  /** Distinct words from which a position is a variable. */
  threshold: number;
  /** Words seen as values of variable positions (the tallies of the clusters' wildcards). */
  knownValues?: ReadonlySet<string>;
  /** Token visits the consolidation may spend; past it, clusters are left apart. */
  budget: number;
}

const isWild = (t: string): boolean => t === '<*>' || t === ' <*>';
const HAS_LETTER = /[A-Za-z]/;
/** Words that can be told to be values by evidence: names of three letters or more, not punctuation. */
const EVIDENCE_WORD = /^ ?[A-Za-z][\w.-]{2,}$/;
const ENUM_WORD = /^ ?[A-Z]{2,}(?:_[A-Z0-9]+)*$/;
export const isEnumWord = (t: string): boolean => t.length > 2 && ENUM_WORD.test(t);

/** One root: clusters of one length that share their heaviest words. */
type Root = ClusterView[];

/** Groups clusters into the parts that are one event each (parts of one cluster included). */
export function planMerges(clusters: readonly ClusterView[], options: ConsolidationOptions): ClusterView[][] {
  const state = { work: options.budget };
  const byLength = new Map<number, ClusterView[]>();
  for (const c of clusters) {
    const list = byLength.get(c.tokens.length);
    if (list) list.push(c);
    else byLength.set(c.tokens.length, [c]);
  }
  const roots: Root[] = [];
  for (const group of byLength.values()) roots.push(...findRoots(group, state));
  const evidence = gatherEvidence(roots, options.threshold, options.knownValues);
  const out: ClusterView[][] = [];
  for (const root of roots) {
    const n = (root[0] as ClusterView).tokens.length;
    split(root, n, new Uint8Array(n), { ...options, evidence, state }, out);
  }
  return out;
}

/** The root of every cluster of one length (Brain's "longest common pattern" by token weight). */
function findRoots(group: ClusterView[], state: { work: number }): Root[] {
  const n = (group[0] as ClusterView).tokens.length;
  state.work -= group.length * n;
  if (group.length === 1 || state.work < 0) return group.map((c) => [c]);
  const freq = new Map<string, number>();
  for (const c of group) {
    for (let p = 0; p < n; p++) {
      const key = `${p}\u0001${c.tokens[p]}`;
      freq.set(key, (freq.get(key) ?? 0) + c.count);
    }
  }
  const roots = new Map<string, ClusterView[]>();
  for (const c of group) {
    const key = rootKey(c, n, freq);
    const list = roots.get(key);
    if (list) list.push(c);
    else roots.set(key, [c]);
  }
  return [...roots.values()];
}

function rootKey(c: ClusterView, n: number, freq: Map<string, number>): string {
  const weights: number[] = [];
  const words = new Map<number, number>();
  const punctuation = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const t = c.tokens[p] as string;
    const w = isWild(t) ? 0 : (freq.get(`${p}\u0001${t}`) ?? 0);
    weights.push(w);
    // Words carry the pattern; punctuation shared by unrelated messages (`=`, `:`) must not make a root.
    const into = HAS_LETTER.test(t) ? words : punctuation;
    if (w > 0) into.set(w, (into.get(w) ?? 0) + 1);
  }
  const counted = words.size > 0 ? words : punctuation;
  // The root weight: the one most words share; ties go to the heavier (more general) pattern.
  let mode = 0;
  let modeWords = 0;
  for (const [w, count] of counted) {
    if (count > modeWords || (count === modeWords && w > mode)) {
      mode = w;
      modeWords = count;
    }
  }
  let key = '';
  for (let p = 0; p < n; p++)
    key += `${(weights[p] as number) >= mode && mode > 0 ? c.tokens[p] : '\u0002'}\u0003`;
  return key;
}

/** What the whole set of clusters says about which words are values. */
interface Evidence {
  /** Words seen in a variable position (a masked value or many words there) or in a wildcard's tally. */
  values: Set<string>;
}

const bare = (w: string): string => (w.charCodeAt(0) === 32 ? w.slice(1) : w);

/** A position's words, and whether a masked value is among them. */
function positionWords(members: Root, p: number, limit: number): { words: Set<string>; masked: boolean } {
  const words = new Set<string>();
  let masked = false;
  for (const m of members) {
    const t = m.tokens[p] as string;
    if (isWild(t)) masked = true;
    else if (words.size < limit) words.add(t);
  }
  return { words, masked };
}

/**
 * Gathers the evidence over all roots, then lets split candidates that the evidence makes variables add
 * their words to the values (once more, so that a verdict can spread to a root that shares those words).
 */
function gatherEvidence(roots: Root[], threshold: number, known: ReadonlySet<string> | undefined): Evidence {
  const ev: Evidence = { values: new Set<string>() };
  for (const w of known ?? []) ev.values.add(w);
  const pending: Set<string>[] = [];
  for (const root of roots) {
    if (root.length < 2) continue;
    const n = (root[0] as ClusterView).tokens.length;
    for (let p = 0; p < n; p++) {
      const { words, masked } = positionWords(root, p, 2 * threshold);
      if ((masked && words.size > 0) || words.size >= threshold)
        for (const w of words) ev.values.add(bare(w));
      else if (words.size >= 2) pending.push(words);
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const words of pending) if (wordsAreValues(words, ev)) for (const w of words) ev.values.add(bare(w));
  }
  return ev;
}

/**
 * Whether a few words at one position are values by the evidence: names (not punctuation, not states) of
 * which at least two are values elsewhere. (Two more signals were tried and dropped because they failed on
 * the other half of the development systems: words shared by split candidates of different roots, which
 * also holds for enumerations such as Android intent actions, and "most lines carry their own word", which
 * also holds for configuration keys; see docs/log-mining.md.)
 */
function wordsAreValues(words: Set<string>, ev: Evidence): boolean {
  let values = 0;
  for (const w of words) {
    if (!EVIDENCE_WORD.test(w) || isEnumWord(w)) return false;
    if (ev.values.has(bare(w))) values++;
  }
  return values >= 2;
}

/** Quoted phrases of different lengths at one position: free text, a value. */
function phrasesVary(words: Set<string>): boolean {
  let parts = -1;
  for (const w of words) {
    const t = bare(w);
    const c = t.charCodeAt(0);
    if (c !== 34 && c !== 39) return false;
    const n = t.split(' ').length;
    if (parts >= 0 && n !== parts) return true;
    parts = n;
  }
  return false;
}

interface SplitContext extends ConsolidationOptions {
  evidence: Evidence;
  state: { work: number };
}

/**
 * Whether a split candidate is a variable all the same: its words are values elsewhere, free text, or the
 * right-hand side of `key=value` (what follows `=` is a value by the convention of that syntax).
 */
function variableByEvidence(words: Set<string>, ctx: SplitContext, assigned: boolean): boolean {
  return phrasesVary(words) || wordsAreValues(words, ctx.evidence) || (assigned && wordsAreNames(words));
}

/** Identifier-like words (names, dotted or dashed) or quoted text, not numbers or punctuation. */
function wordsAreNames(words: Set<string>): boolean {
  for (const w of words) if (!EVIDENCE_WORD.test(w) && !isQuoted(w)) return false;
  return true;
}

/** A quoted phrase or value, one token (`"alice"`, `'reindex'`). */
function isQuoted(token: string): boolean {
  const t = bare(token);
  const q = t.charCodeAt(0);
  return t.length > 2 && (q === 34 || q === 39) && t.charCodeAt(t.length - 1) === q;
}

/**
 * Whether position `p` is the value of a pair: `key=value`, or `"key": value` in a JSON object (zap's trailing
 * fields `{"user": "alice", "orderId": 1234}`, a Python dict), whose keys are its constants and whose values
 * are values whatever they read like.
 */
function assignedAt(tokens: readonly string[] | undefined, p: number): boolean {
  if (!tokens) return false;
  const before = tokens[p - 1];
  if (before === '=') return true;
  return before === ':' && p > 1 && isQuoted(tokens[p - 2] as string);
}

/**
 * Splits clusters that share a root on the position with the fewest distinct words, while a position has
 * between 2 and threshold-1 of them; positions with many words, a masked value, or evidence of being a
 * variable are left to become wildcards. Enumeration words always split.
 */
function split(members: Root, n: number, decided: Uint8Array, ctx: SplitContext, out: ClusterView[][]): void {
  ctx.state.work -= members.length * n;
  if (members.length === 1 || ctx.state.work < 0) {
    // Out of budget: keep the members apart (merging needs evidence, splitting is the safe side).
    if (members.length === 1 || ctx.state.work >= 0) out.push(members);
    else for (const m of members) out.push([m]);
    return;
  }
  let bestP = -1;
  let bestRank = Number.POSITIVE_INFINITY;
  // A position found to be a variable here stays one in every part split off below.
  const next = decided.slice();
  for (let p = 0; p < n; p++) {
    if (decided[p]) continue;
    const values = new Set<string>();
    let masked = false;
    let enumLike = true;
    for (const m of members) {
      const t = m.tokens[p] as string;
      if (isWild(t)) masked = true;
      else if (enumLike && !isEnumWord(t)) enumLike = false;
      values.add(t);
    }
    if (values.size < 2) continue;
    const assigned = p > 0 && assignedAt(members[0]?.tokens, p);
    if (
      masked ||
      (!enumLike && (values.size >= ctx.threshold || variableByEvidence(values, ctx, assigned)))
    ) {
      next[p] = 1;
      continue;
    }
    const rank = enumLike ? 1 : values.size;
    if (rank < bestRank) {
      bestRank = rank;
      bestP = p;
    }
  }
  if (bestP < 0) {
    out.push(members);
    return;
  }
  const parts = new Map<string, ClusterView[]>();
  for (const m of members) {
    const t = m.tokens[bestP] as string;
    const list = parts.get(t);
    if (list) list.push(m);
    else parts.set(t, [m]);
  }
  next[bestP] = 1;
  for (const part of parts.values()) split(part, n, next, ctx, out);
}
