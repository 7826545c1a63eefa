/**
 * The rationale a person reads next to a triage: one short sentence per decision, each citing at most a few
 * distinct pieces of evidence (the strongest first), never the same word twice, and the priority's reason in
 * plain words. The evidence comes from the model's strongest features (named only for the few cited) and
 * from the rules' cue hits.
 */

import type { CueHit } from './cues.ts';
import type { Deadline } from './dates.ts';
import { CATEGORY_OUTPUT, type ModelScores, type TicketModel } from './model.ts';
import { P1_PROBABILITY_FLOOR, redundantPart, type StatedBound } from './p1.ts';
import { type AreaLabel, type PriorityDecision, usualPriority } from './rules.ts';

/** One piece of evidence: what to print, and the words it rests on (to skip evidence already given). */
interface Evidence {
  text: string;
  words: string[];
  /** Items of one group are listed together with the group's ending (`"a", "b" in the title`). */
  group?: string;
  /** A quoted phrase's words as written: "since this" and "this morning" are quoted as "since this morning". */
  phrase?: string[];
}

export interface RationaleInput {
  model: TicketModel;
  scored: ModelScores;
  /** The best category (canonical and as displayed), whether the classifier abstains, and the runner-up. */
  category: { canonical: string; display: string; confidence: number; source: 'model' | 'rules' };
  runnerUp: { canonical: string; display: string; confidence: number } | undefined;
  abstain: boolean;
  /** Why the ticket gives the model nothing to read, when it does not (the classifier then abstains). */
  nothingToRead: 'unknownWords' | 'fillerWords' | undefined;
  /** The writer's words that the trouble is theirs alone, when they moved the category off INCIDENT. */
  notIncident?: string | undefined;
  /** Rule cue hits of the category, when rules chose it. */
  ruleHits: readonly CueHit[];
  priority: PriorityDecision;
  deadline: Deadline | undefined;
  areas: readonly AreaLabel[];
  extra: Record<string, { value: string; confidence: number; needsReview: boolean }>;
  /** The ticket as written: a quoted phrase with a number in it is quoted with the number ("since 11:00"). */
  text?: { title: string; body: string } | undefined;
}

/** Evidence items per sentence: enough to see why, few enough to read at a glance. */
const CATEGORY_ITEMS = 3;
const PRIORITY_ITEMS = 2;
/** A runner-up category at least this likely is named ("could also be FEATURE"). */
const RUNNER_UP_SHOWN = 0.2;

const LEVEL_WORDS: Record<string, string> = { P1: 'urgent', P2: 'high', P3: 'normal', P4: 'low' };
/** How the rationale names each P1 rule (`Priority P1: <words>`); studies of the P1 decision read it back. */
export const P1_RULE_WORDS: Record<string, string> = {
  'outage for many': 'an outage for many users',
  'outage not limited': 'an outage, and nothing in the text limits it to a few users',
  'active security exposure': 'an active security exposure',
  'data loss now': 'data being lost now',
};

export function writeRationale(input: RationaleInput): string {
  const cited = new Set<string>();
  // The priority sentence quotes a deadline that raised it: the category sentence need not mention it too.
  if (input.deadline !== undefined && raised(input.priority)) cited.add(DEADLINE);
  // A P1 rule's cues are the point of its sentence: they are picked first, and the category cites others.
  const p1First = input.priority.p1 !== undefined;
  const priority = p1First ? prioritySentence(input, cited) : '';
  const category = categorySentence(input, cited);
  const sentences = [category, p1First ? priority : prioritySentence(input, cited)];
  if (input.areas.length > 0)
    sentences.push(
      `Labels: ${input.areas.map((a) => `${a.label}${quoteList(pick(a.hits.map(fromHit), 1, new Set()), ' (', ')')}`).join(', ')}`,
    );
  for (const [name, p] of Object.entries(input.extra))
    sentences.push(
      p.needsReview
        ? `${capitalise(name)}: needs review, best guess ${p.value} (${pct(p.confidence)})`
        : `${capitalise(name)} ${p.value} (${pct(p.confidence)})`,
    );
  return `${sentences.join('. ')}.`;
}

const NOTHING_TO_READ: Record<string, string> = {
  unknownWords: ' (no word of it is one the model learned from)',
  fillerWords: ' (it does not say what is wrong or wanted)',
};

function categorySentence(input: RationaleInput, cited: Set<string>): string {
  const { category, runnerUp, abstain } = input;
  const evidence =
    category.source === 'model'
      ? modelEvidence(input, CATEGORY_OUTPUT, category.canonical, runnerUp?.canonical)
      : input.ruleHits.map(fromHit);
  const scope =
    input.notIncident === undefined
      ? ''
      : `; not an INCIDENT: the text says only the writer is affected ("${input.notIncident}")`;
  const why = `${quoteList(pick(evidence, CATEGORY_ITEMS, cited), ': ')}${scope}`;
  const by = category.source === 'rules' ? ' by rules' : '';
  if (abstain) {
    const or = runnerUp === undefined ? '' : ` or ${runnerUp.display} (${pct(runnerUp.confidence)})`;
    const reason = NOTHING_TO_READ[input.nothingToRead ?? ''] ?? '';
    return `NEEDS_REVIEW${reason}: best guess ${category.display} (${pct(category.confidence)}${by})${or}${why}`;
  }
  const also =
    runnerUp !== undefined && runnerUp.confidence >= RUNNER_UP_SHOWN
      ? `; could also be ${runnerUp.display} (${pct(runnerUp.confidence)})`
      : '';
  return `${category.display} (${pct(category.confidence)}${by})${why}${also}`;
}

/** Why a stated bound keeps an outage from P1, in the rubric's words. */
const BOUND_WORDS: Record<StatedBound['kind'], string> = {
  'non-production': 'an outage of a non-production environment, not production down',
  'nobody hurt': 'the text says nobody is hurt, not production down',
  workaround: 'a workaround is in use, not down without one',
};

function prioritySentence(input: RationaleInput, cited: Set<string>): string {
  const { priority, deadline, category } = input;
  const level = `${priority.priority} (${LEVEL_WORDS[priority.priority] ?? 'normal'})`;
  if (priority.p1 !== undefined) {
    const hits = quoteList(pick(priority.p1.hits.map(fromHit), PRIORITY_ITEMS, cited), ': ');
    return `Priority P1: ${P1_RULE_WORDS[priority.p1.rule] ?? priority.p1.rule}${hits}`;
  }
  if (priority.p1Floor !== undefined)
    return `Priority P1 as a precaution: this ${category.display} is P1 with a ${pct(priority.p1Floor)} chance, and ${pct(P1_PROBABILITY_FLOOR)} is enough to escalate it (a missed P1 costs more than a false alarm)`;
  if (priority.clicked !== undefined)
    return `Priority ${level}: others clicked ("${priority.clicked}"), a security issue with limited exposure`;
  // A bound explains why an outage is not P1, whatever a deadline then raised it to.
  if (priority.bound !== undefined)
    return `Priority ${level}: ${BOUND_WORDS[priority.bound.kind]} ("${priority.bound.words}")`;
  // A deadline explains a raised priority; a far one (or one the model outweighed) is not the reason.
  if (deadline !== undefined && raised(priority)) {
    const when =
      deadline.days === 0
        ? 'the day it was opened'
        : `${deadline.days} day${deadline.days === 1 ? '' : 's'} after it was opened`;
    return `Priority ${level}: deadline "${deadline.phrase}", ${when}`;
  }
  // The category sentence already quotes the words when they moved the category off INCIDENT.
  if (priority.alone !== undefined)
    return input.notIncident === undefined
      ? `Priority ${level}: the text says only the writer is affected ("${priority.alone}")`
      : `Priority ${level}: one person's problem`;
  if (priority.confined !== undefined)
    return redundantPart(priority.confined)
      ? `Priority ${level}: one redundant part down, the others carrying the load, not an outage for many ("${priority.confined}")`
      : `Priority ${level}: an outage of one site, not for many ("${priority.confined}")`;
  if (priority.over !== undefined)
    return `Priority ${level}: the text says the outage is over ("${priority.over}"), not down now`;
  if (priority.notSevere === true)
    return `Priority ${level}: without an outage, an exposure or data loss in the text, only an incident or a security report is P1`;
  // Impact cues explain a level; the learned head's own top words ("agents", "cycle") mostly do not.
  const why = pick(priority.hits.map(fromHit), PRIORITY_ITEMS, cited);
  if (why.length > 0) return `Priority ${level}: ${why.join(', ')}`;
  if (priority.priority === usualPriority(category.canonical))
    return `Priority ${level}, the usual for ${article(category.display)} ${category.display}`;
  return `Priority ${level}, ${priority.source === 'rules' ? 'by the impact rules' : 'as for similar tickets'}`;
}

/**
 * The words that most favour `best` over `runnerUp` in an output, as evidence, strongest first. Described
 * one at a time as `pick` asks: it usually stops after three or four of the twelve candidates.
 */
function* modelEvidence(
  input: RationaleInput,
  outputName: string,
  best: string,
  runnerUp: string | undefined,
): Generator<Evidence> {
  const output = input.model.outputs.find((o) => o.name === outputName);
  if (output === undefined) return;
  const index = (name: string | undefined) =>
    name === undefined ? -1 : output.classes.findIndex((c) => c.toUpperCase() === name.toUpperCase());
  for (const [name] of input.scored.margins(outputName, index(best), index(runnerUp), 12)) {
    const evidence = describe(name);
    const found =
      evidence === undefined || input.text === undefined ? evidence : asFound(evidence, input.text);
    if (found !== undefined) yield found;
  }
}

/**
 * Up to `max` items none of whose words is cited yet (recorded as cited now), as text: quoted title words
 * together where the first of them stands.
 */
function pick(evidence: Iterable<Evidence>, max: number, cited: Set<string>): string[] {
  const chosen: Evidence[] = [];
  for (const item of evidence) {
    if (chosen.length === max) break;
    if (item.words.some((w) => cited.has(w))) continue;
    for (const w of item.words) cited.add(w);
    if (!joinOverlapping(chosen, item)) chosen.push(item);
  }
  const out: string[] = [];
  chosen.forEach((item, i) => {
    if (item.group === undefined) out.push(item.text);
    else if (chosen.findIndex((other) => other.group === item.group) === i)
      out.push(
        `${chosen.flatMap((other) => (other.group === item.group ? [other.text] : [])).join(', ')}${item.group}`,
      );
  });
  return out;
}

/**
 * Joins a phrase into a chosen one of its group that it overlaps ("since this" + "this morning"), so the
 * shared word is quoted once; the joined phrase counts as one item.
 */
function joinOverlapping(chosen: Evidence[], item: Evidence): boolean {
  const b = item.phrase;
  if (b === undefined) return false;
  for (const other of chosen) {
    const a = other.phrase;
    if (a === undefined || other.group !== item.group) continue;
    const joined = overlapJoin(a, b) ?? overlapJoin(b, a);
    if (joined === undefined) continue;
    other.phrase = joined;
    other.text = `"${joined.join(' ')}"`;
    other.words = [...other.words, ...item.words];
    return true;
  }
  return false;
}

/** `a` followed by `b` when `b` starts with the words `a` ends with ("since this" + "this morning"). */
function overlapJoin(a: readonly string[], b: readonly string[]): string[] | undefined {
  for (let k = Math.min(a.length, b.length) - 1; k >= 1; k--)
    if (a.slice(-k).every((w, i) => w === b[i])) return [...a, ...b.slice(k)];
  return undefined;
}

const quoteList = (items: readonly string[], before: string, after = '') =>
  items.length === 0 ? '' : `${before}${items.join(', ')}${after}`;

function fromHit(hit: CueHit): Evidence {
  const words = hit.phrase.split(' ').filter(citable);
  return {
    text: `"${hit.phrase}"`,
    words: words.length > 0 ? words : [hit.phrase],
    group: hit.inTitle ? IN_TITLE : IN_DESCRIPTION,
  };
}

const DEADLINE = '(deadline)';
const IN_TITLE = ' in the title';
/** Said of body words too: a bare quote next to title words read as if it were in the title as well. */
const IN_DESCRIPTION = ' in the description';
const raised = (priority: PriorityDecision) => priority.priority === 'P1' || priority.priority === 'P2';

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
const pct = (p: number) => `${Math.round(p * 100)}%`;
const capitalise = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** Words too common or too opaque to explain a decision to a person. */
const UNCITABLE = new Set(
  (
    'a an the and or of to in on at for with by from as is are was were be been it its this that these those i ' +
    'me my we our you your he she they them there here not no yes so if but do does did have has had can could ' +
    'will would should just also when then than which what who numtoken vertoken hextoken pathtoken urltoken ' +
    'imagetoken ? !'
  ).split(' '),
);

/**
 * A word a person would recognise: not a stop word, a placeholder (`host_github_com`, `_no`), a number, or a
 * single letter (the tokenizer's pieces of "e.g." or "i.e.", quoted as `"g" in the description`).
 */
const citable = (word: string) => !UNCITABLE.has(word) && /^[a-z][a-z0-9'.+#-]+$/.test(word);

const TITLE_NS = new Set(['t', 't2', 'tstart', 'tstart2', 'tk']);
const BODY_NS = new Set(['b', 'b2', 'l', 'l2', 'bk']);
const WORD_NS = new Set([...TITLE_NS, ...BODY_NS]);

/**
 * Human wording for a feature name produced by the featurizer (`t:crash`, `tk0:froze`, `f:issue_type=bug`…).
 * A word and its cluster (`tk0:froze`: "froze and words like it") read the same: the word.
 */
function describe(name: string): Evidence | undefined {
  const colon = name.indexOf(':');
  const cluster = /^(tk|bk)\d+$/.exec(name.slice(0, colon))?.[1];
  const ns = cluster ?? name.slice(0, colon);
  const raw = name.slice(colon + 1);
  if (WORD_NS.has(ns) || ns === 'h' || ns === 'c') {
    const words = raw.split(' ').filter(citable);
    if (words.length === 0)
      return TITLE_NS.has(ns) && raw === '?' ? flag('a question mark in the title') : undefined;
    const value = asWritten(withoutDanglingEnd(raw));
    // One template item is enough: its headings and notes all say "this template was used".
    if (ns === 'h') return { text: `template heading "${value}"`, words: ['(template)'] };
    if (ns === 'c') return { text: `template note "${value}"`, words: ['(template)'] };
    const group = TITLE_NS.has(ns) ? IN_TITLE : BODY_NS.has(ns) ? IN_DESCRIPTION : undefined;
    return { text: `"${value}"`, words, phrase: value.split(' '), ...(group === undefined ? {} : { group }) };
  }
  if (ns === 'f') return { text: `field ${raw.replace(/vertoken/g, '<version>')}`, words: ['(field)'] };
  if (ns !== 'x') return undefined;
  const intent = /^intent_(title|body|body_many):(\w+)$/.exec(raw);
  if (intent) {
    // Title and body wording of one intent count once; intents are listed together ("outage, wide-impact wording").
    return {
      text: INTENT_WORDS[intent[2] ?? ''] ?? intent[2] ?? '',
      words: [raw.replace(/^.*:/, 'intent:')],
      group: ' wording',
    };
  }
  if (raw.startsWith('exc:')) return flag(`mentions ${raw.slice(4)}`);
  if (raw.startsWith('url:')) return flag(`a link to ${raw.slice(9).replace(/_/g, '.')}`);
  const text = FLAG_WORDS[raw];
  if (text === undefined) return undefined;
  return raw.startsWith('deadline') ? { text, words: [DEADLINE] } : flag(text);
}

/** Words that leave a quoted phrase hanging when it ends with them ("add a", "people are", "button does"). */
const DANGLING_END = new Set(
  (
    'a an the this that these those my our your their his her its is are was were be been am do does did can ' +
    'could will would should shall may might must has have had i we you they he she it'
  ).split(' '),
);

/** A bigram's words without the ones it ends hanging on: "add a" is quoted "add" (the weight is the pair's). */
function withoutDanglingEnd(raw: string): string {
  const words = raw.split(' ');
  while (words.length > 1 && DANGLING_END.has(words[words.length - 1] ?? '')) words.pop();
  return words.join(' ');
}

/**
 * A feature's words as people write them: the tokenizer splits "can't" into "ca not" and "won't" into
 * "wo not", and puts placeholders where numbers and versions were.
 */
function asWritten(raw: string): string {
  return raw
    .replace(
      /\b(ca|wo|sha)( not)?\b/g,
      (_m, stem: string) => `${stem === 'ca' ? 'can' : stem === 'wo' ? 'won' : 'shan'}'t`,
    )
    .replace(/\bi\b/g, 'I')
    .replace(/numtoken/g, '<n>')
    .replace(/vertoken/g, '<version>');
}

/** What a number or a version stands for in a quoted phrase ("since <n>" is "since 11:00" as written). */
const PLACEHOLDER_PATTERNS: ReadonlyMap<string, string> = new Map([
  // Bounded runs: a search over a hostile body ("1.1.1.1…") stays linear.
  ['<n>', '\\d(?:[\\d:.,/-]{0,24}\\d)?%?'],
  ['<version>', '[v£$€]?\\d{1,10}(?:\\.\\d{1,10}){1,6}(?:[-+][0-9a-z.]{1,16})?'],
]);
/** Text beyond this is not searched for a phrase: the features come from the opening of the body. */
const FOUND_SCAN_CHARS = 8000;
const FOUND_MAX_CHARS = 40;

/**
 * A quoted phrase with a placeholder (`"since <n>"`), quoted as the ticket wrote it ("since 11:00",
 * "cve-2022-23529"), title first. Not quoted at all when its words are not found together (the tokenizer
 * reads across a template heading it drops): "<n> see" tells a person nothing.
 */
function asFound(evidence: Evidence, text: { title: string; body: string }): Evidence | undefined {
  const phrase = evidence.phrase;
  if (phrase === undefined || !phrase.some((w) => PLACEHOLDER_PATTERNS.has(w))) return evidence;
  const parts = phrase.map(
    (w) => PLACEHOLDER_PATTERNS.get(w) ?? w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]?"),
  );
  const pattern = new RegExp(`(?<![a-z0-9])(${parts.join(')[^a-z0-9%]{1,12}(')})(?![a-z0-9])`, 'i');
  const m = pattern.exec(text.title) ?? pattern.exec(text.body.slice(0, FOUND_SCAN_CHARS));
  if (m === null || m[0].length > FOUND_MAX_CHARS) return undefined;
  // The words and numbers as written, without the punctuation between them ("since:** 21:07").
  const written = m.slice(1).join(' ').toLowerCase();
  return { ...evidence, text: `"${written}"`, phrase: written.split(' ') };
}

const flag = (text: string): Evidence => ({ text, words: [text] });

const INTENT_WORDS: Record<string, string> = {
  question: 'question',
  feature: 'request',
  bug: 'failure',
  incident: 'outage',
  security: 'security',
  task: 'chore or access',
  broad: 'wide-impact',
  severe: 'severe-impact',
  partial: 'partial-impact',
  ongoing: 'still-ongoing',
  minor: 'minor-impact',
};

const FLAG_WORDS: Record<string, string> = {
  http_5xx: 'HTTP 5xx errors',
  http_4xx: 'HTTP 4xx errors',
  http_429: 'HTTP 429 (rate limited)',
  deadline: 'a stated deadline',
  deadline_within_1d: 'a deadline within a day',
  deadline_within_3d: 'a deadline within 3 days',
  deadline_within_8d: 'a deadline within a week',
  deadline_within_31d: 'a deadline within a month',
  deadline_later: 'a deadline more than a month away',
  stack: 'a stack trace',
  stack_line: 'a stack frame',
  code_long: 'a long code block',
  code_short: 'a code block',
  log: 'log output',
  image: 'a screenshot',
  title_question: 'a question mark in the title',
  body_question: 'a question in the body',
  checkbox: 'a template checklist',
  checkbox_ticked: 'a ticked checklist',
};
