/**
 * Streaming template miner.
 *
 * 1. Each message is tokenised and masked (tokenize.ts); the masked text is the key of a *cluster*. A line
 *    whose key is new joins an existing template when it fits it (same length, equal at every constant
 *    position), otherwise it starts a new cluster. Lines get a cluster id at once.
 * 2. From time to time, and at `finalize()`, clusters of equal length are *consolidated* in the manner of
 *    Brain (Yu et al., 2023): within a length, every token is weighted by how many lines carry it at its
 *    position; the words of a cluster that share its most common weight form its "root" pattern; clusters
 *    with the same root are then split position by position while a position holds few distinct words
 *    (those are constants such as `opened`/`closed`), and a position with many distinct words, or with a
 *    masked value among them, becomes a wildcard. Clusters that end in one part merge.
 * 3. Merging only ever joins groups (union-find), so an id keeps meaning the same lines; the surviving id is
 *    the oldest, and `resolve()` maps any id ever handed out to the group it belongs to now.
 *
 * Memory is bounded: a cap on clusters (lines that fit nothing once the cap is reached go to one overflow
 * template), bounded samples and value tallies per template, a bounded key cache.
 */
import { planMerges } from './consolidate.ts';
import { LOG_LEVELS, type LogLevel, levelIndex } from './levels.ts';
import { ShapeTable, shapeLanes } from './shape.ts';
import { detach, TopValues } from './tally.ts';
import { slotText } from './template-text.ts';
import {
  emptyTokens,
  maskedTokens,
  placeholderFor,
  type Tokens,
  tokenizeInto,
  tokenValue,
  type VariableType,
  WILDCARD,
} from './tokenize.ts';

export interface MinerOptions {
  /** Most clusters kept; further unseen shapes go to the overflow template. Default 5,000. */
  maxTemplates?: number;
  /** Distinct words at a position from which it counts as a variable during consolidation. Default 6. */
  variableThreshold?: number;
  /** Samples kept per template. Default 3. */
  samplesPerTemplate?: number;
  /** Top values kept per wildcard. Default 8. */
  topValues?: number;
  /** Wildcards per template whose values are tallied. Default 16. */
  trackedParameters?: number;
  /** Tokens per message; the rest of a longer message is one trailing variable. Default 256. */
  maxTokens?: number;
  /**
   * Skip tokenising most lines of a frequent shape (their values are then sampled). Default true; false
   * tokenises every line (exact value counts, slower).
   */
  shapeCache?: boolean;
}

export interface LineMeta {
  /** Line number to record (first/last line, samples); default: the number of lines added so far. */
  line?: number;
  time?: number;
  level?: LogLevel;
  component?: string;
}

export interface TemplateParameter {
  /** Token position in the template. */
  position: number;
  /** Variable type when all values had one shape (`NUM`, `IP`, …), else `*`. */
  type: VariableType | '*';
  values: { value: string; count: number }[];
  /** True when more distinct values were seen than are kept (counts are then lower bounds). */
  more: boolean;
  /** True when counts come from sampled lines of a frequent template: estimates, not exact figures. */
  estimated: boolean;
}

export interface TemplateSnapshot {
  id: string;
  /** Template text; wildcards are written `<NUM>`, `<IP>`, … when typed and `<*>` otherwise. */
  template: string;
  count: number;
  levels: Partial<Record<LogLevel, number>>;
  firstLine: number;
  lastLine: number;
  /** Milliseconds since the epoch, when lines carried a time. */
  firstTime?: number;
  lastTime?: number;
  samples: { line: number; text: string }[];
  parameters: TemplateParameter[];
  components: { value: string; count: number }[];
  /** Ids of groups merged into this one (they resolve to `id`). */
  mergedIds: string[];
  /** True for the overflow template that collects lines once the template cap is reached. */
  overflow: boolean;
}

export const SAMPLE_CHARS = 300;
/** Characters a sample may grow to with the continuation lines of its event (a stack trace). */
const TRACE_CHARS = 4000;
/** Templates compared with an unseen message at most; only pathological inputs come near it. */
const FIT_SCAN_BUDGET = 2000;
/** Token visits one consolidation may spend (about a second); past it, remaining merges wait. */
const CONSOLIDATION_BUDGET = 30_000_000;
const VALUE_CHARS = 96;
/** Lines of a shape that are all tokenised, for exact values in small templates. */
const EXACT_LINES = 64;
/** Past that, one line in this many is tokenised and its values count this many times. */
const SAMPLE_EVERY = 8;
/** Lines of a shape after which it is sampled four times more sparsely. */
const FREQUENT_LINES = 4096;
const UNKNOWN_LEVEL = levelIndex('UNKNOWN');
/** Total characters of cached keys before the cache is dropped (it is only a shortcut). */
const KEY_CACHE_CHARS = 4_000_000;

const isWild = (t: string): boolean => t === WILDCARD || t === ' <*>';
/** A quoted phrase token with values inside (`"GET <*> <*>"`): its values are tallied like a wildcard's. */
const isValuePhrase = (t: string): boolean => {
  const c = t.charCodeAt(t.charCodeAt(0) === 32 ? 1 : 0);
  return (c === 34 || c === 39) && t.includes(WILDCARD);
};

class Cluster {
  /** Masked tokens; generalised or masked positions hold `<*>` (with the leading space kept). */
  tokens: string[];
  /** Per position: the variable type seen there, `*` when mixed, undefined for constant positions. */
  types: (VariableType | '*' | undefined)[];
  count = 0;
  levels: number[] = LOG_LEVELS.map(() => 0);
  firstLine = Number.POSITIVE_INFINITY;
  lastLine = 0;
  firstTime = Number.POSITIVE_INFINITY;
  lastTime = Number.NEGATIVE_INFINITY;
  samples: { line: number; text: string }[] = [];
  /** Positions of wildcards whose values are tallied, and the tallies (parallel arrays). */
  varPositions: number[] = [];
  tallies: TopValues[] = [];
  components: TopValues | undefined;
  merged: number[] = [];
  /** Index bucket the cluster is filed under, to move it when its template changes. */
  bucket = '';
  constructor(
    readonly id: number,
    tokens: string[],
    types: (VariableType | '*' | undefined)[],
    readonly overflow = false,
  ) {
    this.tokens = tokens;
    this.types = types;
  }
}

export class TemplateMiner {
  private readonly maxTemplates: number;
  private readonly threshold: number;
  private readonly samplesPerTemplate: number;
  private readonly topValues: number;
  private readonly trackedParameters: number;
  private readonly maxTokens: number;

  private clusters: (Cluster | undefined)[] = [];
  private parent: Int32Array = new Int32Array(64);
  private live = 0;
  private keyCache = new Map<string, number>();
  /** Shapes seen → cluster id and lines seen (shape.ts). */
  private readonly shapes = new ShapeTable();
  private readonly shapeCache: boolean;
  private keyChars = 0;
  /** Times the key cache was dropped: a shape added since the last drop has its key in the cache. */
  private keyEpoch = 0;
  private index = new Map<string, Set<number>>();
  private overflowId = -1;
  /** Reused token buffers: `add` consumes them before the next call. */
  private readonly scratch = emptyTokens();
  private lineNo = 0;
  private createdSinceConsolidation = 0;
  private nextConsolidation = 1024;

  constructor(options: MinerOptions = {}) {
    this.maxTemplates = Math.max(1, options.maxTemplates ?? 5000);
    this.threshold = Math.max(2, options.variableThreshold ?? 6);
    this.samplesPerTemplate = Math.max(0, options.samplesPerTemplate ?? 3);
    this.topValues = Math.max(1, options.topValues ?? 8);
    this.trackedParameters = Math.max(0, options.trackedParameters ?? 16);
    this.maxTokens = Math.max(8, options.maxTokens ?? 256);
    this.shapeCache = options.shapeCache ?? true;
  }

  /** Lines added so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Live templates (groups), the overflow template included. */
  get templateCount(): number {
    return this.live;
  }

  /** Adds one message (the content after the header) and returns its cluster id. */
  add(content: string, meta: LineMeta = {}): number {
    this.lineNo++;
    const line = meta.line ?? this.lineNo;
    const hashed = this.shapeCache && shapeLanes(content);
    const slot = hashed ? this.shapes.find() : -1;
    let weight = 1;
    if (slot >= 0) {
      // A frequent shape: its key is known; only one line in SAMPLE_EVERY is tokenised for the values.
      const seen = this.shapes.touch(slot);
      if (seen > EXACT_LINES) {
        // One line in 8, and one in 32 once a shape is frequent: enough to estimate its top values.
        const every = seen > FREQUENT_LINES ? SAMPLE_EVERY * 4 : SAMPLE_EVERY;
        const id = this.shapes.id(slot);
        if (seen % every !== 0) {
          this.recordLine(this.clusters[this.find(id)] as Cluster, content, line, meta);
          return id;
        }
        weight = every;
      }
    }
    // A shape added since the key cache was last dropped leads to the cluster its key has in that cache (one
    // shape, one key): the values are needed, the key is not, and building it costs a string per line.
    const known = slot >= 0 && this.shapes.tag(slot) === this.keyEpoch;
    const tok = tokenizeInto(content, this.maxTokens, this.scratch, !known);
    let id = known ? this.shapes.id(slot) : this.keyCache.get(tok.key);
    if (id === undefined) {
      id = this.place(tok);
      if (this.keyChars + tok.key.length > KEY_CACHE_CHARS) {
        this.keyCache.clear();
        this.keyChars = 0;
        this.keyEpoch++;
      }
      // A key that is one slice of the message would keep the whole text it was cut from (a 64 KB chunk).
      this.keyCache.set(detach(tok.key), id);
      this.keyChars += tok.key.length;
    }
    // `SHAPE` still holds this line's shape: tokenising does not touch it.
    if (hashed && slot < 0) this.shapes.add(id, this.keyEpoch);
    const c = this.clusters[this.find(id)] as Cluster;
    this.recordLine(c, content, line, meta);
    this.recordValues(c, tok, weight);
    return id;
  }

  /** The group a cluster id belongs to now (ids handed out earlier stay valid after merges). */
  resolve(id: number): number {
    return this.find(id);
  }

  /** Public id of the group that `id` belongs to, e.g. `T12`. */
  templateId(id: number): string {
    return formatId(this.find(id));
  }

  /** Template text of the group that `id` belongs to. */
  templateText(id: number): string {
    const c = this.clusters[this.find(id)];
    return c ? renderTemplate(c) : '';
  }

  /** Merges what the evidence so far supports. Called automatically; call it before reading results. */
  consolidate(): void {
    this.createdSinceConsolidation = 0;
    const live: Cluster[] = [];
    for (const c of this.clusters) if (c && !c.overflow && this.parent[c.id] === c.id) live.push(c);
    const parts = planMerges(live, {
      threshold: this.threshold,
      budget: CONSOLIDATION_BUDGET,
      knownValues: wordValues(live),
    });
    for (const part of parts) {
      if (part.length < 2) continue;
      const members = (part as Cluster[]).sort((a, b) => a.id - b.id);
      const keep = members[0] as Cluster;
      for (let i = 1; i < members.length; i++) this.merge(keep, members[i] as Cluster);
    }
    this.nextConsolidation = Math.max(1024, this.live * 2);
  }

  /** Final consolidation; the miner can keep receiving lines afterwards. */
  finalize(): void {
    this.consolidate();
  }

  /** Snapshot of every live template, most frequent first. */
  templates(): TemplateSnapshot[] {
    const out: TemplateSnapshot[] = [];
    for (const c of this.clusters) {
      if (!c || this.parent[c.id] !== c.id || c.count === 0) continue;
      out.push(this.snapshot(c));
    }
    out.sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
    return out;
  }

  /**
   * Whether the sample of line `line` in the group of `id` can take more trace text (continuation lines
   * of a multi-line event); false when that line is not a sample or its sample is full.
   */
  traceRoom(id: number, line: number): boolean {
    const sample = this.sampleOf(id, line);
    return sample !== undefined && sample.text.length < TRACE_CHARS;
  }

  /**
   * Whether the line last added became a sample of its template: the caller may then describe it further
   * (`describeSample`), which is work done for a handful of lines per template, never per line.
   */
  sampled = false;

  /** Replaces the text of the sample of line `line` (its message, and the fields of a structured line). */
  describeSample(id: number, line: number, text: string): void {
    const sample = this.sampleOf(id, line);
    if (sample) sample.text = detach(text);
  }

  /** Appends a continuation line to the sample of line `line` (a multi-line event), up to a bound. */
  extendSample(id: number, line: number, text: string): void {
    const sample = this.sampleOf(id, line);
    if (!sample || sample.text.length >= TRACE_CHARS) return;
    const room = TRACE_CHARS - sample.text.length - 1;
    sample.text = detach(`${sample.text}\n${text.length > room ? text.slice(0, room) : text}`);
  }

  private sampleOf(id: number, line: number): { line: number; text: string } | undefined {
    const c = this.clusters[this.find(id)];
    if (!c) return undefined;
    for (const s of c.samples) if (s.line === line) return s;
    return undefined;
  }

  /** Snapshot of the group of one cluster id. */
  template(id: number): TemplateSnapshot | undefined {
    const c = this.clusters[this.find(id)];
    return c ? this.snapshot(c) : undefined;
  }

  // -------------------------------------------------------------------------------------------------------

  private find(id: number): number {
    let r = id;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    let x = id;
    while (this.parent[x] !== r) {
      const next = this.parent[x] as number;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }

  /** Finds the template a new key fits, or creates a cluster for it. */
  private place(tok: Tokens): number {
    maskedTokens(tok);
    const fit = this.findFit(tok.tokens, tok.count);
    if (fit >= 0) return fit;
    if (this.live >= this.maxTemplates) {
      // Consolidating at the cap frees room; doing it again needs a tenth of the cap in new clusters, so
      // inputs made of ever-new shapes cost one consolidation per many lines, not one per line.
      if (this.createdSinceConsolidation >= Math.max(1, this.maxTemplates / 10)) {
        this.consolidate();
        const again = this.findFit(tok.tokens, tok.count);
        if (again >= 0) return again;
      }
      if (this.live >= this.maxTemplates) return this.overflow();
    }
    const types: (VariableType | '*' | undefined)[] = tok.types.slice(0, tok.count);
    const c = this.create(tok.tokens.slice(0, tok.count).map(detach), types, false);
    this.fileInIndex(c);
    this.createdSinceConsolidation++;
    if (this.live >= this.nextConsolidation) this.consolidate();
    return c.id;
  }

  private overflow(): number {
    if (this.overflowId < 0) {
      const c = this.create([WILDCARD], ['*'], true);
      this.overflowId = c.id;
    }
    return this.overflowId;
  }

  private create(tokens: string[], types: (VariableType | '*' | undefined)[], overflow: boolean): Cluster {
    const id = this.clusters.length;
    const c = new Cluster(id, tokens, types, overflow);
    this.clusters.push(c);
    if (id >= this.parent.length) {
      const grown = new Int32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    this.parent[id] = id;
    this.live++;
    if (!overflow) this.refreshParameters(c);
    return c;
  }

  private bucketKey(tokens: string[]): string {
    const a = tokens[0] ?? '';
    const b = tokens[1] ?? '';
    return `${tokens.length}\u0001${isWild(a) ? '*' : a}\u0001${isWild(b) ? '*' : b}`;
  }

  private fileInIndex(c: Cluster): void {
    const key = this.bucketKey(c.tokens);
    if (c.bucket === key) return;
    if (c.bucket) this.index.get(c.bucket)?.delete(c.id);
    c.bucket = key;
    const set = this.index.get(key);
    if (set) set.add(c.id);
    else this.index.set(key, new Set([c.id]));
  }

  /** The most specific live template that the tokens fit (equal at each constant position), or -1. */
  private findFit(tokens: string[], n: number): number {
    const a = n > 0 ? (tokens[0] as string) : '';
    const b = n > 1 ? (tokens[1] as string) : '';
    let best = -1;
    let bestConstants = -1;
    let budget = FIT_SCAN_BUDGET;
    for (const first of isWild(a) ? ['*'] : [a, '*']) {
      for (const second of isWild(b) ? ['*'] : [b, '*']) {
        const set = this.index.get(`${n}\u0001${first}\u0001${second}`);
        if (!set) continue;
        for (const id of set) {
          if (--budget < 0) return best;
          const c = this.clusters[id] as Cluster;
          let constants = 0;
          let ok = true;
          for (let p = 0; p < n; p++) {
            const t = c.tokens[p] as string;
            if (isWild(t)) continue;
            if (t !== tokens[p]) {
              ok = false;
              break;
            }
            constants++;
          }
          if (ok && (constants > bestConstants || (constants === bestConstants && id < best))) {
            best = id;
            bestConstants = constants;
          }
        }
      }
    }
    return best;
  }

  /** Counts, levels, lines, times, samples and components of one line. */
  private recordLine(c: Cluster, content: string, line: number, meta: LineMeta): void {
    c.count++;
    const li = meta.level === undefined ? UNKNOWN_LEVEL : levelIndex(meta.level);
    c.levels[li] = (c.levels[li] as number) + 1;
    if (line < c.firstLine) c.firstLine = line;
    if (line > c.lastLine) c.lastLine = line;
    if (meta.time !== undefined) {
      if (meta.time < c.firstTime) c.firstTime = meta.time;
      if (meta.time > c.lastTime) c.lastTime = meta.time;
    }
    this.sampled = c.samples.length < this.samplesPerTemplate;
    if (this.sampled) {
      const text = content.length > SAMPLE_CHARS ? content.slice(0, SAMPLE_CHARS) : content;
      c.samples.push({ line, text: detach(text) });
    }
    if (meta.component !== undefined) {
      if (!c.components) c.components = new TopValues(4);
      c.components.add(meta.component);
    }
  }

  /** The values behind the wildcards of one line (`weight` lines when it stands for a sample of them). */
  private recordValues(c: Cluster, tok: Tokens, weight: number): void {
    if (c.overflow) return;
    const positions = c.varPositions;
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k] as number;
      if (p >= tok.count) continue;
      const v = tokenValue(tok, p);
      (c.tallies[k] as TopValues).add(
        v.length > VALUE_CHARS ? v.slice(0, VALUE_CHARS) : v,
        weight,
        weight > 1,
      );
      const seen = c.types[p];
      const t = tok.types[p];
      if (seen !== t && seen !== '*') c.types[p] = seen === undefined && t !== undefined ? t : '*';
    }
  }

  /** Keeps `varPositions`/`tallies` in line with the wildcards of the template. */
  private refreshParameters(c: Cluster, old?: Map<number, TopValues>): void {
    const positions: number[] = [];
    const tallies: TopValues[] = [];
    for (let p = 0; p < c.tokens.length && positions.length < this.trackedParameters; p++) {
      const t = c.tokens[p] as string;
      if (!isWild(t) && !isValuePhrase(t)) continue;
      positions.push(p);
      tallies.push(old?.get(p) ?? new TopValues(this.topValues));
    }
    c.varPositions = positions;
    c.tallies = tallies;
  }

  /** Folds `b` into `a` (a is older): the template generalises where they differ; stats add up. */
  private merge(a: Cluster, b: Cluster): void {
    const oldA = new Map<number, TopValues>();
    a.varPositions.forEach((p, k) => {
      oldA.set(p, a.tallies[k] as TopValues);
    });
    const oldB = new Map<number, TopValues>();
    b.varPositions.forEach((p, k) => {
      oldB.set(p, b.tallies[k] as TopValues);
    });
    for (let p = 0; p < a.tokens.length; p++) {
      const ta = a.tokens[p] as string;
      const tb = b.tokens[p] as string;
      const wildA = isWild(ta);
      const wildB = isWild(tb);
      if (!wildA && ta === tb) continue;
      let tally = oldA.get(p);
      if (!wildA) {
        // A constant position becomes a wildcard: its word so far is the first tallied value.
        tally = new TopValues(this.topValues);
        tally.add(ta.trimStart(), a.count);
        oldA.set(p, tally);
        a.tokens[p] = ta.charCodeAt(0) === 32 ? ' <*>' : WILDCARD;
        a.types[p] = '*';
      } else if (!wildB) a.types[p] = '*';
      else if (a.types[p] !== b.types[p]) a.types[p] = a.types[p] === undefined ? b.types[p] : '*';
      if (tally) {
        const other = oldB.get(p);
        if (other) tally.merge(other);
        else if (!wildB) tally.add(tb.trimStart(), b.count);
      }
    }
    this.refreshParameters(a, oldA);
    a.count += b.count;
    for (let i = 0; i < a.levels.length; i++) a.levels[i] = (a.levels[i] as number) + (b.levels[i] as number);
    a.firstLine = Math.min(a.firstLine, b.firstLine);
    a.lastLine = Math.max(a.lastLine, b.lastLine);
    a.firstTime = Math.min(a.firstTime, b.firstTime);
    a.lastTime = Math.max(a.lastTime, b.lastTime);
    if (b.samples.length > 0) {
      a.samples = [...a.samples, ...b.samples]
        .sort((x, y) => x.line - y.line)
        .slice(0, this.samplesPerTemplate);
    }
    if (b.components) {
      if (a.components) a.components.merge(b.components);
      else a.components = b.components;
    }
    a.merged.push(b.id, ...b.merged);
    if (a.merged.length > 64) a.merged.length = 64;
    this.parent[b.id] = a.id;
    if (b.bucket) this.index.get(b.bucket)?.delete(b.id);
    this.clusters[b.id] = undefined;
    this.live--;
    this.fileInIndex(a);
  }

  private snapshot(c: Cluster): TemplateSnapshot {
    const levels: Partial<Record<LogLevel, number>> = {};
    LOG_LEVELS.forEach((l, i) => {
      const v = c.levels[i] as number;
      if (v > 0) levels[l] = v;
    });
    const parameters: TemplateParameter[] = c.varPositions.map((position, k) => {
      const tally = c.tallies[k] as TopValues;
      return {
        position,
        type: c.types[position] ?? '*',
        values: tally.top(),
        more: tally.overflowed,
        estimated: tally.estimated,
      };
    });
    const snap: TemplateSnapshot = {
      id: formatId(c.id),
      template: c.overflow ? WILDCARD : renderTemplate(c),
      count: c.count,
      levels,
      firstLine: Number.isFinite(c.firstLine) ? c.firstLine : 0,
      lastLine: c.lastLine,
      samples: c.samples.map((s) => ({ line: s.line, text: s.text })),
      parameters,
      components: c.components?.top() ?? [],
      mergedIds: c.merged.map(formatId),
      overflow: c.overflow,
    };
    if (Number.isFinite(c.firstTime)) snap.firstTime = c.firstTime;
    if (Number.isFinite(c.lastTime)) snap.lastTime = c.lastTime;
    return snap;
  }
}

export const formatId = (id: number): string => `T${id + 1}`;

const WORD_VALUE = /^[A-Za-z][A-Za-z_-]{0,31}$/;

/** Words (no digits) seen as values of the clusters' wildcard positions: evidence that a word is a value. */
function wordValues(clusters: readonly Cluster[]): Set<string> {
  const out = new Set<string>();
  for (const c of clusters) {
    for (const tally of c.tallies) for (const v of tally.values) if (WORD_VALUE.test(v)) out.add(v);
  }
  return out;
}

/**
 * Template text: constants as written, each variable slot as the most specific pattern its values share
 * (template-text.ts), with a typed placeholder where a slot is one value of one type.
 */
function renderTemplate(c: Cluster): string {
  let out = '';
  let k = 0;
  for (let p = 0; p < c.tokens.length; p++) {
    const t = c.tokens[p] as string;
    if (!isWild(t)) {
      if (c.varPositions[k] === p) {
        // A quoted phrase with values inside (`"GET <*> HTTP/<*>"`): its words as the values show them.
        const tally = c.tallies[k] as TopValues;
        const text = slotText(tally.values, tally.overflowed, '*', WILDCARD);
        // Values cut short or of mixed shapes say less than the phrase itself: keep the phrase then.
        const better = text.length > 5 && (text.includes('"') || text.includes("'"));
        out += better ? (t.charCodeAt(0) === 32 ? ` ${text}` : text) : t;
        k++;
      } else out += t;
      continue;
    }
    const type = c.types[p];
    const placeholder = type === undefined || type === '*' ? WILDCARD : placeholderFor(type);
    let text = placeholder;
    if (c.varPositions[k] === p) {
      const tally = c.tallies[k] as TopValues;
      text = slotText(tally.values, tally.overflowed, type, placeholder);
      k++;
    }
    out += t.charCodeAt(0) === 32 ? ` ${text}` : text;
  }
  return out;
}
