/**
 * The rubric's P1 rules: a production outage for many, an active security exposure, data loss now; what
 * limits them (some users, a workaround, internal only, the writer's own words that the trouble is theirs
 * alone) and what negates a limit ("no workaround", "not on VPN"); breadth said in words, with a quantifier or
 * as a number. Cue tables for the word sets, raw-text readers where order matters.
 */
import {
  type Cue,
  type CueHit,
  type CueMatches,
  cues,
  type Evidence,
  evidence,
  NO_EVIDENCE,
} from './cues.ts';

/** Words that say many are affected: "all users", "everyone", "nobody", "entire", "any customer"… */
const BREADTH =
  'all users, all customers, all our customers, all visitors, every user, every customer, every visitor, everyone, everybody, nobody, no one, entire, whole company, whole office, company wide, for everyone, all regions, all stores, all employees, all agents, every order, every payment, every login, every checkout, every request, all requests, all traffic, for all, none of, all card, all payment, all payments, all orders, all logins, site wide, everywhere, widespread, anyone, any user, any customer, any tenant, other customers, another customer, other tenants, another tenant';
/**
 * Breadth words said negated: "not all users are affected", "not everyone", "not the whole company". They are
 * exceptions to the breadth words inside them (`withExceptions`), and they limit an outage as "some users" does.
 */
export const NOT_BREADTH_PHRASES = BREADTH.split(', ')
  .filter((phrase) => /^(?:all\b|every|entire\b|whole\b|company\b|site\b|for\b|widespread\b)/.test(phrase))
  .flatMap((phrase) => [
    `not ${phrase}`,
    ...(/^(?:entire|whole)\b/.test(phrase) ? [`not the ${phrase}`] : []),
  ])
  .join(', ');

/**
 * The P1 rules of the rubric, as cue tables: a production outage for many (an outage cue with a breadth cue,
 * or an incident with either), an active security exposure (an exposure cue on a security ticket), data loss
 * now. A cue that limits the impact (some users, a workaround, internal only, nobody clicked) vetoes the rule.
 */
/**
 * Credentials given away, by the writer or by someone they report on ("two of them entered their passwords",
 * "the user gave his login to the caller", "she put in her login details and the MFA code"): every way of
 * giving, whose, and what, so no one writer's pairing is the only one read.
 */
const GAVE_CREDENTIALS = (() => {
  const verbs = [
    'gave',
    'gave away',
    'handed over',
    'entered',
    'typed',
    'typed in',
    'put',
    'put in',
    'submitted',
    'provided',
    'read out',
  ];
  const whose = ['my', 'his', 'her', 'their', 'our'];
  const what = [
    'password',
    'passwords',
    'credentials',
    'login',
    'logins',
    'login details',
    'username and password',
    'user name and password',
    'mfa code',
    'mfa codes',
    '2fa code',
    'one time code',
    'otp',
    'verification code',
  ];
  return verbs.flatMap((v) => whose.flatMap((w) => what.map((c) => `${v} ${w} ${c}`))).join(', ');
})();

/**
 * The writer says those an outage would hurt are not hurt, as a clause: "production itself is fine",
 * "customers are not affected", "users are unaffected", "prod is ok". Only the affected and production as
 * subjects: "the site is fine on desktop" says a part works, not that nobody is hurt.
 */
const UNHURT = (() => {
  const plural = ['users', 'customers', 'end users', 'clients', 'our users', 'our customers'];
  const singular = ['production', 'prod', 'production itself', 'prod itself', 'live', 'customer traffic'];
  const states = [
    'fine',
    'ok',
    'okay',
    'unaffected',
    'not affected',
    'not impacted',
    'unimpacted',
    'still fine',
    'still ok',
    'working fine',
    'working normally',
    'running fine',
    'running normally',
  ];
  const said = (subjects: string[], verb: string) =>
    subjects.flatMap((who) => states.map((st) => `${who} ${verb} ${st}`));
  return [...said(plural, 'are'), ...said(singular, 'is')].join(', ');
})();

/** The writer says nobody is hurt (yet): an alarm, a warning, a risk, not an outage for many. */
const NOBODY_HURT = `no user impact, no customer impact, no impact, no visible impact, no business impact, no customer facing impact, no user facing impact, no production impact, zero impact, without impact, not customer facing, not user facing, no users affected, no customers affected, nobody affected, no one affected, nobody is affected, no one is affected, ${UNHURT}`;

/**
 * Environments that are not production: an outage there blocks the people who build and test, not those the
 * service is for (the rubric's P1 is production down). Not "dev" or "test" alone: "dev team", "tests failing"
 * name no environment.
 */
const NON_PRODUCTION =
  'staging, stage environment, stage env, dev environment, dev env, dev environments, dev cluster, dev server, dev servers, development environment, development server, development cluster, test environment, test environments, test env, testing environment, test server, test cluster, test system, test instance, qa environment, qa env, qa server, qa cluster, qa instance, qa system, uat, uat environment, pre prod, preprod, pre production, preproduction, sandbox, non production, non prod, nonprod';

/** What a writer trying to save a ticket from a P1 would not say: "no workaround", "is there a workaround". */
const NOT_A_WORKAROUND =
  'no workaround, no workarounds, no known workaround, without a workaround, without workaround, not even a workaround, workaround does not work, workaround did not work, workaround failed, workaround no longer works, is there a workaround, is there any workaround, any workaround, any workarounds, need a workaround, looking for a workaround';

/** What "a couple of" counts when it limits an outage as "a few" does (not "a couple of minutes"). */
const A_COUPLE_OF = [
  'users',
  'customers',
  'people',
  'staff',
  'agents',
  'players',
  'members',
  'stores',
  'sites',
  'branches',
  'offices',
  'them',
  'us',
];

export const P1_CUES = {
  breadth: [...cues(1, BREADTH), ...cues(-1, NOT_BREADTH_PHRASES)],
  outage: cues(
    1,
    'is down, are down, went down, down for, down since, site down, service down, server down, cluster down, api down, app down, system down, website down, outage, unreachable, not reachable, unavailable, not loading, blank page, unusable, cannot log in, can not log in, cannot login, unable to log in, cannot pay, can not pay, cannot order, can not order, stopped, failing, fails, fail, error, errors, crashing, crashes, crash, timing out, time out, declined, rejected, not working, does not work, nothing is, zero, no orders, white page, broken',
  ),
  // "public" and "fraud" alone are not here: they name things far more often than they say something is
  // exposed or abused (a public API, the public status page, the fraud team, a fraud score); "public repo",
  // "made public", "publicly" and "fraudulent" still are.
  exposure: cues(
    1,
    'leaked, leak, exposed, publicly, public repo, public repository, public bucket, public link, made public, is public, are public, pastebin, gist, open to the internet, anyone can, anyone with, without authentication, unauthenticated, without logging in, no auth, without login, still active, is active, still valid, not rotated, not been rotated, exfiltration, ransom, compromised, breach, takeover, impersonate, backdoor, mining, remote access, approved the push, ' +
      // Credentials given away, by the writer or by someone they report on ("two of them entered their
      // password"), and without saying whose.
      `${GAVE_CREDENTIALS}, ` +
      'entered credentials, entered passwords, submitted credentials, logged in on the fake, logged in to the fake, sql injection, injection, idor, stored xss, ' +
      // Evidence that something is exposed or abused now, in words any writer uses: a secret in the open, other
      // people's data, a fake login page, ransom, an account or payment someone else is using.
      'hardcoded, hard coded, plain text, plaintext, in clear, in the clear, secret key, live key, api key, private key, connection string, password was, ransom, bitcoin, files encrypted, files are encrypted, files have been encrypted, files were encrypted, files got encrypted, data encrypted, encrypted for impact, everything is encrypted, not encrypted, unencrypted, fake login, other customers, other users, someone else, another user, another customer, can be downloaded, readable, listable, accessible without, fraudulent, unauthorised, unauthorized, not me, new device, logged in from, signed in from, accessed from, admin rights, forwarding rule, forwarding rules, rule forwarding, auto forwarding, autoforwarding, mailbox forwarding, forwarding address, forwarding smtp, forwarding everything, forwarding all, forwarding to a gmail, forwarding to gmail, forwarding to an external, forwarding to external, forwarding to a personal, forwarding to his, forwarding to her, forwarding to their, in the url, card numbers',
  ),
  /**
   * That something is happening now: on a security report the exposure is active ("phishing campaign in
   * progress"); on an outage it says nothing of one ("batch in progress", "SMS still going out").
   */
  exposureOngoing: cues(1, 'in progress, ongoing, right now, still going, still happening'),
  /**
   * That something was published: an exposure on a security report, or of a secret the text names ("password
   * pasted in #web-dev"); otherwise news, not a leak ("control centre posted three disruptions").
   */
  published: cues(1, 'paste, pasted, committed, pushed, posted'),
  /** What is a secret when it is published. */
  secrets: cues(
    1,
    'password, passwords, secret, secrets, token, tokens, credential, credentials, key, keys, api key, access key, private key, ssh key',
  ),
  dataLoss: cues(
    1,
    'data loss, deleting, deleted, truncated, wiped, overwriting, overwritten, corrupted, corruption, charged twice, billed twice, posted twice, double charged, duplicate charges, paid twice, paid out twice, refunded twice, duplicate payments, double payments, rows gone, records gone, blank values, mixed up',
  ),
  /**
   * Limits of an outage: it is partial, slow, has a workaround, or is not production. "A few" only with what it
   * counts: "two captures a few seconds apart" limits nothing.
   */
  outageLimits: [
    ...cues(
      1,
      'some users, some customers, a few users, a few customers, a few people, a few of, a few stores, a few sites, a handful, ' +
        // "A couple of" says the same as "a few", with what it counts.
        `${A_COUPLE_OF.map((x) => `a couple of ${x}`).join(', ')}, ` +
        'for some, intermittent, intermittently, occasionally, sometimes, slow, slower, slowness, delayed, late, workaround, still works, can still, still work, partially, partly, one customer, ' +
        NOBODY_HURT,
    ),
    // Words that turn a limit into its opposite ("no workaround", "quite a few users", "more than one
    // customer"): exceptions that take back the limit inside them (`withExceptions`).
    ...cues(
      -1,
      `${NOT_A_WORKAROUND}, ` +
        `${A_COUPLE_OF.map((x) => `more than a couple of ${x}`).join(', ')}, ` +
        'quite a few users, quite a few customers, quite a few people, quite a few of, quite a few stores, quite a few sites, more than one customer, not just one customer, not only one customer',
    ),
  ],
  /**
   * The bounds an outage's text can state, which outweigh even a learned P1 (`statedBound`): a non-production
   * environment, nobody hurt (and a workaround in use, `workaroundInUse`). Each is also an outage limit.
   */
  nonProduction: cues(1, NON_PRODUCTION),
  /** Production or its users named: a non-production environment is then not the whole story. */
  production: [
    ...cues(
      1,
      'production, prod, live site, live environment, live system, customers, customer facing, end users',
    ),
    ...cues(-1, 'pre prod, non prod, pre production, non production'),
  ],
  nobodyHurt: cues(1, NOBODY_HURT),
  /** Limits of an exposure: not reachable from outside, not exploited, nobody fell for it. */
  exposureLimits: [
    ...cues(
      1,
      'internal only, only reachable, vpn, internal network, not internet facing, not reachable from the internet, no evidence, not exploited, no sign of, no sign it, no sign that, no signs of, no signs that, requires an account, needs an account, dev dependency, build scripts, not exploitable, did not click, not click, not clicked, never clicked, not replied, never replied, not responded, nobody clicked, no one clicked, did not enter, not entered, entered nothing, nothing was entered, did not open, did not reply, not known, no money, test cluster, test environment, ' +
        // The writer says nothing got out: "exposed" inside these is the opposite of an exposure.
        'not exposed, never exposed, nothing exposed, nothing was exposed, nothing is exposed, no data exposed, no data was exposed, no credentials exposed, no credentials were exposed, no secrets exposed, no passwords exposed, no customer data exposed, not leaked, nothing leaked, nothing was leaked, ' +
        // A lost or stolen device whose disk is encrypted: the data on it is not exposed ("not encrypted" is).
        'disk encrypted, disk is encrypted, drive is encrypted, laptop is encrypted, device is encrypted, phone is encrypted, it is encrypted, it was encrypted, bitlocker encrypted, encrypted with bitlocker, full disk encryption',
    ),
    // "From home (not on VPN)": the writer was off it, so "vpn" limits nothing (`withExceptions`).
    ...cues(
      -1,
      'not on vpn, not on the vpn, without vpn, without the vpn, off vpn, off the vpn, outside vpn, outside the vpn, not connected to vpn, not connected to the vpn, not via vpn, not over vpn, not using vpn, not using the vpn',
    ),
  ],
} as const;

/**
 * Outage words that name a symptom, not an outage: "login not working", "discount codes not working" is how
 * people describe their own problem. With breadth they still make an outage for many ("email not working for
 * the whole office"); alone they do not make an incident's outage unlimited.
 */
const SYMPTOM_WORDS: ReadonlySet<string> = new Set(['not working', 'does not work', 'broken']);

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
  return wordsFound(SOLE_SCOPE, title, body);
}

/** The words `pattern` finds first in the title and the opening of the body, lower-cased, spaces collapsed. */
function wordsFound(pattern: RegExp, title: string, body: string): string | undefined {
  const m = pattern.exec(rawHead(title, body).toLowerCase());
  return m === null ? undefined : m[0].replace(/\s+/g, ' ');
}

/** Places and units an outage can be confined to: "the other stores are fine" limits it to one. */
const OTHER_PLACES =
  '(?:stores?|sites?|branch(?:es)?|bases?|offices?|depots?|wards?|hospitals?|clinics?|schools?|campus(?:es)?|locations?|restaurants?|hotels?|shops?|warehouses?|plants?|regions?|countries|airports?|stations?|floors?|buildings?|teams?|departments?)';
/**
 * The writer says the other places are fine: "other sites seem fine", "other bases look ok", "the other
 * floors say theirs is fine". The outage is confined to the writer's site: an incident still (unlike
 * `soleScope`), but not an outage for many. Not when asked ("are the other stores ok?").
 */
/**
 * The redundant parts of a production service: one of them down while the others carry the load ("the other
 * two nodes are handling the traffic fine", "the remaining replicas are healthy") is lost capacity, not an
 * outage for many, the way one store down is.
 */
const REDUNDANT_UNITS =
  '(?:nodes?|instances?|replicas?|brokers?|(?:availability )?zones?|data ?cent(?:er|re)s?|links?|circuits?)';
/** "The other two nodes", "the remaining 3 servers": the count between the word and what it counts. */
const OTHER_COUNT = '(?:\\s+(?:two|three|four|five|six|\\d+))?';
const SITE_SCOPE = new RegExp(
  `\\b(?:all |the )?(?:other|remaining)${OTHER_COUNT} (?:${OTHER_PLACES}|${REDUNDANT_UNITS})(?:\\s+[\\w']+){0,3}?\\s+(?:${OTHERS_FINE}|(?:look|looks|seem|seems|are|is) (?:normal|healthy)\\b)(?!\\s*\\?)`,
);
/** Whether `siteScope`'s words name a redundant part of a service (a node, a replica), not a place. */
export function redundantPart(words: string): boolean {
  return new RegExp(`\\b(?:other|remaining)${OTHER_COUNT} ${REDUNDANT_UNITS}\\b`).test(words);
}

/** The words by which the writer confines the trouble to their own site (`SITE_SCOPE`), or undefined. */
export function siteScope(title: string, body = ''): string | undefined {
  return wordsFound(SITE_SCOPE, title, body);
}

/**
 * The writer says the outage is over: "resolved now", "it's back up", "came back at 07:15", "service was
 * restored", "everything is working again", "[RESOLVED]". The rubric's P1 is production down *now*; a
 * report of an outage that has ended (a follow-up, a request for the cause) is not one, however wide it was.
 * Not when asked ("is it back up?"), denied ("not back up", "never came back up", "has not been resolved"),
 * or when the text says it is down again or still down (the relapse, `OUTAGE_AGAIN`).
 */
const OUTAGE_OVER = new RegExp(
  [
    '\\[(?:resolved|recovered|restored)\\]',
    "(?<!(?:\\bnot|\\bnever|\\bnor|n't)\\s)\\b(?:is|are|was|were|has been|have been|it's|now|fully|got)\\s+(?:now\\s+|fully\\s+|all\\s+)?(?:resolved|restored|recovered)\\b(?!\\s*(?:\\?|:|to\\b|into\\b|from\\b|as\\b))",
    '\\b(?:resolved|restored|recovered)\\s+(?:now|at\\s+\\d|since\\s+\\d|after\\s+(?:about\\s+)?\\d)',
    '\\b(?:has|have) (?:since |now |fully )?recovered\\b',
    "(?<!(?:\\bnot|\\bnever|n't)\\s)\\b(?:is|are|it's|they're|everything's|came|has come|have come|been|now)\\s+(?:all\\s+)?back\\s+(?:up|online|to normal)\\b(?!\\s*\\?)",
    '\\bback (?:up|online|to normal) (?:now|since|at \\d)',
    "(?<!(?:\\bnot|\\bnever|n't)\\s)\\b(?:is|are|it's|they're|everything's|now)\\s+(?:all\\s+)?working\\s+(?:normally\\s+)?again\\b(?!\\s*\\?)",
  ].join('|'),
);
/** The outage is back or has not ended: "down again", "failing again", "still down", "not back up". */
const OUTAGE_AGAIN =
  /\b(?:down|failing|failed|broken|crashed|crashing|offline|unreachable|unavailable|stopped|erroring|dropped|dropping) again\b|\bagain (?:down|failing|offline)\b|\bstill (?:down|failing|offline|unreachable|unavailable|broken|erroring|not|no|can't|cannot|unable)\b|(?:\bnot|\bnever|n't) (?:yet |been |come )?(?:back|resolved|restored|recovered)\b|\bkeeps? (?:going down|failing|dropping|crashing)\b|\bflapping\b/;

/** The words by which the writer says the outage is over (`OUTAGE_OVER`), unless it is down again; or undefined. */
export function outageOver(title: string, body = ''): string | undefined {
  if (OUTAGE_AGAIN.test(rawHead(title, body).toLowerCase())) return undefined;
  return wordsFound(OUTAGE_OVER, title, body);
}

/**
 * A workaround in use, in the writer's words: "people are using ethernet instead", "taking calls on the
 * softphone in the meantime", "users can still connect via the US gateway", "can still log in with username
 * and password". Not "instead of" (what a bug does wrong) and not when asked ("can we use X instead?").
 */
const WORKAROUND_IN_USE = new RegExp(
  [
    // The word itself, unless denied or asked for ("no workaround", "Workaround: none", "is there a
    // workaround?", "the workaround (phone orders) does not work either").
    "(?<!\\b(?:no|without|without a|not even a|any|is there a|need a|looking for a|no known)\\s)\\bwork-?\\s?arounds?\\b(?!\\s*[:|=-]*\\s*(?:none|n/?a|no\\b|nothing|not yet|unknown|tbd))(?![^.;!?\\n]{0,40}?(?:\\b(?:does not|doesn't|did not|didn't|is not|isn't|no longer|won't|will not)\\s+(?:work|help)|\\bfail|\\?))",
    "\\b(?:using|use|uses|used|taking|switched to|switching to|moved to|falling back to|fall back to|fell back to|going through|routing through|relying on|working from|working off|printing (?:to|from|on))\\s+(?:[\\w'./-]+\\s+){0,6}?(?:instead|in the meantime|meanwhile|for now|for the time being|as a workaround)\\b(?!\\s+of\\b)(?!\\s*\\?)",
    "\\bcan still\\s+(?:[\\w'-]+\\s+){1,4}?(?:via|through|using|by|from (?:another|a different|the other)|with (?:a |an |the |their |our |his |her )?(?:username|user name|password|other|another|old|backup|manual|spare|personal|desktop|web))\\b(?![^.?!\\n]*\\?)",
  ].join('|'),
);

/** The words by which the writer says a workaround is in use (`WORKAROUND_IN_USE`), or undefined. */
export function workaroundInUse(title: string, body = ''): string | undefined {
  return wordsFound(WORKAROUND_IN_USE, title, body);
}

/**
 * What the text says bounds an outage, strongly enough to outweigh a learned P1 and the P1 floor (which
 * otherwise give way to a limiting word only below `P1_LIMITED_PROBABILITY`): the rubric's P1 is production
 * down for many with no way around it, and these say the opposite in so many words.
 */
export interface StatedBound {
  kind: 'non-production' | 'nobody hurt' | 'workaround';
  /** The words that said it, for the rationale. */
  words: string;
}

/**
 * A non-production environment down (unless the text also names production or its users: "staging and
 * production", "customers see it"), the writer saying nobody is hurt ("production is fine", "no customer
 * impact"), or a workaround in use ("workaround: …", "using ethernet instead").
 */
export function statedBound(matches: CueMatches, context: P1Context = {}): StatedBound | undefined {
  const environment = evidence(matches, P1_CUES.nonProduction).hits[0];
  if (environment !== undefined && evidence(matches, P1_CUES.production).score <= 0)
    return { kind: 'non-production', words: environment.phrase };
  const unhurt = evidence(matches, P1_CUES.nobodyHurt).hits[0];
  if (unhurt !== undefined) return { kind: 'nobody hurt', words: unhurt.phrase };
  const workaround = context.workaround?.();
  return workaround === undefined ? undefined : { kind: 'workaround', words: workaround };
}

/** Who, other than the writer, can have clicked: a count, people, a colleague named by a pronoun. */
const CLICKERS =
  '(?:(?:two|three|four|five|six|several|some|a few|a couple of|a handful of|many|multiple|\\d+)(?:\\s+(?:of\\s+)?[a-z]+)?|she|he|they|people|users|colleagues|staff|employees|others|someone|somebody|one of them|two of them|some of them|(?!(?:none|neither|nobody)\\b)[a-z]+ of (?:them|us|the [a-z]+))';
/**
 * The writer reports that others clicked a link or a lure: "two clicked", "a few people clicked it", "3 users
 * clicked on the link", "she maybe clicked". Whether they gave anything away is not known to the writer, so
 * the exposure is limited but real: the rubric's P2. (Entering credentials is the exposure rule's P1.) Not the
 * writer's own click ("I clicked, then closed it without typing anything": they know what they did), and not
 * denied ("nobody I know clicked it", "none of them clicked").
 */
const OTHERS_CLICKED = new RegExp(
  `(?<!\\b(?:nobody|no one|none|not one|noone)\\b[^.;!?\\n]{0,20})\\b${CLICKERS}\\s+(?:(?!(?:not|never|didn't|haven't|hasn't|hadn't|did|don't)\\b)[\\w"'’]+\\s+){0,3}?(?:"?(?:maybe|probably|may have|might have|has|have|had|already|also|actually)"?\\s+)*clicked\\b`,
);

/** The words by which the writer says others clicked (`OTHERS_CLICKED`), or undefined. */
export function othersClicked(title: string, body = ''): string | undefined {
  return wordsFound(OTHERS_CLICKED, title, body);
}

/** What the P1 rules may also read besides the cue words. */
export interface P1Context {
  /** The outage limits the text escalates past (`escalatedLimits`); they do not veto. Asked only when a limit is there. */
  escalated?: (() => ReadonlySet<string>) | undefined;
  /** The words saying the trouble is the writer's alone (`soleScope`): an outage limit. Asked only for outages. */
  sole?: (() => string | undefined) | undefined;
  /** The words confining the trouble to the writer's site (`siteScope`): an outage limit. Asked only for outages. */
  site?: (() => string | undefined) | undefined;
  /** The words saying the outage is over (`outageOver`): an outage limit. Asked only for outages. */
  over?: (() => string | undefined) | undefined;
  /** The words saying others clicked a link or a lure (`othersClicked`). Asked only for security reports. */
  clicked?: (() => string | undefined) | undefined;
  /** The words saying a workaround is in use (`workaroundInUse`): an outage limit. Asked only for outages. */
  workaround?: (() => string | undefined) | undefined;
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
    const outageSaid = outage.hits.some((hit) => !SYMPTOM_WORDS.has(hit.phrase));
    if (incident && plausible && (breadth.score > 0 || outageSaid || serverErrors))
      return {
        rule: breadth.score > 0 ? 'outage for many' : 'outage not limited',
        hits: [...breadth.hits, ...outage.hits],
      };
  }
  // An outage for many can arrive as a question ("Is there a problem with the payment gateway?" over "all card
  // payments declined across every store") or a chore: read only its strongest form, breadth and an outage
  // both, and only when the ticket is likely severe (the bugs' bar above). A security report is read by the
  // exposure rule below: "all merchants" and "stopped" on a fraud report are no outage.
  if (!failure && category !== 'SECURITY' && severe && asked && !outageLimited(matches, context)) {
    const breadth = breadthOf(matches, context.stated);
    const outage = evidence(matches, P1_CUES.outage);
    if (breadth.score > 0 && (outage.score > 0 || serverErrors))
      return { rule: 'outage for many', hits: [...breadth.hits, ...outage.hits] };
  }
  // An attack under way can arrive as an incident, or as a bug or chore the model is unsure about ("unknown
  // process mining crypto on the nodes"): the exposure rule reads any ticket that is likely severe.
  if ((likely('SECURITY') || incident || severe) && !exposureLimited(matches)) {
    const hits = exposureHits(matches, likely('SECURITY'));
    if (hits.length > 0) return { rule: 'active security exposure', hits };
  }
  return undefined;
}

/** The exposure cues a ticket meets, title first; ongoing-ness and publishing only where they say exposure. */
function exposureHits(matches: CueMatches, security: boolean): CueHit[] {
  const published = evidence(matches, P1_CUES.published);
  const hits = [
    ...evidence(matches, P1_CUES.exposure).hits,
    ...(security ? evidence(matches, P1_CUES.exposureOngoing).hits : []),
    ...(security || (published.score > 0 && evidence(matches, P1_CUES.secrets).score > 0)
      ? published.hits
      : []),
  ];
  return hits.sort((a, b) => Number(b.inTitle) - Number(a.inTitle));
}

/**
 * Breadth words, or else breadth stated in the text's own words (a quantifier, a count or a share of the
 * affected), as a hit citing them.
 */
function breadthOf(matches: CueMatches, stated: P1Context['stated']): Evidence {
  const words = evidence(matches, P1_CUES.breadth);
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

/** Negated breadth ("not all users") as an outage limit. */
const NOT_BREADTH: readonly Cue[] = cues(1, NOT_BREADTH_PHRASES);

/** An exposure limit stands in the text ("internal only", "no sign of misuse", on the VPN). */
function exposureLimited(matches: CueMatches): boolean {
  return evidence(matches, P1_CUES.exposureLimits).score > 0;
}

/**
 * An outage limit is in the text and the text does not escalate past it (every limit word must be passed), or
 * the writer says the trouble is theirs alone.
 */
function outageLimited(matches: CueMatches, context: P1Context): boolean {
  if (evidence(matches, NOT_BREADTH).score > 0) return true;
  const limits = evidence(matches, P1_CUES.outageLimits).hits;
  if (limits.length > 0) {
    if (context.escalated === undefined) return true;
    const passed = context.escalated();
    if (passed.size === 0 || limits.some((h) => !passed.has(h.phrase))) return true;
  }
  return (
    context.sole?.() !== undefined ||
    context.site?.() !== undefined ||
    context.over?.() !== undefined ||
    statedBound(matches, context) !== undefined
  );
}
