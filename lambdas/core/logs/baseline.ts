/**
 * What changed since last time (issue 14, deliverable 7): a summary's template census compared with a
 * baseline's. Template ids are per log, so templates are matched by text: first exactly (with every
 * wildcard written `<*>`), then a template that is an instance of a baseline template with wildcards
 * (`connect to db refused` ~ `connect to <*> refused`) or the other way round. Rates are normalised by
 * time (per hour) when both logs have a time span, else by lines.
 *
 * A template is *new* when the baseline has nothing like it, *louder* or *quieter* when its rate changed by
 * ≥ 3× (with at least 5 lines on the busier side, so a 1→3 wobble is not news), *gone* when the baseline
 * rate predicts at least 3 lines in the current log and there are none.
 */
export interface CensusEntry {
  id: string;
  template: string;
  count: number;
  errors: number;
}

/** The part of a summary a later log is compared with; kept in every summary (`census`). */
export interface Census {
  lines: number;
  durationSeconds: number | null;
  /** Most frequent templates first, every error template included; `complete` when none was left out. */
  templates: CensusEntry[];
  complete: boolean;
}

export interface TemplateChange {
  /** Id in the current log (for `gone`: in the baseline). */
  id: string;
  template: string;
  count: number;
  baselineCount: number;
  errors: number;
  /** Current rate over baseline rate (Infinity-free: new templates have none, gone ones 0). */
  factor: number | null;
}

export interface Changes {
  /** How counts were made comparable: per hour of log, or per line. */
  basis: 'time' | 'lines';
  baseline: { lines: number; durationSeconds: number | null; label: string };
  new: TemplateChange[];
  louder: TemplateChange[];
  quieter: TemplateChange[];
  gone: TemplateChange[];
}

export const CHANGE_FACTOR = 3;
const MIN_LINES = 5;
const MIN_EXPECTED_GONE = 3;
export const CENSUS_TEMPLATES = 1000;
const CENSUS_TEXT = 300;

export function censusOf(
  lines: number,
  durationSeconds: number | null,
  templates: readonly CensusEntry[],
): Census {
  const sorted = [...templates].filter((t) => t.count > 0).sort((a, b) => b.count - a.count);
  const kept = sorted.slice(0, CENSUS_TEMPLATES);
  const errorsLeft = sorted.slice(CENSUS_TEMPLATES).filter((t) => t.errors > 0);
  const cut = (t: CensusEntry): CensusEntry => ({
    ...t,
    template: t.template.length > CENSUS_TEXT ? t.template.slice(0, CENSUS_TEXT) : t.template,
  });
  return {
    lines,
    durationSeconds,
    templates: [...kept, ...errorsLeft].map(cut),
    complete: sorted.length <= CENSUS_TEMPLATES,
  };
}

/** A template with every wildcard (`<NUM>`, `<IP>`, `<*>` …) written `<*>`, and runs of them as one. */
export function normaliseTemplate(template: string): string {
  return template
    .replace(/<[A-Z_]{1,16}(?:#\d{1,7})?>|<\*>/g, '<*>')
    .replace(/<\*>(?:[\s,:;]*<\*>)+/g, '<*>')
    .trim();
}

/**
 * Whether `text` is an instance of a template split at its wildcards (each stands for 1+ characters):
 * leftmost matching of the literal parts in order, linear in the text (no regular expression that could
 * backtrack on a long template).
 */
export function instanceOf(parts: readonly string[], text: string): boolean {
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (parts.length < 2 || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i] as string, at + 1);
    if (found < 0) return false;
    at = found + (parts[i] as string).length;
  }
  return text.length - last.length >= at + 1;
}

interface Indexed {
  entry: CensusEntry;
  norm: string;
  parts: string[];
}

const index = (c: Census): Indexed[] =>
  c.templates.map((entry) => {
    const norm = normaliseTemplate(entry.template);
    return { entry, norm, parts: norm.split('<*>') };
  });

/** Pairs each current template with its baseline counterpart (or none). */
function match(current: Indexed[], baseline: Indexed[]): Map<Indexed, Indexed[]> {
  const byText = new Map<string, Indexed[]>();
  for (const b of baseline) byText.set(b.norm, [...(byText.get(b.norm) ?? []), b]);
  const out = new Map<Indexed, Indexed[]>();
  for (const c of current) {
    let found = byText.get(c.norm);
    // Pattern matching is quadratic: only for what exact text did not pair, and only on bounded lists.
    if (!found && baseline.length * current.length <= 4_000_000) {
      found = baseline.filter((b) => instanceOf(b.parts, c.norm) || instanceOf(c.parts, b.norm));
    }
    out.set(c, found ?? []);
  }
  return out;
}

export function compareCensus(current: Census, baseline: Census, label = 'baseline'): Changes {
  const timeBased = (current.durationSeconds ?? 0) > 0 && (baseline.durationSeconds ?? 0) > 0;
  const scale = timeBased
    ? (current.durationSeconds as number) / (baseline.durationSeconds as number)
    : current.lines / Math.max(1, baseline.lines);
  const cur = index(current);
  const base = index(baseline);
  const pairs = match(cur, base);
  const changes: Changes = {
    basis: timeBased ? 'time' : 'lines',
    baseline: { lines: baseline.lines, durationSeconds: baseline.durationSeconds, label },
    new: [],
    louder: [],
    quieter: [],
    gone: [],
  };
  const seen = new Set<Indexed>();
  const smallestKept = baseline.templates.reduce((m, t) => Math.min(m, t.count), Number.POSITIVE_INFINITY);
  for (const [c, matched] of pairs) {
    for (const b of matched) seen.add(b);
    const baseCount = matched.reduce((n, b) => n + b.entry.count, 0);
    const change = {
      id: c.entry.id,
      template: c.entry.template,
      count: c.entry.count,
      errors: c.entry.errors,
    };
    if (matched.length === 0) {
      // Past the baseline's census cut, a rare template may have been left out rather than absent.
      if (baseline.complete || c.entry.count / scale > smallestKept)
        changes.new.push({ ...change, baselineCount: 0, factor: null });
      continue;
    }
    const factor = c.entry.count / (baseCount * scale);
    if (factor >= CHANGE_FACTOR && c.entry.count >= MIN_LINES)
      changes.louder.push({ ...change, baselineCount: baseCount, factor: round(factor) });
    else if (factor <= 1 / CHANGE_FACTOR && baseCount * scale >= MIN_LINES)
      changes.quieter.push({ ...change, baselineCount: baseCount, factor: round(factor) });
  }
  for (const b of base) {
    if (seen.has(b) || b.entry.count * scale < MIN_EXPECTED_GONE) continue;
    changes.gone.push({ ...b.entry, count: 0, baselineCount: b.entry.count, factor: 0 });
  }
  const byWeight = (a: TemplateChange, b: TemplateChange) =>
    b.errors - a.errors || b.count + b.baselineCount - (a.count + a.baselineCount);
  changes.new.sort(byWeight);
  changes.louder.sort((a, b) => b.errors - a.errors || (b.factor ?? 0) - (a.factor ?? 0));
  changes.quieter.sort((a, b) => (a.factor ?? 0) - (b.factor ?? 0) || b.baselineCount - a.baselineCount);
  changes.gone.sort(byWeight);
  return changes;
}

const round = (x: number): number => (x >= 10 ? Math.round(x) : Math.round(x * 100) / 100);

export type LimitedChanges = Changes & {
  totals: { new: number; louder: number; quieter: number; gone: number };
};

/** The lists cut to `limit` entries each (the full comparison can be long), with the full counts. */
export function limitChanges(changes: Changes, limit: number): LimitedChanges {
  return {
    ...changes,
    new: changes.new.slice(0, limit),
    louder: changes.louder.slice(0, limit),
    quieter: changes.quieter.slice(0, limit),
    gone: changes.gone.slice(0, limit),
    totals: {
      new: changes.new.length,
      louder: changes.louder.length,
      quieter: changes.quieter.length,
      gone: changes.gone.length,
    },
  };
}

/** The census kept in a stored or printed summary (`summarize --json`), or null when it has none. */
export function storedCensus(summary: unknown): Census | null {
  const census = (summary as { census?: Partial<Census> } | null | undefined)?.census;
  if (!census || !Array.isArray(census.templates) || typeof census.lines !== 'number') return null;
  return census as Census;
}
