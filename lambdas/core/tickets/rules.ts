/**
 * The rule-based parts of triage: categories a model's training data has no examples of, the impact and
 * urgency rules of the priority (blended with a learned priority head when the model has one) and area
 * labels. Each rule is a cue phrase with a weight; evidence is summed (title hits count double) and squashed
 * into a confidence, and the phrases that fired are returned so the rationale can cite them.
 */
import type { Deadline } from './dates.ts';

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

/**
 * Categories added by rules to a model whose training data has no examples of them (a team that retrains on
 * bug/feature/question only still gets these); the default model learns all six.
 */
export const RULE_CATEGORIES: readonly string[] = ['INCIDENT', 'TASK', 'SECURITY'];

/** Title words are written to summarise; a cue there says more than one buried in the body. */
const TITLE_FACTOR = 2;

const cues = (weight: number, phrases: string): Cue[] =>
  phrases
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((phrase) => ({ phrase, weight }));

export const INCIDENT_CUES: Cue[] = [
  ...cues(
    3,
    'outage, incident, sev1, sev 1, sev0, sev 0, severity 1, is down, are down, went down, site down, service down, production down, prod down, postmortem, post mortem',
  ),
  ...cues(
    2,
    'degraded, unavailable, unreachable, all users, customers are, customers cannot, users cannot, users are unable, nobody can, error rate, paged, pagerduty, on call, data loss, disk full, certificate expired, cert expired, 5xx, http numtoken errors',
  ),
  ...cues(1.5, 'production, prod, spike, spiking, rollback, roll back, alert, alerts, firing'),
  ...cues(1, 'customers, impact, impacted, since this morning, right now, mitigate, mitigation'),
];

export const TASK_CUES: Cue[] = [
  ...cues(3, 'chore, tracking issue, meta issue, tech debt, technical debt, housekeeping'),
  ...cues(
    2,
    'refactor, clean up, cleanup, backport, bump version, bump dependencies, upgrade dependencies, update dependencies, remove deprecated, add tests, add unit tests, increase test coverage, follow up, followup, migrate to, rotate keys, rotate credentials, renew certificate, todo list',
  ),
  ...cues(1, 'deprecate, deprecation, audit, checklist, onboarding, refactoring'),
];

export const SECURITY_CUES: Cue[] = [
  ...cues(
    3,
    'security, vulnerability, vulnerable, exploit, exploited, cve, injection, sql injection, xss, csrf, phishing, malware, ransomware, breach, leaked, compromised, hacked, unauthorized access, unauthorised access, account takeover, brute force, credential stuffing',
  ),
  ...cues(
    2,
    'exposed, exposure, leak, secret key, api key, access key, private key, credentials, password, passwords, token, tokens, suspicious, unauthenticated, attacker, malicious, impersonate, fraud, stolen, idor',
  ),
  ...cues(1, 'public, publicly, pastebin, gist, committed, permission, permissions, audit log, mfa, 2fa'),
];

export const PRIORITY_UP_STRONG: Cue[] = cues(
  3,
  'outage, data loss, data corruption, corrupted, security vulnerability, vulnerability, exploit, cve, sev1, sev 1, sev0, p0, blocker, production down, all users, cannot log in, can not log in, cannot login, unable to login, lost funds, loss of funds',
);
export const PRIORITY_UP: Cue[] = cues(
  1.5,
  'crash, crashes, crashed, crashing, segfault, segmentation fault, regression, broken, hang, hangs, freezes, freeze, memory leak, fails, failing, failed, not working, does not work, unable to, cannot, exception, error, production, deadlock',
);
export const PRIORITY_DOWN: Cue[] = cues(
  1.5,
  'typo, typos, cosmetic, minor, nice to have, low priority, spelling, wording, grammar, alignment, misaligned, would be nice, suggestion, nitpick, small improvement, documentation, docs',
);

/**
 * The P1 rules of the rubric, as cue tables: a production outage for many (an outage cue with a breadth cue,
 * or an incident with either), an active security exposure (an exposure cue on a security ticket), data loss
 * now. A cue that limits the impact (some users, a workaround, internal only, nobody clicked) vetoes the rule.
 */
export const P1_CUES = {
  breadth: cues(
    1,
    'all users, all customers, all our customers, all visitors, every user, every customer, every visitor, everyone, everybody, nobody, no one, entire, whole company, whole office, company wide, for everyone, all regions, all stores, all employees, all agents, every order, every payment, every login, every checkout, every request, all requests, all traffic, for all, none of, all card, all payment, all payments, all orders, all logins, site wide, everywhere, widespread, anyone, any user, any customer, any tenant, other customers, another customer, other tenants, another tenant',
  ),
  outage: cues(
    1,
    'is down, are down, went down, down for, down since, site down, service down, server down, cluster down, api down, app down, system down, website down, outage, unreachable, not reachable, unavailable, not loading, blank page, unusable, cannot log in, can not log in, cannot login, unable to log in, cannot pay, can not pay, cannot order, can not order, stopped, failing, fails, fail, error, errors, crashing, crashes, crash, timing out, time out, declined, rejected, not working, does not work, nothing is, zero, no orders, white page, broken',
  ),
  // "public" and "fraud" alone are not here: they name things far more often than they say something is
  // exposed or abused (a public API, the public status page, the fraud team, a fraud score); "public repo",
  // "made public", "publicly" and "fraudulent" still are.
  exposure: cues(
    1,
    'leaked, leak, exposed, publicly, public repo, public repository, public bucket, public link, made public, is public, are public, pastebin, paste, gist, committed, pushed, posted, open to the internet, anyone can, anyone with, without authentication, unauthenticated, without logging in, no auth, without login, still active, is active, still valid, not rotated, not been rotated, in progress, ongoing, right now, still going, still happening, exfiltration, ransom, compromised, breach, takeover, impersonate, backdoor, mining, remote access, gave my password, entered my password, put my password, typed my password, entered credentials, approved the push, sql injection, injection, idor, stored xss, ' +
      // Evidence that something is exposed or abused now, in words any writer uses: a secret in the open, other
      // people's data, a fake login page, ransom, an account or payment someone else is using.
      'hardcoded, hard coded, plain text, plaintext, in clear, in the clear, secret key, live key, api key, private key, connection string, password was, ransom, bitcoin, encrypted, fake login, other customers, other users, someone else, another user, another customer, can be downloaded, readable, listable, accessible without, fraudulent, unauthorised, unauthorized, not me, new device, logged in from, signed in from, accessed from, admin rights, forwarding, in the url, card numbers, pasted',
  ),
  dataLoss: cues(
    1,
    'data loss, deleting, deleted, truncated, wiped, overwriting, overwritten, corrupted, corruption, charged twice, double charged, duplicate charges, paid twice, paid out twice, refunded twice, duplicate payments, double payments, rows gone, records gone, blank values, mixed up',
  ),
  /**
   * Limits of an outage: it is partial, slow, has a workaround, or is not production. "A few" only with what it
   * counts: "two captures a few seconds apart" limits nothing.
   */
  outageLimits: cues(
    1,
    'some users, some customers, a few users, a few customers, a few people, a few of, a few stores, a few sites, a handful, for some, intermittent, intermittently, occasionally, sometimes, slow, slower, slowness, delayed, late, workaround, still works, can still, still work, partially, partly, one customer, staging, test environment, ' +
      // The writer says nobody is hurt (yet): an alarm, a warning, a risk, not an outage for many.
      'no user impact, no customer impact, no impact, no visible impact, no business impact, no customer facing impact, no user facing impact, no production impact, zero impact, without impact, not customer facing, not user facing, no users affected, no customers affected, nobody affected, no one affected, nobody is affected, no one is affected',
  ),
  /** Limits of an exposure: not reachable from outside, not exploited, nobody fell for it. */
  exposureLimits: cues(
    1,
    'internal only, only reachable, vpn, internal network, not internet facing, not reachable from the internet, no evidence, not exploited, no sign of, no sign it, no sign that, no signs of, no signs that, requires an account, needs an account, dev dependency, build scripts, not exploitable, did not click, not click, nobody clicked, no one clicked, did not enter, not entered, entered nothing, nothing was entered, did not open, did not reply, not known, no money, test cluster, test environment',
  ),
} as const;

export interface P1Rule {
  /**
   * Which rubric line fired. 'outage not limited' is an incident's outage without words of breadth: the rubric
   * reads an incident as down for many unless the text limits it, and the rationale must not claim "many users"
   * that the text never said.
   */
  rule: 'outage for many' | 'outage not limited' | 'active security exposure' | 'data loss now';
  hits: readonly CueHit[];
}

/**
 * How likely the ticket is an incident or a security report, for the P1 rules: a runner-up at this
 * probability or more still lets its rule fire (an exposure written as a question or a chore, an outage
 * read as a bug), chosen by leave-one-writer-out evaluation (docs/triage.md).
 */
export const P1_RUNNER_UP_PROBABILITY = 0.25;
/**
 * An incident or security report whose blended P1 probability reaches this is P1 even when P1 is not the
 * most likely level, unless the text limits the impact (see `p1Limited`): a missed P1 costs far more than a
 * false one (leave-one-writer-out, docs/triage.md).
 */
export const P1_PROBABILITY_FLOOR = 0.1;
/**
 * The first stage of the exposure rule: is the ticket severe at all? The model often splits a security
 * report between INCIDENT, SECURITY and a neighbour ("unknown process mining crypto on worker nodes": BUG,
 * with INCIDENT 0.12 and SECURITY 0.03), so neither severe category reaches `P1_RUNNER_UP_PROBABILITY`
 * alone. When their sum reaches this, the active-exposure rule reads the ticket. The outage rules do not:
 * a crash report that might be an incident is still not an outage for many by itself. Chosen
 * leave-one-writer-out (docs/triage.md).
 */
export const P1_SEVERE_PROBABILITY = 0.15;
/**
 * "An incident with an outage or a breadth cue, not both" is the weakest P1 rule: one word such as "failing"
 * also starts many P2 incidents. It fires only when the blended priority distribution gives P1 at least this
 * (with a learned priority head; rules alone keep the plain rule). Chosen with `P1_SEVERE_PROBABILITY`.
 */
export const P1_SINGLE_CUE_PROBABILITY = 0.15;

/**
 * An incident or security report whose text limits the impact ("some users", "can still", "VPN") is still
 * P1 when its blended P1 probability reaches this: a limiting word makes P1 less likely, it does not rule
 * it out when the priority model all but says P1 ("site unreachable for anyone … card payments still
 * work"). Chosen leave-one-writer-out with a fifth writer (docs/triage.md, "The fresh-writer P1 round").
 */
export const P1_LIMITED_PROBABILITY = 0.35;

/** How many affected people (or their orders, payments…) a stated count needs to be breadth: "many". */
export const MANY_AFFECTED_COUNT = 100;
/** The share of users (or their orders, payments…) a stated percentage needs to be breadth, in percent. */
export const MANY_AFFECTED_SHARE = 10;

/** What a count of affected can count: people, and the things people do that an outage stops. */
const AFFECTED =
  'users|customers|clients|people|employees|staff|colleagues|agents|students|patients|members|subscribers|players|visitors|shoppers|buyers|sellers|merchants|drivers|riders|passengers|guests|tenants|accounts|cardholders|policyholders|orders|payments|transactions|bookings|calls|refunds|invoices|bills|shipments|parcels|deliveries|claims|appointments|flights';
/** Up to two words between a number and what it counts ("3,000 students", "18,400 crash-free users"),
 * but not a preposition: "500 for all users" counts nothing, "timeout after 300 seconds" neither. */
const BETWEEN = '(?:(?!(?:for|of|per|in|on|at|by|to|from|with|and|or|than|out)\\b)[a-z][a-z-]*\\s+){0,2}?';
/** A number not preceded by a comparison ("> 500 transactions" is a condition, not a count). */
const COUNT = new RegExp(
  `(?<![\\w.,#$€£/-])(?<![<>=≥≤]\\s?)(\\d{1,3}(?:[,.]\\d{3})+|\\d+(?:\\.\\d+)?)(\\s?k)?\\+?\\s+${BETWEEN}(?:${AFFECTED})\\b`,
  'g',
);
const SHARE = new RegExp(
  `(\\d{1,3}(?:\\.\\d+)?)\\s?%\\s+of\\s+(?:(?:all|our|the|its|their)\\s+)?(?:[a-z][a-z-]*\\s+)?(?:${AFFECTED})\\b`,
  'g',
);
/** Fenced code and the text beyond the cue scanner's reach say nothing about breadth. */
const FENCED = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
const BREADTH_SCAN_CHARS = 8000;

/** The title and the opening of the body, as the cue scanner reads them (the raw-text readers below use it). */
function rawHead(title: string, body: string): string {
  return `${title}\n${body.length > BREADTH_SCAN_CHARS ? body.slice(0, BREADTH_SCAN_CHARS) : body}`;
}

/** What "every" or "all" can quantify as breadth besides the counted affected: the places and sessions they use. */
const QUANTIFIED = `${AFFECTED}|checkouts|logins|sign-ins|requests|sessions|stores|shops|branches|sites|regions|offices|tills|terminals|devices`;
/** The singular of a plural noun above, for "every": deliveries → delivery, branches → branch, users → user. */
function singular(plural: string): string {
  if (!plural.endsWith('s')) return plural;
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (/(?:ches|shes|sses|xes)$/.test(plural)) return plural.slice(0, -2);
  return plural.slice(0, -1);
}
/**
 * Breadth said with a quantifier over what an outage stops: "every merchant", "all checkouts", "all of our
 * stores", "every single customer". Not denied ("not all users", "not every store"). The fixed breadth words
 * list a few such pairs; this reads any of them. Not "all my orders" (one person's) or "all of these
 * patients" (a few named before).
 */
const QUANTIFIED_BREADTH = new RegExp(
  `(?<!\\bnot\\s)\\b(?:every\\s+(?:single\\s+)?(?:${QUANTIFIED.split('|').map(singular).join('|')})|all\\s+(?:of\\s+)?(?:(?:our|the|its|their|your)\\s+)?(?:(?!(?:these|those|my|his|her)\\b)[a-z][a-z-]*\\s+)?(?:${QUANTIFIED}))\\b`,
);

/**
 * Breadth said in the text's own words: a quantifier over the affected or what they do ("every merchant",
 * "all checkouts"), a count of them ("3,000 students", "130 orders", "18,400 users", "2.5k customers") of at
 * least `MANY_AFFECTED_COUNT`, or a share of them ("31% of users") of at least `MANY_AFFECTED_SHARE` %.
 * Returns the words that said it as a cue hit, for the rationale. Numbers become one placeholder word in the
 * cue scanner's text and the word sets lose the order, so this reads the raw text.
 */
export function statedBreadth(title: string, body = ''): CueHit | undefined {
  const phrase = statedBreadthPhrase(title, body);
  if (phrase === undefined) return undefined;
  return { phrase, weight: 1, inTitle: title.toLowerCase().replace(/\s+/g, ' ').includes(phrase) };
}

function statedBreadthPhrase(title: string, body: string): string | undefined {
  let text = rawHead(title, body);
  if (text.includes('```') || text.includes('~~~')) text = text.replace(FENCED, ' ');
  text = text.toLowerCase();
  // A number says more than a quantifier ("900 merchants" rather than "every delivery").
  const found = countedBreadth(text) ?? QUANTIFIED_BREADTH.exec(text)?.[0];
  return found?.trim().replace(/\s+/g, ' ');
}

/** A count or share of the affected, large enough to be breadth, in lower-cased text without code. */
function countedBreadth(text: string): string | undefined {
  if (!/\d/.test(text)) return undefined;
  for (const m of text.matchAll(COUNT)) {
    const digits = m[1] ?? '';
    // "3,000" and "18.400" are thousands; "2.5" is a decimal.
    const n = Number(/^\d{1,3}(?:[,.]\d{3})+$/.test(digits) ? digits.replace(/[,.]/g, '') : digits);
    if (n * (m[2] === undefined ? 1 : 1000) >= MANY_AFFECTED_COUNT) return m[0];
  }
  for (const m of text.matchAll(SHARE)) if (Number(m[1]) >= MANY_AFFECTED_SHARE) return m[0];
  return undefined;
}

/**
 * Outage limits in groups of one meaning: a text that escalates past one word of a group ("not just slow any
 * more") has escalated past its neighbours too ("slowness" in the quoted first report).
 */
const LIMIT_FAMILIES: readonly (readonly string[])[] = [
  ['slow', 'slower', 'slowness'],
  ['delayed', 'late'],
  ['intermittent', 'intermittently', 'occasionally', 'sometimes'],
  ['partially', 'partly'],
];
const ESCALATED_WORDS = LIMIT_FAMILIES.flat().join('|');
/**
 * The text says the impact has gone past a limit it names: "not just slow any more", "no longer
 * intermittent", "gone from slow to unusable". The limit word is then the history of the incident, not its
 * extent now.
 */
const ESCALATION = new RegExp(
  `\\b(?:(?:not just|not only|not merely|not simply|no longer(?: just| only)?)\\s+(?:(?:very|really|a bit)\\s+)?(${ESCALATED_WORDS})|from\\s+(?:(?:very|really|a bit)\\s+)?(${ESCALATED_WORDS})\\s+(?:to|into))\\b`,
  'g',
);

/**
 * The outage limits the text escalates past (every word of their families), read from the raw text: the cue
 * scanner's word sets cannot tell "slow" from "not just slow any more".
 */
export function escalatedLimits(title: string, body = ''): ReadonlySet<string> {
  const text = rawHead(title, body).toLowerCase();
  const found = new Set<string>();
  for (const m of text.matchAll(ESCALATION)) {
    const word = m[1] ?? m[2] ?? '';
    for (const family of LIMIT_FAMILIES) if (family.includes(word)) for (const w of family) found.add(w);
  }
  return found;
}

/** Who the writer compares themselves with: the others as the subject of what follows. */
const OTHERS =
  "(?:every(?:one|body) else|(?:all )?the others|(?:my |other |the )?colleagues|(?:the )?rest of (?:the|my|our) (?:team|office|floor))(?:'s(?:\\s+[a-z]+)?)?";
/** Where the others are, when the text says it: "on the team", "next to me", "on vpn today". */
const OTHERS_PLACE =
  "(?:\\s+(?:on|in|at|next to|around|near|beside|from|with)\\s+[\\w']+(?:\\s+[\\w']+){0,2}?)?";
/** What says the others are fine: a state after a verb ("are fine", "is working"), or doing what the writer cannot. */
const OTHERS_FINE =
  "(?:(?:is|are|seem|seems|'re)\\s+(?:all\\s+)?(?:(?:to be|still)\\s+)?(?:[a-z]+ing\\s+)?(?:fine|ok|okay|working(?!\\s+(?:from|remotely|on))|unaffected|not affected)|(?:have|has) no (?:problems?|issues?)|can (?:log|sign|use|connect|access|get|open|print|see|vpn)\\b|can [a-z]+ (?:it |them )?fine|[a-z]+ (?:through |in |out |up )?(?:fine|ok|okay|normally)\\b)";
/**
 * The writer says the trouble is theirs alone: "everyone else's is fine", "my colleagues on the floor can log
 * in", "works for everyone else", "only me", "just my laptop", "login broken for me". Not when asked ("is it
 * just me?") or denied ("not just me", "it isn't only me"), and the others must be the subject ("I can email
 * colleagues inside the building fine" says nothing of them). Read from the raw text: the cue scanner's word
 * sets lose the order ("everyone" is breadth, "everyone else … is fine" the opposite).
 */
const SOLE_SCOPE = new RegExp(
  [
    `\\b${OTHERS}${OTHERS_PLACE}\\s+${OTHERS_FINE}`,
    '\\bworks? (?:fine |ok )?for (?:every(?:one|body) else|others|my colleagues|the rest)\\b',
    // "down for me", "broken for me": a statement about the writer, unless it goes on to others or asks.
    '\\b(?:down|broken|not working|failing|not loading) for me\\b(?!\\s*(?:\\?|and\\b|too\\b|as well|or\\b|,?\\s*(?:and|plus|anyone|anybody|everyone|others)\\b))',
    "(?<!\\bnot |\\bis it |n't |\\bor )\\b(?:just|only) (?:for |on )?(?:me|my (?:laptop|machine|pc|computer|phone|account|mailbox|login|device))\\b(?!\\s*(?:\\?|or\\b))",
  ].join('|'),
);

/** The words by which the writer says the trouble is theirs alone (`SOLE_SCOPE`), or undefined. */
export function soleScope(title: string, body = ''): string | undefined {
  const m = SOLE_SCOPE.exec(rawHead(title, body).toLowerCase());
  return m === null ? undefined : m[0].replace(/\s+/g, ' ');
}

/** What the P1 rules may also read besides the cue words. */
export interface P1Context {
  /** The outage limits the text escalates past (`escalatedLimits`); they do not veto. Asked only when a limit is there. */
  escalated?: (() => ReadonlySet<string>) | undefined;
  /** The words saying the trouble is the writer's alone (`soleScope`): an outage limit. Asked only for outages. */
  sole?: (() => string | undefined) | undefined;
  /** The breadth the text states in its own words (`statedBreadth`), asked only when no breadth word is there. */
  stated?: (() => CueHit | undefined) | undefined;
  /**
   * Whether the ticket could have been answered INCIDENT or SECURITY (default: yes). A team that answers
   * only bug/feature/question gets its outages as bugs, which the severity bar must not hold back.
   */
  severeAnswerable?: boolean | undefined;
}

/**
 * The P1 rule the ticket meets, if any (see P1_CUES); `serverErrors` is the HTTP 5xx flag of the text;
 * `probability` gives the category model's probability of a category (absent: only the chosen one counts,
 * and a bug is not asked whether it is severe).
 */
export function p1Rule(
  category: string,
  matches: CueMatches,
  serverErrors: boolean,
  probability?: (category: string) => number,
  p1Probability?: number,
  context: P1Context = {},
): P1Rule | undefined {
  const p = probability ?? (() => 0);
  const likely = (c: string) => category === c || p(c) >= P1_RUNNER_UP_PROBABILITY;
  const incident = likely('INCIDENT');
  const severe = p('INCIDENT') + p('SECURITY') >= P1_SEVERE_PROBABILITY;
  // The two-stage reading for bugs too: is the ticket severe at all? Every writer's P1s are incidents and
  // security reports; a bug the model sees as neither is not an outage or data loss for many because it
  // says "crash" or "deleted" (a stack trace's "0 inserted, 0 deleted").
  const asked = probability !== undefined && context.severeAnswerable !== false;
  const failure = incident || (category === 'BUG' && (severe || !asked));
  if (failure && !outageLimited(matches, context)) {
    const breadth = breadthOf(matches, context.stated);
    const outage = evidence(matches, P1_CUES.outage);
    if (breadth.score > 0 && (outage.score > 0 || serverErrors))
      return { rule: 'outage for many', hits: [...breadth.hits, ...outage.hits] };
    const loss = evidence(matches, P1_CUES.dataLoss);
    if (loss.score > 0) return { rule: 'data loss now', hits: loss.hits };
    // An incident is production down or degraded now: unless something limits it, it is down for many,
    // when the priority model does not find P1 far-fetched (one cue word also starts many P2 incidents).
    const plausible = p1Probability === undefined || p1Probability >= P1_SINGLE_CUE_PROBABILITY;
    if (incident && plausible && (breadth.score > 0 || outage.score > 0 || serverErrors))
      return {
        rule: breadth.score > 0 ? 'outage for many' : 'outage not limited',
        hits: [...breadth.hits, ...outage.hits],
      };
  }
  // An attack under way can arrive as an incident, or as a bug or chore the model is unsure about ("unknown
  // process mining crypto on the nodes"): the exposure rule reads any ticket that is likely severe.
  if ((likely('SECURITY') || incident || severe) && !exposureLimited(matches)) {
    const exposure = evidence(matches, P1_CUES.exposure);
    if (exposure.score > 0) return { rule: 'active security exposure', hits: exposure.hits };
  }
  return undefined;
}

/**
 * Breadth words, or else breadth stated in the text's own words (a quantifier, a count or a share of the
 * affected), as a hit citing them.
 */
function breadthOf(matches: CueMatches, stated: P1Context['stated']): Evidence {
  const words = withoutNegatedBreadth(matches, evidence(matches, P1_CUES.breadth));
  if (words.score > 0 || stated === undefined) return words;
  const hit = stated();
  return hit === undefined ? NO_EVIDENCE : { score: 1, hits: [hit] };
}

/**
 * The text limits the impact the way the category's P1 rule reads it: an outage's limits ("some users", a
 * workaround, staging) for an incident, an exposure's ("internal only", not exploited, nobody clicked) for
 * a security report. What vetoes the rule also vetoes the weaker reason, the P1 floor: without this veto
 * the floor's P1s were right about one time in six, most wrong ones limited in words (docs/triage.md).
 */
export function p1Limited(category: string, matches: CueMatches, context: P1Context = {}): boolean {
  if (category === 'SECURITY') return exposureLimited(matches);
  return outageLimited(matches, context);
}

/**
 * Words that turn a limit word into its opposite: "no workaround", "from home (not on VPN)", "quite a few
 * users", "more than one customer". A limit they negate does not limit.
 */
const NEGATED_LIMITS: ReadonlyMap<string, readonly Cue[]> = new Map([
  [
    'workaround',
    cues(
      1,
      'no workaround, no workarounds, no known workaround, without a workaround, without workaround, not even a workaround, workaround does not work, workaround did not work, workaround failed, workaround no longer works',
    ),
  ],
  [
    'vpn',
    cues(
      1,
      'not on vpn, not on the vpn, without vpn, without the vpn, off vpn, off the vpn, outside vpn, outside the vpn, not connected to vpn, not connected to the vpn, not via vpn, not over vpn, not using vpn, not using the vpn',
    ),
  ],
  ...['a few users', 'a few customers', 'a few people', 'a few of', 'a few stores', 'a few sites'].map(
    (limit) => [limit, cues(1, `quite a few ${limit.slice(6)}`)] as const,
  ),
  ['one customer', cues(1, 'more than one customer, not just one customer, not only one customer')],
]);

/**
 * Breadth words said negated: "not all users are affected", "not everyone", "not the whole company". They
 * are no breadth, and they limit an outage as "some users" does.
 */
const NOT_BREADTH: readonly Cue[] = cues(
  1,
  P1_CUES.breadth
    .map((cue) => cue.phrase)
    .filter((phrase) => /^(?:all\b|every|entire\b|whole\b|company\b|site\b|for\b|widespread\b)/.test(phrase))
    .flatMap((phrase) => [
      `not ${phrase}`,
      ...(/^(?:entire|whole)\b/.test(phrase) ? [`not the ${phrase}`] : []),
    ])
    .join(', '),
);

/** The limit words of a table in the text, without those the text negates (`NEGATED_LIMITS`). */
function standingLimits(matches: CueMatches, table: readonly Cue[]): readonly CueHit[] {
  return evidence(matches, table).hits.filter((hit) => {
    const negations = NEGATED_LIMITS.get(hit.phrase);
    return negations === undefined || evidence(matches, negations).score === 0;
  });
}

/** Breadth evidence without the words the text says negated ("not all users"). */
function withoutNegatedBreadth(matches: CueMatches, breadth: Evidence): Evidence {
  if (breadth.score === 0) return breadth;
  const negated = new Set(
    evidence(matches, NOT_BREADTH).hits.map((h) => h.phrase.slice(4).replace(/^the /, '')),
  );
  if (negated.size === 0) return breadth;
  const hits = breadth.hits.filter((h) => !negated.has(h.phrase));
  return hits.length === 0 ? NO_EVIDENCE : { score: hits.reduce((sum, h) => sum + h.weight, 0), hits };
}

/** An exposure limit stands in the text ("internal only", "no sign of misuse", on the VPN). */
function exposureLimited(matches: CueMatches): boolean {
  return standingLimits(matches, P1_CUES.exposureLimits).length > 0;
}

/**
 * An outage limit is in the text and the text does not escalate past it (every limit word must be passed), or
 * the writer says the trouble is theirs alone.
 */
function outageLimited(matches: CueMatches, context: P1Context): boolean {
  if (evidence(matches, NOT_BREADTH).score > 0) return true;
  const limits = standingLimits(matches, P1_CUES.outageLimits);
  if (limits.length > 0) {
    if (context.escalated === undefined) return true;
    const passed = context.escalated();
    if (passed.size === 0 || limits.some((h) => !passed.has(h.phrase))) return true;
  }
  return context.sole?.() !== undefined;
}

/** Area labels: a label is given when its cue evidence reaches `AREA_THRESHOLD`. */
export const AREA_CUES: Record<string, Cue[]> = {
  database: cues(
    1,
    'database, databases, db, sql, mysql, postgres, postgresql, sqlite, mongodb, mongo, redis, query, queries, schema, transaction, transactions, orm, deadlock, dynamodb, leveldb, rocksdb, connection pool, table, tables',
  ),
  auth: cues(
    1,
    'auth, authentication, authenticate, authorization, authorize, login, logout, log in, sign in, signin, sign up, signup, password, passwords, oauth, sso, saml, jwt, access token, refresh token, credential, credentials, permission, permissions, 2fa, mfa, rbac, api key',
  ),
  network: cues(
    1,
    'network, networking, dns, tcp, udp, http, https, proxy, socket, sockets, connection, connections, connect, timeout, timed out, firewall, vpn, ssl, tls, peer, peers, p2p, tor, ipv6, ipv4, port, ports, websocket, bandwidth, download, upload',
  ),
  ui: cues(
    1,
    'ui, ux, button, buttons, layout, css, theme, dark mode, light mode, font, fonts, icon, icons, menu, dialog, modal, tooltip, sidebar, toolbar, status bar, screen, display, color, colour, colors, scroll, scrolling, click, hover, gui, widget, accessibility, screen reader, keyboard shortcut',
  ),
  performance: cues(
    1,
    'performance, slow, slower, slowly, slowness, latency, lag, laggy, speed, speedup, memory, memory leak, leak, cpu, oom, out of memory, freeze, freezes, hang, hangs, throughput, benchmark, optimize, optimise, optimization, perf, takes forever',
  ),
  security: cues(
    1,
    'security, vulnerability, vulnerable, cve, xss, csrf, injection, exploit, malicious, attack, attacker, encryption, encrypt, decrypt, sanitize, privilege escalation, phishing, secret, secrets',
  ),
  docs: cues(
    1,
    'documentation, docs, doc, readme, typo, typos, tutorial, guide, docstring, wiki, man page, examples',
  ),
  build: [
    ...cues(
      1,
      'build, builds, compile, compiler, compiling, compilation, cmake, bazel, makefile, linker, link error, gcc, clang, msvc, toolchain, configure, build system',
    ),
    // Half weight: in a company's tickets "building" is mostly a place ("badge doesn't open the building",
    // "wifi in building C"); "building from source with clang" still gets the label from its other words.
    ...cues(0.5, 'building'),
  ],
  install: cues(
    1,
    'install, installation, installer, installing, pip, conda, npm, brew, apt, package, packages, wheel',
  ),
  testing: cues(1, 'test, tests, testing, unit test, flaky, ci, coverage, fuzz, fuzzing, fuzzer'),
  deployment: cues(1, 'deploy, deployment, docker, kubernetes, k8s, helm, terraform, container, containers'),
  api: cues(1, 'api, apis, endpoint, endpoints, rest api, graphql, rpc, sdk'),
  config: cues(1, 'config, configuration, settings, setting, environment variable, env var'),
};
export const AREA_THRESHOLD = 2;
export const MAX_AREA_LABELS = 4;

/** Body words beyond this are not searched for cues: the opening of a report says what it is about. */
const BODY_CUE_WORDS = 2000;

/** Which cue phrases occur in a ticket's title and body (normalised word sequences). */
export interface CueMatches {
  title: ReadonlySet<string>;
  body: ReadonlySet<string>;
}

let phraseIndex: Map<string, { words: string[]; phrase: string }[]> | undefined;

/** All cue phrases of all tables, indexed by first word, so a ticket is scanned once for every table. */
function index(): Map<string, { words: string[]; phrase: string }[]> {
  if (phraseIndex !== undefined) return phraseIndex;
  const built = new Map<string, { words: string[]; phrase: string }[]>();
  const seen = new Set<string>();
  const tables = [
    INCIDENT_CUES,
    TASK_CUES,
    SECURITY_CUES,
    ...Object.values(P1_CUES),
    PRIORITY_UP_STRONG,
    PRIORITY_UP,
    PRIORITY_DOWN,
    ...Object.values(AREA_CUES),
    ...NEGATED_LIMITS.values(),
    NOT_BREADTH,
  ];
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
const NO_EVIDENCE: Evidence = Object.freeze({ score: 0, hits: Object.freeze([]) });

/** Each table's phrases as a set, built on first use (the tables are this module's constants). */
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
  hits.sort((a, b) => b.weight - a.weight);
  return { score, hits };
}

/** Maps summed cue weight to (0, cap): one strong cue gives about one half. */
export function saturate(score: number, scale: number, cap = 0.95): number {
  return cap * (1 - Math.exp(-score / scale));
}

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** Starting urgency per category before cue words move it; other (team-defined) categories start at P3. */
const BASE_URGENCY: Record<string, number> = {
  INCIDENT: 4,
  SECURITY: 2.5,
  BUG: 1.5,
  TASK: 1,
  FEATURE: 0.5,
  QUESTION: 0,
};
/** Urgency a stated deadline adds, by how many days after creation it falls (dates.ts). */
const DEADLINE_URGENCY: [days: number, urgency: number][] = [
  [1, 3],
  [3, 2.5],
  [8, 2.5],
  [31, 0.5],
];
const DEFAULT_URGENCY = 1;
/** Urgency at or above each bound gives P1, P2, P3; below the last one, P4. */
const BOUNDS = [5, 3, 0.5] as const;

export interface PriorityDecision {
  priority: Priority;
  confidence: number;
  alternatives: { priority: Priority; confidence: number }[];
  /** The cues that explain the level: those raising it above the category's usual level, or lowering it below. */
  hits: readonly CueHit[];
  /** `model+rules` when a learned priority head was blended with the rules. */
  source: 'model+rules' | 'rules';
  /** The P1 rule that set the priority, when one did. */
  p1?: P1Rule | undefined;
  /** P1 by the floor: the blended P1 probability that reached `P1_PROBABILITY_FLOOR` without being the top level. */
  p1Floor?: number | undefined;
  /** A problem the writer says is theirs alone (`soleScope`'s words): why it is not P1 or P2. */
  alone?: string | undefined;
}

export interface PriorityInput {
  /** The chosen category (canonical name). */
  category: string;
  matches: CueMatches;
  /** The deadline the text states, relative to the ticket's creation. */
  deadline?: Deadline | undefined;
  /** Probabilities over PRIORITIES from a learned priority head, when the model has one. */
  learned?: ArrayLike<number> | undefined;
  /** The text reports HTTP 5xx errors (text.ts flags). */
  serverErrors?: boolean | undefined;
  /** The category model's probability of each category, when there is one (for the P1 rules). */
  categoryProbability?: ((category: string) => number) | undefined;
  /** The breadth the text states as a number and whether INCIDENT or SECURITY could be answered. */
  p1Context?: P1Context | undefined;
}

/**
 * Share of the rule distribution when it is blended with a learned priority head: the rules keep the
 * documented impact and urgency cues in every decision, the learned head knows how a team actually draws
 * the lines (chosen by cross-validation on the internal training tickets, docs/triage.md).
 */
export const PRIORITY_RULE_WEIGHT = 0.3;

/**
 * Urgency from the category, impact cues and a stated deadline. Tone is no cue: "urgent", "ASAP",
 * "critical" and capitals say how the writer feels, not what is at stake (the text is lower-cased anyway).
 */
function urgencyOf(input: PriorityInput): {
  urgency: number;
  raising: CueHit[];
  lowering: readonly CueHit[];
} {
  // "Not all users" does not raise the priority as "all users" does.
  const strong = withoutNegatedBreadth(input.matches, evidence(input.matches, PRIORITY_UP_STRONG));
  const up = evidence(input.matches, PRIORITY_UP);
  const down = evidence(input.matches, PRIORITY_DOWN);
  const days = input.deadline?.days;
  const deadline = days === undefined ? 0 : (DEADLINE_URGENCY.find(([limit]) => days <= limit)?.[1] ?? 0);
  // Capped so that a long angry bug report does not become P1 from "error" and "fails" alone.
  const urgency =
    (BASE_URGENCY[input.category] ?? DEFAULT_URGENCY) +
    strong.score +
    Math.min(up.score, 3) -
    Math.min(down.score, 3) +
    deadline;
  const raising = [...strong.hits, ...up.hits].sort((a, b) => b.weight - a.weight);
  return { urgency, raising, lowering: down.hits };
}

const levelOfUrgency = (urgency: number): number => {
  const level = BOUNDS.findIndex((b) => urgency >= b);
  return level < 0 ? 3 : level;
};

export function decidePriority(input: PriorityInput): PriorityDecision {
  const { urgency, raising, lowering } = urgencyOf(input);
  // A soft distribution over levels around the urgency: nearer bounds mean less certainty.
  const centres = [6, 4, 1.75, -0.5];
  const logits = centres.map((c) => -((urgency - c) ** 2) / 2);
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const z = exps.reduce((a, b) => a + b, 0);
  const ruled = exps.map((e) => e / z);
  const learned = input.learned;
  let probs = ruled;
  let level = levelOfUrgency(urgency);
  if (learned !== undefined) {
    probs = ruled.map((p, i) => PRIORITY_RULE_WEIGHT * p + (1 - PRIORITY_RULE_WEIGHT) * (learned[i] ?? 0));
    level = probs.reduce((best, p, i) => (p > (probs[best] ?? 0) ? i : best), 0);
  }
  const ranked = PRIORITIES.map((priority, i) => ({ priority, confidence: round(probs[i] ?? 0) })).sort(
    (a, b) => b.confidence - a.confidence,
  );
  // The rubric's P1 cases are not left to a threshold on the learned probability: they decide. Without one,
  // only an incident or a security report can be P1 (a crash report is not an outage for many by itself).
  const p1 = p1Rule(
    input.category,
    input.matches,
    input.serverErrors === true,
    input.categoryProbability,
    learned === undefined ? undefined : (probs[0] ?? 0),
    input.p1Context,
  );
  const severe = input.category === 'INCIDENT' || input.category === 'SECURITY';
  // A problem the writer says is theirs alone is no outage for many, whatever the learned head leans to, and
  // one person's blocked work is P3 (an exposure of their account is a SECURITY report, read by the rules above).
  // Read only where it can change the answer: an incident (the floor), or a level above P3.
  const asked =
    p1 === undefined && input.category !== 'SECURITY' && (input.category === 'INCIDENT' || level < 2);
  const soleWords = asked ? input.p1Context?.sole?.() : undefined;
  const alone = soleWords !== undefined;
  const floored =
    p1 === undefined &&
    !alone &&
    level !== 0 &&
    severe &&
    learned !== undefined &&
    (probs[0] ?? 0) >= P1_PROBABILITY_FLOOR &&
    ((probs[0] ?? 0) >= P1_LIMITED_PROBABILITY || !p1Limited(input.category, input.matches, input.p1Context));
  if (p1 !== undefined || floored) level = 0;
  else if (level === 0 && (alone || !severe))
    level = probs.slice(1).reduce((best, p, i) => (p > (probs[best] ?? 0) ? i + 1 : best), 1);
  // One person's blocked work is P3 by the rubric; only a deadline makes it more urgent.
  if (alone && level < 2 && input.deadline === undefined) level = 2;
  const chosen = PRIORITIES[level] ?? 'P3';
  // Rules alone, without any cue, give only the category default: say so with a lower confidence.
  const cues = raising.length + lowering.length;
  const cap = learned === undefined && cues === 0 && input.deadline === undefined ? 0.5 : 0.95;
  // A cue is a reason only when it points the way the level moved: "production" does not explain a P3.
  const usual = levelOfUrgency(BASE_URGENCY[input.category] ?? DEFAULT_URGENCY);
  const hits = level < usual ? raising : level > usual ? lowering : [];
  return {
    priority: chosen,
    confidence: round(Math.min(probs[level] ?? 0, cap)),
    alternatives: ranked.filter((r) => r.priority !== chosen).slice(0, 2),
    hits,
    source: learned === undefined ? 'rules' : 'model+rules',
    ...(p1 === undefined ? {} : { p1 }),
    ...(floored ? { p1Floor: round(probs[0] ?? 0) } : {}),
    ...(alone ? { alone: soleWords } : {}),
  };
}

export interface AreaLabel {
  label: string;
  confidence: number;
  hits: readonly CueHit[];
}

export function detectAreas(matches: CueMatches): AreaLabel[] {
  const found: AreaLabel[] = [];
  for (const [label, table] of Object.entries(AREA_CUES)) {
    const e = evidence(matches, table);
    if (e.score >= AREA_THRESHOLD)
      found.push({ label, confidence: round(saturate(e.score, 2.5)), hits: e.hits });
  }
  return found
    .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label))
    .slice(0, MAX_AREA_LABELS);
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
