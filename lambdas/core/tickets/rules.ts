/**
 * The rule-based parts of triage: categories a model's training data has no examples of, the impact and
 * urgency rules of the priority (blended with a learned priority head when the model has one) and area
 * labels. Each rule is a cue phrase with a weight; evidence is summed (title hits count double) and squashed
 * into a confidence, and the phrases that fired are returned so the rationale can cite them.
 */
import { type Cue, type CueHit, type CueMatches, cues, evidence } from './cues.ts';
import type { Deadline } from './dates.ts';
import {
  NOT_BREADTH_PHRASES,
  P1_LIMITED_PROBABILITY,
  P1_PROBABILITY_FLOOR,
  type P1Context,
  type P1Rule,
  p1Limited,
  p1Rule,
  type StatedBound,
  statedBound,
} from './p1.ts';

/**
 * Categories added by rules to a model whose training data has no examples of them (a team that retrains on
 * bug/feature/question only still gets these); the default model learns all six.
 */
export const RULE_CATEGORIES: readonly string[] = ['INCIDENT', 'TASK', 'SECURITY'];

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

export const PRIORITY_UP_STRONG: Cue[] = [
  ...cues(
    3,
    'outage, data loss, data corruption, corrupted, security vulnerability, vulnerability, exploit, cve, sev1, sev 1, sev0, p0, blocker, production down, all users, cannot log in, can not log in, cannot login, unable to login, lost funds, loss of funds',
  ),
  // "Not all users" does not raise the priority as "all users" does.
  ...cues(-3, NOT_BREADTH_PHRASES),
];
/** A freeze on changes is a calendar, not a hang: an exception to "freeze" (`withExceptions`). */
const CHANGE_FREEZE = 'change freeze, code freeze, release freeze, deploy freeze, deployment freeze';
export const PRIORITY_UP: Cue[] = [
  ...cues(
    1.5,
    'crash, crashes, crashed, crashing, segfault, segmentation fault, regression, broken, hang, hangs, freezes, freeze, memory leak, fails, failing, failed, not working, does not work, unable to, cannot, exception, error, production, deadlock',
  ),
  ...cues(-1.5, CHANGE_FREEZE),
];
export const PRIORITY_DOWN: Cue[] = cues(
  1.5,
  'typo, typos, cosmetic, minor, nice to have, low priority, spelling, wording, grammar, alignment, misaligned, would be nice, suggestion, nitpick, small improvement, documentation, docs',
);

/** Area labels: a label is given when its cue evidence reaches `AREA_THRESHOLD`. */
export const AREA_CUES: Record<string, Cue[]> = {
  // Not "transaction(s)" (in tickets mostly payments, and in bitcoin's issues its ledger) nor, under network,
  // "upload"/"download" (a file feature far more often than a network fault).
  database: cues(
    1,
    'database, databases, db, sql, mysql, postgres, postgresql, sqlite, mongodb, mongo, redis, query, queries, schema, orm, deadlock, dynamodb, leveldb, rocksdb, connection pool, table, tables',
  ),
  auth: cues(
    1,
    'auth, authentication, authenticate, authorization, authorize, login, logout, log in, sign in, signin, sign up, signup, password, passwords, oauth, sso, saml, jwt, access token, refresh token, credential, credentials, permission, permissions, 2fa, mfa, rbac, api key',
  ),
  network: [
    ...cues(
      1,
      'network, networking, dns, tcp, udp, http, https, proxy, socket, sockets, connection, connections, connect, timeout, timed out, firewall, vpn, ssl, tls, peer, peers, p2p, tor, ipv6, ipv4, port, ports, websocket, bandwidth',
    ),
    // A sign-in or screen-lock timeout is a policy, not a network fault.
    ...cues(-1, 'session timeout, lock timeout, idle timeout, inactivity timeout'),
  ],
  ui: cues(
    1,
    'ui, ux, button, buttons, layout, css, theme, dark mode, light mode, font, fonts, icon, icons, menu, dialog, modal, tooltip, sidebar, toolbar, status bar, screen, display, color, colour, colors, scroll, scrolling, click, hover, gui, widget, accessibility, screen reader, keyboard shortcut',
  ),
  performance: [
    ...cues(
      1,
      'performance, slow, slower, slowly, slowness, latency, lag, laggy, speed, speedup, memory, memory leak, leak, cpu, oom, out of memory, freeze, freezes, hang, hangs, throughput, benchmark, optimize, optimise, optimization, perf, takes forever',
    ),
    ...cues(-1, CHANGE_FREEZE),
  ],
  security: cues(
    1,
    'security, vulnerability, vulnerable, cve, xss, csrf, injection, exploit, malicious, attack, attacker, encryption, encrypt, decrypt, sanitize, privilege escalation, phishing, secret, secrets, pen test, pentest, penetration test, pen testing, penetration testing',
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
  testing: [
    ...cues(1, 'test, tests, testing, unit test, flaky, ci, coverage, fuzz, fuzzing, fuzzer'),
    // Fraudsters "testing" stolen cards is an attack and a pen test a security review, not a test suite.
    ...cues(-1, 'card testing, testing stolen, pen test, penetration test, pen testing, penetration testing'),
  ],
  deployment: cues(1, 'deploy, deployment, docker, kubernetes, k8s, helm, terraform, container, containers'),
  api: cues(1, 'api, apis, endpoint, endpoints, rest api, graphql, rpc, sdk'),
  config: cues(1, 'config, configuration, settings, setting, environment variable, env var'),
};
export const AREA_THRESHOLD = 2;
export const MAX_AREA_LABELS = 4;

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
  /** An incident the writer confines to their site (`siteScope`'s words), when P1 was likely enough to matter. */
  confined?: string | undefined;
  /** An incident the writer says is over (`outageOver`'s words), when P1 was likely enough to matter. */
  over?: string | undefined;
  /**
   * An outage the text bounds (`statedBound`: a non-production environment, nobody hurt, a workaround in use),
   * when P1 was likely enough to matter.
   */
  bound?: StatedBound | undefined;
  /** A security report saying others clicked (`othersClicked`'s words): limited exposure, raised to P2. */
  clicked?: string | undefined;
  /** The learned head put P1 first, but neither a P1 rule nor the category (not INCIDENT or SECURITY) allows it. */
  notSevere?: true | undefined;
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
  const strong = evidence(input.matches, PRIORITY_UP_STRONG);
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

/** The level a category takes without any cue ("P3, the usual for a BUG"; a QUESTION's is P4). */
export function usualPriority(category: string): Priority {
  return PRIORITIES[levelOfUrgency(BASE_URGENCY[category] ?? DEFAULT_URGENCY)] ?? 'P3';
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
  // An outage the writer says is over ("back up now", "resolved at 07:15") is not down now, however likely the
  // learned head (which does not read tense) finds P1: it vetoes the floor even above P1_LIMITED_PROBABILITY,
  // and a learned P1. Read only where P1 was likely enough to matter.
  const over =
    p1 === undefined &&
    !alone &&
    input.category === 'INCIDENT' &&
    (level === 0 || (probs[0] ?? 0) >= P1_PROBABILITY_FLOOR)
      ? input.p1Context?.over?.()
      : undefined;
  // An outage the text bounds in so many words (staging down, "production is fine", "using ethernet instead")
  // is not the rubric's P1, however likely the learned head finds it: like the outage being over, it vetoes the
  // floor even above P1_LIMITED_PROBABILITY, and a learned P1. A security report is read by its own limits.
  const bound =
    p1 === undefined &&
    !alone &&
    over === undefined &&
    input.category !== 'SECURITY' &&
    (level === 0 || (severe && (probs[0] ?? 0) >= P1_PROBABILITY_FLOOR))
      ? statedBound(input.matches, input.p1Context)
      : undefined;
  const floored =
    p1 === undefined &&
    !alone &&
    over === undefined &&
    bound === undefined &&
    level !== 0 &&
    severe &&
    learned !== undefined &&
    (probs[0] ?? 0) >= P1_PROBABILITY_FLOOR &&
    ((probs[0] ?? 0) >= P1_LIMITED_PROBABILITY || !p1Limited(input.category, input.matches, input.p1Context));
  // An incident confined to the writer's site ("the other bases look ok") is no outage for many: it vetoes the
  // rules and the floor (`outageLimited`) and a learned P1 too. Read only where P1 was likely enough to matter.
  const confined =
    p1 === undefined &&
    !floored &&
    !alone &&
    over === undefined &&
    bound === undefined &&
    input.category === 'INCIDENT' &&
    (level === 0 || (probs[0] ?? 0) >= P1_PROBABILITY_FLOOR)
      ? input.p1Context?.site?.()
      : undefined;
  const notSevere = p1 === undefined && !floored && level === 0 && !severe;
  // A bounded outage the head put first at P1 is the rubric's P2 (a workaround, limited exposure, a
  // non-production environment for everyone): one level down, not the head's next guess, which a P1 that
  // sure leaves to chance (a staging outage came out P3).
  const boundedP1 = bound !== undefined && level === 0;
  if (p1 !== undefined || floored) level = 0;
  else if (boundedP1 && severe) level = 1;
  else if (
    level === 0 &&
    (alone || !severe || confined !== undefined || over !== undefined || bound !== undefined)
  )
    level = probs.slice(1).reduce((best, p, i) => (p > (probs[best] ?? 0) ? i + 1 : best), 1);
  // One person's blocked work is P3 by the rubric; only a deadline makes it more urgent.
  if (alone && level < 2 && input.deadline === undefined) level = 2;
  // Others clicked a phishing link, and whether they gave anything away is not known (giving credentials away
  // is the exposure rule's P1): the rubric's security issue with limited exposure, P2, however routine the
  // learned head finds such reports.
  const clicked = input.category === 'SECURITY' && level > 1 ? input.p1Context?.clicked?.() : undefined;
  if (clicked !== undefined) level = 1;
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
    ...(confined === undefined ? {} : { confined }),
    ...(over === undefined ? {} : { over }),
    ...(bound === undefined ? {} : { bound }),
    ...(clicked === undefined ? {} : { clicked }),
    ...(notSevere ? { notSevere } : {}),
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
