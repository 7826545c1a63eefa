/**
 * Cue phrases and how a ticket's words are matched against them: every table made with `cues` is indexed
 * together, a ticket is scanned once (`matchCues`), and each table's evidence is the sum of its phrases found
 * (title hits count double), with the phrases that fired so a rationale can cite them.
 */

export interface Cue {
  phrase: string;
  weight: number;
}

export interface CueHit {
  phrase: string;
  weight: number;
  inTitle: boolean;
}

export interface Evidence {
  score: number;
  hits: readonly CueHit[];
}

/** Title words are written to summarise; a cue there says more than one buried in the body. */
const TITLE_FACTOR = 2;

/** Every table made with `cues`: one scan of a ticket finds the phrases of all of them (`matchCues`). */
const tables: (readonly Cue[])[] = [];

/** A cue table from comma-separated phrases of one weight, registered for `matchCues`. */
export function cues(weight: number, phrases: string): Cue[] {
  const table = phrases
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((phrase) => ({ phrase, weight }));
  tables.push(table);
  return table;
}

/** Body words beyond this are not searched for cues: the opening of a report says what it is about. */
const BODY_CUE_WORDS = 2000;

/** Which cue phrases occur in a ticket's title and body (normalised word sequences). */
export interface CueMatches {
  title: ReadonlySet<string>;
  body: ReadonlySet<string>;
}

let phraseIndex: Map<string, { words: string[]; phrase: string }[]> | undefined;
let indexedTables = 0;

/** All cue phrases of all tables, indexed by first word, so a ticket is scanned once for every table. */
function index(): Map<string, { words: string[]; phrase: string }[]> {
  if (phraseIndex !== undefined && indexedTables === tables.length) return phraseIndex;
  const built = new Map<string, { words: string[]; phrase: string }[]>();
  const seen = new Set<string>();
  for (const table of tables) {
    for (const cue of table) {
      if (seen.has(cue.phrase)) continue;
      seen.add(cue.phrase);
      const words = cue.phrase.split(' ');
      const first = words[0] ?? '';
      built.set(first, [...(built.get(first) ?? []), { words, phrase: cue.phrase }]);
    }
  }
  phraseIndex = built;
  indexedTables = tables.length;
  return built;
}

function scan(words: readonly string[], limit: number): Set<string> {
  const found = new Set<string>();
  const idx = index();
  const end = Math.min(words.length, limit);
  for (let i = 0; i < end; i++) {
    const candidates = idx.get(words[i] ?? '');
    if (candidates === undefined) continue;
    for (const { words: phrase, phrase: text } of candidates) {
      let ok = true;
      for (let j = 1; j < phrase.length && ok; j++) ok = words[i + j] === phrase[j];
      if (ok) found.add(text);
    }
  }
  return found;
}

export function matchCues(titleWords: readonly string[], bodyWords: readonly string[]): CueMatches {
  return { title: scan(titleWords, Number.POSITIVE_INFINITY), body: scan(bodyWords, BODY_CUE_WORDS) };
}

/** What `evidence` returns when no cue of the table occurs (most tables, most tickets): one shared object. */
export const NO_EVIDENCE: Evidence = Object.freeze({ score: 0, hits: Object.freeze([]) });

/** Each table's phrases as a set, built on first use (the tables are module constants). */
const tablePhrases = new WeakMap<readonly Cue[], ReadonlySet<string>>();

/**
 * Whether any phrase the ticket matched is one of the table's. A ticket matches a handful of phrases and
 * the tables hold up to ~150 (about twenty tables are read per ticket), so this is asked from the ticket's
 * side, and most tables are done with there.
 */
function mentionsAny(matches: CueMatches, table: readonly Cue[]): boolean {
  let phrases = tablePhrases.get(table);
  if (phrases === undefined) {
    phrases = new Set(table.map((cue) => cue.phrase));
    tablePhrases.set(table, phrases);
  }
  for (const phrase of matches.title) if (phrases.has(phrase)) return true;
  for (const phrase of matches.body) if (phrases.has(phrase)) return true;
  return false;
}

/** Sums the table's cues found in the ticket; each phrase counts once, double when it is in the title. */
export function evidence(matches: CueMatches, table: readonly Cue[]): Evidence {
  if (matches.title.size + matches.body.size < table.length && !mentionsAny(matches, table))
    return NO_EVIDENCE;
  let hits: CueHit[] | undefined;
  let score = 0;
  for (const cue of table) {
    if (matches.title.has(cue.phrase)) {
      hits ??= [];
      hits.push({ phrase: cue.phrase, weight: cue.weight * TITLE_FACTOR, inTitle: true });
      score += cue.weight * TITLE_FACTOR;
    } else if (matches.body.has(cue.phrase)) {
      hits ??= [];
      hits.push({ phrase: cue.phrase, weight: cue.weight, inTitle: false });
      score += cue.weight;
    }
  }
  if (hits === undefined) return NO_EVIDENCE;
  if (score < 0 || hits.some((h) => h.weight < 0)) return withExceptions(hits);
  hits.sort((a, b) => b.weight - a.weight);
  return { score, hits };
}

/**
 * A cue of negative weight is an exception: the phrase takes back the cue words inside it ("change freeze"
 * is a calendar, not a "freeze"; "card testing" an attack, not "testing"). Neither is evidence then.
 */
function withExceptions(hits: readonly CueHit[]): Evidence {
  const exceptions = hits.filter((h) => h.weight < 0).map((h) => ` ${h.phrase} `);
  const kept = hits.filter((h) => h.weight > 0 && !exceptions.some((e) => e.includes(` ${h.phrase} `)));
  if (kept.length === 0) return NO_EVIDENCE;
  kept.sort((a, b) => b.weight - a.weight);
  return { score: kept.reduce((sum, h) => sum + h.weight, 0), hits: kept };
}
