import { describe, expect, it } from 'vitest';
import { evidence, matchCues } from '../../../lambdas/core/tickets/cues.ts';
import { createTicketClassifier, type TicketClassifier } from '../../../lambdas/core/tickets/index.ts';
import {
  escalatedLimits,
  MANY_AFFECTED_COUNT,
  othersClicked,
  outageOver,
  P1_LIMITED_PROBABILITY,
  P1_PROBABILITY_FLOOR,
  P1_RUNNER_UP_PROBABILITY,
  P1_SEVERE_PROBABILITY,
  P1_SINGLE_CUE_PROBABILITY,
  p1Limited,
  p1Rule,
  siteScope,
  soleScope,
  statedBound,
  statedBreadth,
  workaroundInUse,
} from '../../../lambdas/core/tickets/p1.ts';
import { decidePriority, detectAreas, PRIORITY_UP } from '../../../lambdas/core/tickets/rules.ts';
import { parseTicket } from '../../../lambdas/core/tickets/text.ts';
import { fixtureModel, mixedModel } from './support.ts';

/** Rules only: the NLBSE fixture has no priorities. */
const rulesOnly = (): TicketClassifier => createTicketClassifier(fixtureModel().model);
/** Learned priority blended with the rules. */
const learned = (): TicketClassifier => createTicketClassifier(mixedModel().model);

describe('priority from impact and urgency', () => {
  it.each([
    ['rules only', rulesOnly],
    ['a learned priority', learned],
  ])('gives P1 to an outage for many, citing the rule (%s)', (_name, classifier) => {
    const result = classifier().classify({ title: 'Production checkout is down – 502 for all users' });
    expect(result.priority).toBe('P1');
    expect(result.rationale).toMatch(/Priority P1: an outage for many users: "all users"[^.]* in the title/);
  });

  it('gives P1 to a leaked production credential that is still active', () => {
    const result = rulesOnly().classify({
      title: 'AWS key committed to a public GitHub repo',
      body: 'The key belongs to the deploy user and is still active.',
    });
    expect(result.priority).toBe('P1');
    expect(result.rationale).toContain('active security exposure');
  });

  it('does not give P1 when the text limits the impact', () => {
    for (const classifier of [rulesOnly(), learned()]) {
      const result = classifier.classify({
        title: 'Checkout is down for some users on Safari',
        body: 'A workaround is to use another browser.',
      });
      expect(result.priority).not.toBe('P1');
      expect(result.rationale).not.toContain('Priority P1');
    }
  });

  it('reads a deadline relative to the creation time: close is more urgent than far', () => {
    const ticket = { title: 'TLS certificate must be renewed by 30 Nov' };
    const level = (p: string) => Number(p.slice(1));
    for (const classifier of [rulesOnly(), learned()]) {
      const soon = classifier.classify({ ...ticket, createdAt: '2024-11-25T09:00:00Z' });
      const far = classifier.classify({ ...ticket, createdAt: '2024-09-02T09:00:00Z' });
      expect(soon.deadline).toEqual({ days: 5, phrase: 'renewed by 30 Nov' });
      expect(far.deadline?.days).toBe(89);
      expect(level(soon.priority)).toBeLessThanOrEqual(level(far.priority));
      if (level(soon.priority) <= 2)
        expect(soon.rationale).toContain('deadline "renewed by 30 Nov", 5 days after it was opened');
    }
    // The rules alone (no learned head to outvote them) move it up a level; the default model's test shows P2/P3.
    const soon = rulesOnly().classify({ ...ticket, createdAt: '2024-11-25T09:00:00Z' });
    const far = rulesOnly().classify({ ...ticket, createdAt: '2024-09-02T09:00:00Z' });
    expect(level(soon.priority)).toBeLessThan(level(far.priority));
  });

  it('reads dates from the time of classification when the ticket has no creation time', () => {
    const now = new Date('2024-11-27T12:00:00Z');
    const result = rulesOnly().classify({ title: 'Renew the cert by 30 Nov' }, { now });
    expect(result.deadline?.days).toBe(3);
  });

  it('does not let tone set the priority: capitals and exclamation marks change nothing', () => {
    const calm = {
      title: 'Favicon shows the old logo',
      body: 'The favicon still shows the old logo. Please fix.',
    };
    const shouted = {
      title: 'FAVICON SHOWS THE OLD LOGO!!!',
      body: 'THE FAVICON STILL SHOWS THE OLD LOGO!!!!! PLEASE FIX!!!',
    };
    for (const classifier of [rulesOnly(), learned()]) {
      const a = classifier.classify(calm);
      const b = classifier.classify(shouted);
      expect(b.priority).toBe(a.priority);
      expect(b.confidence).toEqual(a.confidence);
    }
  });

  it('does not take "urgent" or "ASAP" as urgency cues', () => {
    const result = rulesOnly().classify({
      title: 'URGENT ASAP: typo on the about page',
      body: 'Minor typo.',
    });
    expect(result.priority).toBe('P4');
    expect(result.rationale).not.toMatch(/"urgent"|"asap"/);
  });

  it('says whether the priority came from the rules alone or blended with a learned head', () => {
    expect(rulesOnly().classify({ title: 'Add dark mode' }).sources.priority).toBe('rules');
    expect(learned().classify({ title: 'Add dark mode' }).sources.priority).toBe('model+rules');
  });
});

describe('extra label heads', () => {
  it('answers the team with a confidence and names it in the rationale', () => {
    const result = learned().classify(
      { title: 'New starter on Monday needs a laptop and accounts' },
      { extraReviewThreshold: 0 },
    );
    expect(Object.keys(result.extra)).toEqual(['team']);
    const team = result.extra.team;
    expect(['data', 'it', 'payments', 'platform', 'sre', 'web']).toContain(team?.value);
    expect(team?.confidence).toBeGreaterThan(0);
    expect(result.rationale).toContain(`Team ${team?.value}`);
  });

  it('has none for a model trained without extra columns', () => {
    expect(rulesOnly().classify({ title: 'Add dark mode' }).extra).toEqual({});
    expect(rulesOnly().extraOutputs).toEqual([]);
  });
});

describe('P1 decisions for incidents and security reports', () => {
  const cuesOf = (title: string, body = '') => {
    const doc = parseTicket(title, body);
    return matchCues(doc.title, doc.body);
  };
  /** The category model's answer: `category` at 0.9, every other at 0.02. */
  const likely = (category: string) => (c: string) => (c === category ? 0.9 : 0.02);
  /** The exposure rule fires on a security report with this title and body. */
  const expectExposure = (title: string, body = '') =>
    expect(p1Rule('SECURITY', cuesOf(title, body), false, likely('SECURITY'))?.rule).toBe(
      'active security exposure',
    );
  /** Under `title`, each body limits an incident's outage (no P1 rule, the floor vetoed), or does not. */
  const expectOutageLimited = (
    limited: boolean,
    title: string,
    bodies: readonly string[],
    serverErrors: boolean,
  ) => {
    for (const body of bodies) {
      const matches = cuesOf(title, body);
      if (limited) expect(p1Rule('INCIDENT', matches, serverErrors), body).toBeUndefined();
      else expect(p1Rule('INCIDENT', matches, serverErrors), body).toBeDefined();
      expect(p1Limited('INCIDENT', matches), body).toBe(limited);
    }
  };

  it.each([
    ['SendGrid API key hardcoded in the Android app', ''],
    ['red window on my laptop', 'it says my files are encrypted and asks for bitcoin'],
    [
      'Partner page shows other customers invoices',
      'change the number in the URL and you get someone else invoice',
    ],
  ])('finds an active exposure in a security report: %s', (title, body) => {
    expect(p1Rule('SECURITY', cuesOf(title, body), false)?.rule).toBe('active security exposure');
  });

  it('lets a likely runner-up category fire its P1 rule, not an unlikely one', () => {
    const matches = cuesOf('why is there a new IAM user with admin rights?');
    expect(p1Rule('QUESTION', matches, false)).toBeUndefined();
    const probability = (share: number) => (c: string) => (c === 'SECURITY' ? share : 0);
    expect(p1Rule('QUESTION', matches, false, probability(P1_RUNNER_UP_PROBABILITY))?.rule).toBe(
      'active security exposure',
    );
    expect(p1Rule('QUESTION', matches, false, probability(P1_SEVERE_PROBABILITY - 0.05))).toBeUndefined();
  });

  it('reads a ticket split between INCIDENT and SECURITY as severe when their sum is likely enough', () => {
    const matches = cuesOf('unknown process mining crypto on worker nodes');
    // Each severe category alone stays below the runner-up bar; together they reach the severe bar.
    const split = (total: number) => (c: string) =>
      c === 'INCIDENT' || c === 'SECURITY' ? total / 2 : c === 'BUG' ? 1 - total : 0;
    expect(P1_SEVERE_PROBABILITY / 2).toBeLessThan(P1_RUNNER_UP_PROBABILITY);
    expect(p1Rule('BUG', matches, false, split(P1_SEVERE_PROBABILITY))?.rule).toBe(
      'active security exposure',
    );
    expect(p1Rule('BUG', matches, false, split(P1_SEVERE_PROBABILITY - 0.05))).toBeUndefined();
  });

  it('reads an outage for many written as a question as P1 when the ticket is likely severe', () => {
    const matches = cuesOf(
      'Is there a problem with the payment gateway?',
      'All card payments have been declined for the last 30 minutes across every store.',
    );
    const severe = (c: string) =>
      c === 'QUESTION' ? 0.8 : c === 'INCIDENT' ? P1_SEVERE_PROBABILITY + 0.04 : 0;
    expect(p1Rule('QUESTION', matches, false, severe)?.rule).toBe('outage for many');
    // Only the strongest form: one outage word without breadth, or a ticket not likely severe, is no P1.
    const mild = (c: string) =>
      c === 'QUESTION' ? 0.9 : c === 'INCIDENT' ? P1_SEVERE_PROBABILITY - 0.05 : 0;
    expect(p1Rule('QUESTION', matches, false, mild)).toBeUndefined();
    expect(p1Rule('QUESTION', cuesOf('Is the payment gateway failing?'), false, severe)).toBeUndefined();
    // Nor a security report: "all merchants" and "stopped" on a fraud report are no outage.
    const fraud = cuesOf(
      'Caller redirecting parcels',
      'High-value parcels (all merchants) were stopped at the depot.',
    );
    expect(p1Rule('SECURITY', fraud, false, likely('SECURITY'))).toBeUndefined();
  });

  it('needs a plausible P1 for an incident with one outage or breadth cue, not for one with both', () => {
    const one = cuesOf('Card payments failing');
    // Without a word of breadth the rule says so: the rationale must not claim "many users".
    expect(p1Rule('INCIDENT', one, false, undefined, P1_SINGLE_CUE_PROBABILITY)?.rule).toBe(
      'outage not limited',
    );
    expect(p1Rule('INCIDENT', one, false, undefined, P1_SINGLE_CUE_PROBABILITY - 0.05)).toBeUndefined();
    // Rules alone (no learned priority) keep the plain rule.
    expect(p1Rule('INCIDENT', one, false)?.rule).toBe('outage not limited');
    const both = cuesOf('Card payments failing for all users');
    expect(p1Rule('INCIDENT', both, false, undefined, 0)?.rule).toBe('outage for many');
  });

  it('makes an incident P1 when the learned P1 probability reaches the floor, other categories not', () => {
    const matches = cuesOf('Payment exports look odd');
    // Blended 70 % learned with the rules: P1 ends up above the floor but is not the most likely level.
    const learned = [P1_PROBABILITY_FLOOR + 0.1, 0.5 - P1_PROBABILITY_FLOOR, 0.3, 0.1];
    const incident = decidePriority({ category: 'INCIDENT', matches, learned });
    expect(incident.priority).toBe('P1');
    expect(incident.alternatives[0]?.confidence).toBeGreaterThan(incident.confidence);
    expect(incident.p1Floor).toBe(incident.confidence);
    expect(decidePriority({ category: 'BUG', matches, learned }).priority).not.toBe('P1');
    const below = [0, 0.6, 0.3, 0.1];
    expect(decidePriority({ category: 'INCIDENT', matches, learned: below }).priority).toBe('P2');
  });

  it("does not let the floor overrule words that limit the impact the way the category's P1 rule reads it", () => {
    const learned = [P1_PROBABILITY_FLOOR + 0.1, 0.5 - P1_PROBABILITY_FLOOR, 0.3, 0.1];
    const decide = (category: string, title: string) =>
      decidePriority({ category, matches: cuesOf(title), learned });
    for (const [category, title] of [
      ['INCIDENT', 'Payment exports look odd for some users'],
      ['INCIDENT', 'Payment exports look odd on staging'],
      ['SECURITY', 'Payment exports readable, VPN only'],
    ] as const) {
      const limited = decide(category, title);
      expect(limited.priority).not.toBe('P1');
      expect(limited.p1Floor).toBeUndefined();
    }
    // A phishing mail nobody fell for is a report, not an exposure under way; contractions read the same.
    for (const title of [
      "Phishing mail asking for my password, I didn't enter anything",
      'Phishing mail, did not open it',
    ])
      expect(decide('SECURITY', title).priority).not.toBe('P1');
    expect(decide('SECURITY', 'Phishing mail asking for my password').priority).toBe('P1');
    // An outage limited to the VPN is still an outage: the exposure's limits do not apply to it.
    expect(decide('INCIDENT', 'Payment exports look odd over the VPN').priority).toBe('P1');
  });

  it('lets the floor overrule a limiting word when the priority model all but says P1', () => {
    const matches = cuesOf('Website unreachable after the DNS change', 'Card payments still work.');
    const blendedP1 = (learned: number[]) => {
      const d = decidePriority({ category: 'INCIDENT', matches, learned });
      return d.priority === 'P1'
        ? d.confidence
        : (d.alternatives.find((a) => a.priority === 'P1')?.confidence ?? 0);
    };
    // P2 stays the likelier level in both; only how likely P1 is differs.
    const high = [0.48, 0.47, 0.05, 0];
    const low = [0.4, 0.55, 0.05, 0];
    expect(blendedP1(high)).toBeGreaterThanOrEqual(P1_LIMITED_PROBABILITY);
    expect(blendedP1(low)).toBeLessThan(P1_LIMITED_PROBABILITY);
    const limited = decidePriority({ category: 'INCIDENT', matches, learned: high });
    expect(limited.priority).toBe('P1');
    expect(limited.p1Floor).toBeGreaterThanOrEqual(P1_LIMITED_PROBABILITY);
    expect(decidePriority({ category: 'INCIDENT', matches, learned: low }).priority).not.toBe('P1');
  });

  it('does not read "public" or "fraud" alone as an exposure, but a public repo or fraudulent payments', () => {
    for (const title of [
      'Point the public status page at the new provider',
      'Expose usage data through the public API',
      'Fraud team dashboard needs a date filter',
      'fraud_score missing for card payments since Tuesday',
    ])
      expect(p1Rule('SECURITY', cuesOf(title), false)).toBeUndefined();
    for (const title of ['Customer exports bucket is public', 'Fraudulent card payments on new accounts'])
      expect(p1Rule('SECURITY', cuesOf(title), false)?.rule).toBe('active security exposure');
  });

  it('does not read "other people" as an exposure: the words lose the possessive that made it one', () => {
    // "other people's invoices" and "other people hear me" read the same once "'s" is gone; the exposures
    // of the labelled tickets are all carried by other words ("can see", "other users", "someone else").
    expect(
      p1Rule(
        'SECURITY',
        cuesOf('Zoom has no sound on my laptop', 'Other people hear me, I hear nothing.'),
        false,
      ),
    ).toBeUndefined();
    expect(p1Rule('SECURITY', cuesOf('Customers can see other users invoices'), false)?.rule).toBe(
      'active security exposure',
    );
  });

  it('reads a count or a share of affected people as breadth', () => {
    expect(statedBreadth('Exam uploads fail', 'About 3,000 students affected.')?.phrase).toBe(
      '3,000 students',
    );
    expect(statedBreadth('App crashes on start', '18,400 crash-free users drop')?.phrase).toBe(
      '18,400 crash-free users',
    );
    expect(statedBreadth('Checkout errors', 'for 2.5k customers')?.phrase).toBe('2.5k customers');
    expect(statedBreadth('Prices at zero', '130 orders at zero so far')?.phrase).toBe('130 orders');
    expect(statedBreadth('Login errors', 'about 31% of users see it')?.phrase).toBe('31% of users');
    for (const [title, body] of [
      ['Login errors', `${MANY_AFFECTED_COUNT - 1} users so far`],
      ['Login errors', 'about 2% of users'],
      ['Statements crash', 'only accounts with > 500 transactions'],
      ['Import timeout', 'fails after 300 seconds for users'],
      ['Import fails', '```\nprocessed 5000 users\n```'],
    ] as const)
      expect(statedBreadth(title, body)).toBeUndefined();
    // "500 for all users" counts nothing: its breadth is the quantifier.
    expect(statedBreadth('Checkout errors', 'returns 500 for all users')?.phrase).toBe('all users');
    // The count is breadth for the "outage for many" rule (one cue word alone needs a plausible P1).
    const title = 'Exam uploads fail';
    const body = 'About 3,000 students affected.';
    const stated = () => statedBreadth(title, body);
    const rule = p1Rule('INCIDENT', cuesOf(title, body), false, undefined, 0, { stated });
    expect(rule?.rule).toBe('outage for many');
    expect(rule?.hits.map((h) => h.phrase)).toContain('3,000 students');
    expect(p1Rule('INCIDENT', cuesOf(title, body), false, undefined, 0)).toBeUndefined();
  });

  it('does not read a limit the text negates: "no workaround", "quite a few users", "more than one customer"', () => {
    expectOutageLimited(
      false,
      'Checkout failing',
      [
        'all users see errors, there is no workaround',
        "all users see errors, the workaround doesn't work",
        'quite a few users see errors',
        'more than one customer sees errors',
      ],
      false,
    );
    for (const body of ['all users see errors, workaround: use the old page', 'a few users see errors'])
      expect(p1Limited('INCIDENT', cuesOf('Checkout failing', body)), body).toBe(true);
  });

  it('reads breadth said negated ("not all users", "not everyone") as a limit, not as breadth', () => {
    expectOutageLimited(
      true,
      'Checkout failing with 500',
      ['Not all users are affected, EU only', 'not everyone is affected', 'not the entire site, only search'],
      true,
    );
    expect(p1Rule('INCIDENT', cuesOf('Checkout failing with 500', 'errors for everyone'), true)?.rule).toBe(
      'outage for many',
    );
    // Nor does it raise the priority, or explain it, as "all users" would.
    const raising = (body: string) =>
      decidePriority({ category: 'INCIDENT', matches: cuesOf('Checkout failing with 500', body) });
    expect(raising('Not all users are affected, only EU').hits.map((h) => h.phrase)).not.toContain(
      'all users',
    );
    expect(raising('All users are affected').hits.map((h) => h.phrase)).toContain('all users');
  });

  it('does not read a symptom ("not working", "broken") alone as an unlimited outage, but does with breadth', () => {
    for (const title of ['login not working', 'Discount codes not working for the spring campaign'])
      expect(p1Rule('INCIDENT', cuesOf(title), false, undefined, 0.5), title).toBeUndefined();
    expect(p1Rule('INCIDENT', cuesOf('Email not working for the whole office'), false)?.rule).toBe(
      'outage for many',
    );
    expect(
      p1Rule(
        'INCIDENT',
        cuesOf('Checkout not working', 'Customers get a blank page on payment.'),
        false,
        undefined,
        0.5,
      )?.rule,
    ).toBe('outage not limited');
  });

  it('reads a secret "pasted" somewhere as exposed, as "posted" and "paste" are', () => {
    const pasted = cuesOf('prod CMS database password pasted in #web-dev, which has 3 external guests');
    expect(p1Rule('SECURITY', pasted, false)?.rule).toBe('active security exposure');
  });

  it('reads "in progress" or "posted" as an exposure only on a likely security report, not on an outage', () => {
    const outage = likely('INCIDENT');
    for (const [title, body] of [
      ['Exam in progress – quiz not saving answers', ''],
      [
        'Disruption SMS alerts not going out',
        'Control centre posted three disruptions; the app push went out.',
      ],
      ['Nightly route batch slow', 'Tonight the batch is still going, 8 depots in progress for 2h.'],
    ] as const) {
      expect(p1Rule('INCIDENT', cuesOf(title, body), false, outage, 0.05)?.rule).not.toBe(
        'active security exposure',
      );
    }
    const security = likely('SECURITY');
    const phishing = cuesOf('Phishing campaign in progress against finance staff');
    expect(p1Rule('SECURITY', phishing, false, security)?.rule).toBe('active security exposure');
    const posted = cuesOf('Stripe secret posted in #general');
    expect(p1Rule('INCIDENT', posted, false, (c) => (c === 'SECURITY' ? 0.3 : 0.6))?.rule).toBe(
      'active security exposure',
    );
  });

  it('reads a mail forwarding rule as an exposure, not a writer "forwarding" a message on', () => {
    const security = likely('SECURITY');
    for (const [title, body] of [
      ['strange forwarding rule on the CFO mailbox', ''],
      ['Shared mailbox auto-forwarding everything to a gmail address', ''],
      ["Partner's mailbox has a rule forwarding payment emails to an outlook.com address", ''],
    ] as const)
      expectExposure(title, body);
    for (const body of [
      'Forwarding it as an attachment, as the training said.',
      'Forwarding from the support inbox.',
    ])
      expect(
        p1Rule('SECURITY', cuesOf('Invoice overdue - final notice', body), false, security),
      ).toBeUndefined();
  });

  it('reads a writer who has not clicked or replied as a limit on a phishing report, not an exposure', () => {
    const title = 'Is this text from the tax office real? It asks me to log in to claim a refund';
    const security = likely('SECURITY');
    for (const said of ["I haven't clicked it.", 'I have NOT replied.', 'I never clicked the link.'])
      expect(p1Limited('SECURITY', cuesOf(title, said)), said).toBe(true);
    const fell = cuesOf(title, 'I clicked it and typed my password before I noticed.');
    expect(p1Limited('SECURITY', fell)).toBe(false);
    expect(p1Rule('SECURITY', fell, false, security)?.rule).toBe('active security exposure');
  });

  it.each([
    'Several people in finance got it. Two of them entered their password.',
    'One agent typed his password into the fake page.',
    'At least three staff entered their credentials on the lookalike site.',
    'She entered her username and password before noticing the address.',
    // Other credential words, with any giver: the login, its details, the one-time code.
    'The user gave his login to a caller pretending to be IT.',
    'She put in her login details and the MFA code before noticing the URL.',
    'A couple of the nurses handed over their passwords on the spoof site.',
    'He read out his one-time code to the caller.',
  ])('reads credentials someone else gave to a phishing page as an exposure: %s', (body) => {
    const title = 'Phishing email asking for O365 login';
    expect(p1Rule('SECURITY', cuesOf(title, body), false, likely('SECURITY'))?.rule).toBe(
      'active security exposure',
    );
  });

  it('reads files encrypted by ransom as an exposure, an encrypted disk on a lost laptop as a limit', () => {
    const security = likely('SECURITY');
    for (const [title, body] of [
      ['Lab PC shows message about files encrypted', ''],
      [
        'Strange message on the office PC',
        'The text file says our files are encrypted and gives a tor address.',
      ],
      ['Lost USB stick with exam papers', 'The stick was not encrypted.'],
    ] as const)
      expectExposure(title, body);
    for (const body of ['The disk is encrypted and it was locked.', "It's BitLocker encrypted."]) {
      const lost = cuesOf('Left my laptop on the train', body);
      expect(p1Limited('SECURITY', lost), body).toBe(true);
      expect(p1Rule('SECURITY', lost, false, security)).toBeUndefined();
    }
  });

  it('does not read "no sign-in" as "no sign" of exploitation', () => {
    const open = cuesOf(
      'Share link opens the whole folder',
      'anyone with the link gets in, no sign-in asked',
    );
    expect(p1Rule('SECURITY', open, false)?.rule).toBe('active security exposure');
    expect(p1Limited('SECURITY', open)).toBe(false);
    const quiet = cuesOf('Share link opens the whole folder', 'anyone with the link, but no sign of misuse');
    expect(p1Rule('SECURITY', quiet, false)).toBeUndefined();
  });

  it('does not read "no credentials exposed" or "nothing leaked" as an exposure', () => {
    const title = 'Pen test finding PT-07: directory listing on the web server';
    for (const body of [
      'The draft report lists directory listing on /static. No credentials exposed as far as we can see.',
      'Directory listing is on for /static; nothing was exposed, only images.',
      'Listing enabled on /static, nothing leaked according to the report.',
    ]) {
      const cues = cuesOf(title, body);
      expect(p1Rule('SECURITY', cues, false), body).toBeUndefined();
      expect(p1Limited('SECURITY', cues), body).toBe(true);
    }
    const open = cuesOf(title, 'Directory listing on /static exposed the config with the database password.');
    expect(p1Rule('SECURITY', open, false)?.rule).toBe('active security exposure');
  });

  it('reads "vpn" as a limit on an exposure only when the writer does not say they were off it', () => {
    const body = 'the admin page still takes the default login, from my home laptop';
    const off = cuesOf('Admin page open', `${body} (not on VPN), anyone can log in`);
    expect(p1Rule('SECURITY', off, false)?.rule).toBe('active security exposure');
    expect(p1Limited('SECURITY', off)).toBe(false);
    const on = cuesOf('Admin page open', `${body} over the VPN, anyone can log in`);
    expect(p1Rule('SECURITY', on, false)).toBeUndefined();
    expect(p1Limited('SECURITY', on)).toBe(true);
    // Another limit still holds.
    const internal = cuesOf('Admin page open', `${body} (not on VPN), internal only, anyone can log in`);
    expect(p1Limited('SECURITY', internal)).toBe(true);
  });

  it('does not label an office building "build", but still labels a build that fails', () => {
    const areas = (title: string, body = '') => detectAreas(cuesOf(title, body)).map((a) => a.label);
    expect(areas('Building access badge not working', 'My badge does not open the main door')).not.toContain(
      'build',
    );
    expect(areas('No internet in the whole building?')).not.toContain('build');
    expect(areas('Error building on Windows', 'cmake fails at configure')).toContain('build');
    expect(areas('Building from source with clang fails')).toContain('build');
  });

  it('takes a word back inside an exception phrase: a change freeze is no hang, card testing no test', () => {
    const areas = (title: string, body = '') => detectAreas(cuesOf(title, body)).map((a) => a.label);
    expect(areas('Who approves exceptions to the change freeze?')).not.toContain('performance');
    expect(areas('App freezes when I open the duty card')).toContain('performance');
    expect(areas('Card testing attack on the donation form')).not.toContain('testing');
    expect(areas('Flaky tests in CI since Monday')).toContain('testing');
    // Neither the word nor the exception is evidence, so neither is cited as a reason.
    expect(evidence(cuesOf('Is there a code freeze in December?'), PRIORITY_UP)).toEqual({
      score: 0,
      hits: [],
    });
    const hang = evidence(cuesOf('Scanner app freeze on every login'), PRIORITY_UP);
    expect(hang.hits.map((h) => h.phrase)).toEqual(['freeze']);
  });

  it('labels a pen test security, not testing, and does not read payments, file uploads or sign-in timeouts as database or network', () => {
    const areas = (title: string, body = '') => detectAreas(cuesOf(title, body)).map((a) => a.label);
    const pen = areas('Pen test finding PT-07: directory listing on the web server');
    expect(pen).toContain('security');
    expect(pen).not.toContain('testing');
    expect(areas('Pentest report: remaining medium findings')).toContain('security');
    expect(areas('Card transactions declining at every store')).not.toContain('database');
    expect(areas('Deadlock on the orders table during checkout', 'two postgres transactions')).toContain(
      'database',
    );
    expect(areas("Safari users can't upload profile pictures")).not.toContain('network');
    expect(areas('Let staff download their payslips as one zip')).not.toContain('network');
    expect(areas('Broker portal session timeout kicks you out while typing')).not.toContain('network');
    expect(areas('Gateway timeout from the payments proxy')).toContain('network');
  });

  it('reads "no user impact" as a limit on an outage and on the precautionary floor', () => {
    expectOutageLimited(
      true,
      'Checkout API errors failing',
      [
        'Alarm goes in and out of ALARM, no customer-facing impact so far.',
        'Error rate up on the batch host, no user impact.',
        'Disk errors on one replica, nobody is affected yet.',
      ],
      true,
    );
    expect(
      p1Rule('INCIDENT', cuesOf('Checkout API errors failing', 'customers see errors'), true),
    ).toBeDefined();
  });

  it('reads the affected or production said to be unhurt as a limit, as "no user impact" is', () => {
    expectOutageLimited(
      true,
      'DR replication failing for 3 days',
      [
        'The DR copies are 3 days old. Production is fine.',
        'Backups have failed since Friday; production itself is fine.',
        "Error rate up on the batch host, customers aren't affected.",
        'Queue consumer restarting, users are unaffected so far.',
      ],
      true,
    );
    // A part said to work is not everyone unhurt: the outage for many stands.
    expect(
      p1Rule('INCIDENT', cuesOf('Checkout failing for all users', 'The site is fine on desktop.'), false),
    ).toBeDefined();
  });

  it('reads "a few" as a limit only when it counts the affected, not "a few seconds apart"', () => {
    const limited = cuesOf('Card payments failing', 'only for a few customers so far');
    expect(p1Rule('INCIDENT', limited, false)).toBeUndefined();
    // "A couple of" the same, and "more than a couple of" not.
    expect(
      p1Rule('INCIDENT', cuesOf('Card payments failing', 'only a couple of customers so far'), false),
    ).toBeUndefined();
    expect(
      p1Rule('INCIDENT', cuesOf('Card payments failing', 'more than a couple of customers so far'), false),
    ).toBeDefined();
    const timing = cuesOf('Customers charged twice', 'two captures a few seconds apart, for every order');
    expect(p1Rule('INCIDENT', timing, false)?.rule).toBeDefined();
  });

  it('reads money paid out, posted or billed twice as data corruption now, as "charged twice" is', () => {
    for (const title of [
      'Refunds being paid out twice',
      'Supplier invoices paid twice since the deploy',
      'Card transactions posted twice to customer balances',
      'Customers billed twice for March',
    ])
      expect(p1Rule('INCIDENT', cuesOf(title), false)?.rule).toBe('data loss now');
    expect(p1Rule('INCIDENT', cuesOf('Refund page shows the amount twice'), false)?.rule).not.toBe(
      'data loss now',
    );
  });

  it('reads "every" or "all" over the affected or what they do as breadth, unless denied', () => {
    const title = 'Payments API returns 503 for every merchant';
    const body = 'Since 10:02 all checkouts fail.';
    expect(statedBreadth(title, body)).toEqual({ phrase: 'every merchant', weight: 1, inTitle: true });
    expect(statedBreadth('Checkout errors', 'all of our stores are down')).toEqual({
      phrase: 'all of our stores',
      weight: 1,
      inTitle: false,
    });
    expect(statedBreadth('Labels missing', 'every single delivery since 9am')?.phrase).toBe(
      'every single delivery',
    );
    expect(statedBreadth('Tills frozen', 'all the tills in every branch')?.phrase).toBe('all the tills');
    for (const body of [
      'not all users see it',
      'not every store is affected',
      'all the time',
      'every morning',
    ])
      expect(statedBreadth('Checkout errors', body)).toBeUndefined();
    // Breadth for the "outage for many" rule even where the priority model finds P1 unlikely.
    const stated = () => statedBreadth(title, body);
    const rule = p1Rule('INCIDENT', cuesOf(title, body), true, undefined, 0, { stated });
    expect(rule?.rule).toBe('outage for many');
    expect(rule?.hits.map((h) => h.phrase)).toContain('every merchant');
  });

  it('counts refunds, invoices and shipments as affected, as it counts orders', () => {
    expect(statedBreadth('Refund worker', '1,146 refunds sent so far')?.phrase).toBe('1,146 refunds');
    expect(statedBreadth('Label API errors', 'about 2.5k shipments stuck')?.phrase).toBe('2.5k shipments');
    expect(statedBreadth('Label API errors', '40 shipments stuck')).toBeUndefined();
  });

  it('does not let a limit word veto when the text says the impact has gone past it', () => {
    expect([...escalatedLimits('Reports portal slow', 'Not just slow any more: nothing opens.')]).toEqual([
      'slow',
      'slower',
      'slowness',
    ]);
    expect(
      escalatedLimits('Re: sync delayed', 'It has gone from delayed to failing for everyone').has('late'),
    ).toBe(true);
    expect(escalatedLimits('Timeouts', 'no longer intermittent, every request fails').has('sometimes')).toBe(
      true,
    );
    for (const [title, body] of [
      ['Reports portal slow', 'Pages take a minute to open.'],
      ['Reports portal slow', 'It is not slow for everyone, only the finance team.'],
      ['Exports fail', 'It went from fast to slow after the upgrade'],
    ] as const)
      expect(escalatedLimits(title, body).size).toBe(0);

    const title = 'Reports portal slow';
    const body = 'Not just slow any more: it is down for everyone since 10:00.';
    const escalated = () => escalatedLimits(title, body);
    const matches = cuesOf(title, body);
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)).toBeUndefined();
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { escalated })?.rule).toBe('outage for many');
    // The floor reads the same veto.
    const learned = [P1_PROBABILITY_FLOOR + 0.1, 0.5 - P1_PROBABILITY_FLOOR, 0.3, 0.1];
    const noRule = cuesOf('Reports portal slow', 'Not just slow any more since 10:00.');
    const floor = (context: { escalated?: () => ReadonlySet<string> }) =>
      decidePriority({ category: 'INCIDENT', matches: noRule, learned, p1Context: context }).p1Floor;
    expect(floor({})).toBeUndefined();
    expect(
      floor({
        escalated: () => escalatedLimits('Reports portal slow', 'Not just slow any more since 10:00.'),
      }),
    ).toBeGreaterThan(0);
    // Only the limits passed are lifted: a workaround still limits an outage that is no longer slow but down.
    const workaround = 'Not just slow any more, it is down for everyone; the desktop app is a workaround.';
    expect(
      p1Rule('INCIDENT', cuesOf(title, workaround), false, undefined, 0.5, {
        escalated: () => escalatedLimits(title, workaround),
      }),
    ).toBeUndefined();
  });

  it("reads the writer's words that the trouble is theirs alone, not a question or a denial of it", () => {
    const sole: [string, string][] = [
      ["is it just me or is Teams down? edit: everyone else's is fine", ''],
      ['Jira is down for me', 'Everyone else on the team can use it fine, I get a 403.'],
      ['Outlook not working', 'Seems to be only me, colleagues are fine.'],
      ['Teams not connecting - just me apparently', ''],
      ['Login broken for me', 'Since this morning I cannot log in.'],
      // What the others do, fine: any verb, as people say it.
      ["my uploads always stop at 99%, everyone else's go through fine", ''],
      ['Printing fails', 'colleagues on my floor print ok'],
      ['VPN drops every minute', 'the rest of the team connect normally'],
    ];
    for (const [title, body] of sole) expect(soleScope(title, body)).toBeDefined();
    const notSole: [string, string][] = [
      ['is it just me or is email down?', 'Update: the whole office has no email.'],
      ['VPN down', "It's not just me, the whole finance team can't connect."],
      ['CRM down', 'Me and everyone else in the office cannot log in.'],
      ['Site down for me, anyone else?', ''],
      ['Grafana down for me and the whole team', ''],
      ['Checkout down', "It isn't only me, customers report it too."],
      // The others must be the subject of what is fine.
      [
        'Fw: EMAIL IS DOWN???',
        'I can email colleagues inside the building fine, but nothing from outside arrives.',
      ],
      ['VPN', 'Everyone else is working from home and cannot connect.'],
    ];
    for (const [title, body] of notSole) expect(soleScope(title, body)).toBeUndefined();
  });

  it('reads the other sites being fine as a limit on an outage, not as the writer alone', () => {
    const [title, body] = [
      "Pilots at GLA can't sync EFB documents",
      "Since 06:00 sync is failing on everyone's tablet: 'server unreachable'. Other bases look ok.",
    ];
    const site = () => siteScope(title, body);
    expect(site()).toBe('other bases look ok');
    expect(soleScope(title, body)).toBeUndefined();
    const matches = cuesOf(title, body);
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)?.rule).toBe('outage for many');
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { site })).toBeUndefined();
    // Still an incident of its site: the floor is vetoed, but the level is not forced down to P3.
    const learned = [P1_PROBABILITY_FLOOR + 0.05, 0.75, 0.03, 0.02];
    const floored = decidePriority({ category: 'INCIDENT', matches, learned, p1Context: {} });
    expect(floored.priority).toBe('P1');
    const decided = decidePriority({ category: 'INCIDENT', matches, learned, p1Context: { site } });
    expect(decided.priority).toBe('P2');
    // Nor when the learned head finds P1 the likeliest level; a site's outage is not forced down to P3.
    const likelyP1 = [0.7, 0.2, 0.05, 0.05];
    expect(decidePriority({ category: 'INCIDENT', matches, learned: likelyP1 }).priority).toBe('P1');
    expect(
      decidePriority({ category: 'INCIDENT', matches, learned: likelyP1, p1Context: { site } }).priority,
    ).toBe('P2');
    for (const said of ['Are the other stores ok?', 'The other stores are also down.'])
      expect(siteScope('Tills offline', said), said).toBeUndefined();
    expect(siteScope('Wi-Fi down on 3rd floor', 'The other floors are ok.')).toBe('the other floors are ok');
  });

  it('reads one redundant part down with the others carrying the load as a limit, like one site', () => {
    const [title, body] = [
      'One of three API nodes is down',
      'Node api-2 is unresponsive; the other two nodes are handling the traffic fine.',
    ];
    const site = () => siteScope(title, body);
    expect(site()).toBe('the other two nodes are handling the traffic fine');
    const matches = cuesOf(title, body);
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)?.rule).toBe('outage not limited');
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { site })).toBeUndefined();
    const likelyP1 = [0.7, 0.2, 0.05, 0.05];
    expect(
      decidePriority({ category: 'INCIDENT', matches, learned: likelyP1, p1Context: { site } }).priority,
    ).toBe('P2');
    for (const [t, b, said] of [
      [
        'DB replica down',
        'One replica is down. The other replicas are serving reads normally.',
        'the other replicas are serving reads normally',
      ],
      ['Kafka broker 3 offline', 'The remaining brokers look healthy.', 'the remaining brokers look healthy'],
      [
        'Primary circuit down at DC1',
        'Traffic is on the backup; the other links are fine.',
        'the other links are fine',
      ],
    ] as const)
      expect(siteScope(t, b), b).toBe(said);
    // Not when asked, when the others are down too, or when what is down is not said to be redundant.
    for (const [t, b] of [
      ['Node down', 'Are the other nodes ok?'],
      ['Nodes down', 'The other nodes are also down.'],
      ['Mail server is down', 'Nobody can send mail. The other servers are fine.'],
    ] as const)
      expect(siteScope(t, b), b).toBeUndefined();
  });

  it('reads an outage the text says is over as no P1, by rule, floor or learned head', () => {
    const [title, body] = [
      'Website was down for 5 minutes this morning',
      'It went down at 07:10 for all users and came back at 07:15. Resolved now; please find the cause.',
    ];
    const over = () => outageOver(title, body);
    expect(over()).toBe('resolved now');
    const matches = cuesOf(title, body);
    // "all users" and "went down": without the writer's tense, an outage for many.
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)?.rule).toBe('outage for many');
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { over })).toBeUndefined();
    const floorOnly = [P1_PROBABILITY_FLOOR + 0.05, 0.75, 0.03, 0.02];
    expect(decidePriority({ category: 'INCIDENT', matches, learned: floorOnly }).priority).toBe('P1');
    expect(
      decidePriority({ category: 'INCIDENT', matches, learned: floorOnly, p1Context: { over } }).priority,
    ).toBe('P2');
    const likelyP1 = [0.7, 0.2, 0.05, 0.05];
    const decided = decidePriority({ category: 'INCIDENT', matches, learned: likelyP1, p1Context: { over } });
    expect(decided.priority).toBe('P2');
    expect(decided.over).toBe('resolved now');
    for (const [t, b, said] of [
      ['[RESOLVED] Checkout down for all customers', '', '[resolved]'],
      [
        'Login outage earlier',
        "Login was broken for everyone from 08:00 to 08:20. It's back up now.",
        "it's back up",
      ],
      [
        'Postmortem: payments outage',
        'Payments failed for all merchants; service was restored at 09:40.',
        'was restored',
      ],
      ['Email down', 'The mail servers have recovered and everything is working again.', 'have recovered'],
    ] as const)
      expect(outageOver(t, b), b).toBe(said);
    for (const [t, b] of [
      ['Is the website back up?', 'It was down for everyone.'],
      ['Checkout down', 'It came back up at 09:10 but went down again at 09:30.'],
      ['Checkout down', 'The DNS issue is resolved but checkout is still down for all customers.'],
      ['Sorter down', "The controller has crashed and won't come back up; it never came back up."],
      ['Outage', 'Has not been resolved yet, all users affected.'],
      ['Newsletter sent to 0 recipients', 'segment "all opted in" resolved: 0 recipients'],
      ['Restore failed', 'The database was restored from backup but rows are gone.'],
    ] as const)
      expect(outageOver(t, b), b).toBeUndefined();
  });

  it('reads a non-production environment down as no P1, by rule, floor or learned head, unless production is named', () => {
    const [title, body] = [
      'Staging is down for all developers',
      'Since 9am staging returns 502 for everyone on the dev team. Nobody can test.',
    ];
    const matches = cuesOf(title, body);
    expect(statedBound(matches)).toEqual({ kind: 'non-production', words: 'staging' });
    expect(p1Rule('INCIDENT', matches, true, undefined, 0.5)).toBeUndefined();
    // The learned head all but says P1: the rubric's P1 is production down, so one level down (P2, not its
    // next guess P3), and the floor does not fire either.
    for (const learned of [
      [0.7, 0.2, 0.05, 0.05],
      [0.6, 0.1, 0.25, 0.05],
    ]) {
      const decided = decidePriority({ category: 'INCIDENT', matches, learned });
      expect(decided.priority, String(learned)).toBe('P2');
      expect(decided.bound?.kind).toBe('non-production');
    }
    expect(decidePriority({ category: 'INCIDENT', matches, learned: [0.4, 0.5, 0.05, 0.05] }).priority).toBe(
      'P2',
    );
    for (const [t, b, words] of [
      ['UAT environment unreachable', 'The whole QA team is blocked.', 'uat'],
      ['dev cluster down', 'all developer namespaces gone', 'dev cluster'],
      ['Pre-prod outage', 'preprod is down, all services return 503', 'pre prod'],
      ['Sandbox API returning 500 for all integrators', '', 'sandbox'],
      ['QA environment database is down', 'Every tester is blocked.', 'qa environment'],
    ] as const)
      expect(statedBound(cuesOf(t, b))?.words, t).toBe(words);
    // Production or its users named: not only a test environment, and "staging is fine" no longer vetoes.
    for (const [t, b] of [
      ['Staging and production both down', 'Both are unreachable for all users.'],
      ['Customers cannot log in', 'Since the release all customers get an error on login. It worked in UAT.'],
      ['Production API down for all customers', 'Prod API returns 503 for every customer. Staging is fine.'],
    ] as const) {
      expect(statedBound(cuesOf(t, b)), t).toBeUndefined();
      expect(p1Rule('INCIDENT', cuesOf(t, b), false, undefined, 0.5)?.rule, t).toBe('outage for many');
    }
  });

  it('reads the text saying nobody is hurt as no P1 from the floor or the learned head', () => {
    const matches = cuesOf('Backups failing', 'Backups failing since Tuesday night, production is fine');
    expect(statedBound(matches)).toEqual({ kind: 'nobody hurt', words: 'production is fine' });
    // Above P1_LIMITED_PROBABILITY the floor used to overrule the limit ("P1 as a precaution").
    const floorOnly = [P1_LIMITED_PROBABILITY + 0.05, 0.5, 0.05, 0.05];
    expect(decidePriority({ category: 'INCIDENT', matches, learned: floorOnly }).priority).toBe('P2');
    const likelyP1 = [0.6, 0.3, 0.05, 0.05];
    const decided = decidePriority({ category: 'INCIDENT', matches, learned: likelyP1 });
    expect(decided.priority).toBe('P2');
    expect(decided.bound?.words).toBe('production is fine');
    // A security report is read by its own limits: ransomware "while production is fine" is still exposure.
    const ransom = cuesOf(
      'Ransomware on file server',
      'Files are encrypted, ransom note. Production is fine.',
    );
    expect(decidePriority({ category: 'SECURITY', matches: ransom, learned: floorOnly }).priority).toBe('P1');
  });

  it('reads a workaround in use as no P1, by rule, floor or learned head, unless it is denied or asked for', () => {
    const [title, body] = [
      'Phones down in the call centre',
      'Desk phones are down for all agents, they are taking calls on the softphone app instead.',
    ];
    const workaround = () => workaroundInUse(title, body);
    expect(workaround()).toBe('taking calls on the softphone app instead');
    const matches = cuesOf(title, body);
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)?.rule).toBe('outage for many');
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { workaround })).toBeUndefined();
    const likelyP1 = [0.7, 0.1, 0.15, 0.05];
    expect(decidePriority({ category: 'INCIDENT', matches, learned: likelyP1 }).priority).toBe('P1');
    const decided = decidePriority({
      category: 'INCIDENT',
      matches,
      learned: likelyP1,
      p1Context: { workaround },
    });
    expect(decided.priority).toBe('P2');
    expect(decided.bound).toEqual({ kind: 'workaround', words: 'taking calls on the softphone app instead' });
    for (const [t, b, words] of [
      [
        'Wi-Fi down on 2nd floor',
        'Wi-Fi down since this morning, people are using ethernet instead.',
        'using ethernet instead',
      ],
      ['EU VPN gateway down', 'Users can still connect via the US gateway.', 'can still connect via'],
      ['SSO broken', 'People can still log in with username and password.', 'can still log in with username'],
      ['Outlook cannot send', 'Workaround: use webmail, that works.', 'workaround'],
      [
        'Shared drive unavailable',
        "We're using the Teams copies in the meantime.",
        'using the teams copies in the meantime',
      ],
    ] as const)
      expect(workaroundInUse(t, b), b).toBe(words);
    for (const [t, b] of [
      ['Site down for everyone', 'There is no workaround.'],
      ['SSO login failing', '| Scope | all employees |\n| Workaround | none |'],
      ['Checkout down', 'The workaround (phone orders) does not work either.'],
      ['Checkout down', 'Is there a workaround we can use?'],
      ['Checkout returns 500', 'It returns an error page instead of the receipt.'],
      ['Payments down', 'Can we use the backup provider instead?'],
    ] as const)
      expect(workaroundInUse(t, b), b).toBeUndefined();
  });

  it('raises a security report of others clicking a phishing link to P2, not the writer closing it unused', () => {
    const [title, body] = [
      'Phishing email - two clicked',
      'A phishing email pretending to be DocuSign went to the finance team. Two clicked the link.',
    ];
    const clicked = () => othersClicked(title, body);
    expect(clicked()).toBe('two clicked');
    const matches = cuesOf(title, body);
    const usual = [0.02, 0.1, 0.8, 0.08];
    expect(decidePriority({ category: 'SECURITY', matches, learned: usual }).priority).toBe('P3');
    const decided = decidePriority({ category: 'SECURITY', matches, learned: usual, p1Context: { clicked } });
    expect(decided.priority).toBe('P2');
    expect(decided.clicked).toBe('two clicked');
    // Only a security report: a bug's "users clicked Save" is no exposure.
    expect(
      decidePriority({ category: 'BUG', matches, learned: usual, p1Context: { clicked } }).priority,
    ).toBe('P3');
    for (const [t, b, words] of [
      [
        'Phishing campaign',
        'A few people clicked it, nobody reported entering a password.',
        'a few people clicked',
      ],
      [
        'phishing mail HR',
        'fake payslip email, 3 users clicked on the link before we blocked it',
        '3 users clicked',
      ],
      [
        'Mailbox full phish',
        'Deb said she "maybe" clicked but did not type anything.',
        'she "maybe" clicked',
      ],
      ['Fake invoice', 'Some of them have already clicked the link.', 'some of them have already clicked'],
    ] as const)
      expect(othersClicked(t, b), b).toBe(words);
    for (const [t, b] of [
      ['Re: mailbox almost full', 'Came to me and 10 others. Nobody I know clicked it.'],
      ['Phish', 'None of them clicked, we blocked the sender.'],
      ['Clicked a link in a fake email', 'I clicked the link, then closed it without typing anything.'],
      ['Phish', "I haven't clicked it."],
      ['Phish', 'Two of them have not clicked, the rest deleted it.'],
    ] as const)
      expect(othersClicked(t, b), b).toBeUndefined();
  });

  it("does not make one person's outage P1, by rule or by the floor", () => {
    const [title, body] = ['Jira is down for me', 'Everyone else on the team can use it fine, I get a 403.'];
    const matches = cuesOf(title, body);
    const sole = () => soleScope(title, body);
    // "everyone" is a breadth word and "is down" an outage: without the writer's scope, an outage for many.
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5)?.rule).toBe('outage for many');
    expect(p1Rule('INCIDENT', matches, false, undefined, 0.5, { sole })).toBeUndefined();
    const learned = [P1_PROBABILITY_FLOOR + 0.1, 0.5 - P1_PROBABILITY_FLOOR, 0.3, 0.1];
    const decided = decidePriority({ category: 'INCIDENT', matches, learned, p1Context: { sole } });
    expect(decided.priority).not.toBe('P1');
    expect(decided.p1Floor).toBeUndefined();
    // Nor when the learned head finds P1 the likeliest level: one person's blocked work is P3 (the rubric),
    // with the writer's words as reason; a deadline may still make it P2.
    const likelyP1 = [0.7, 0.2, 0.05, 0.05];
    const alone = decidePriority({ category: 'INCIDENT', matches, learned: likelyP1, p1Context: { sole } });
    expect(alone.priority).toBe('P3');
    expect(alone.alone).toBe('everyone else on the team can use');
    const deadline = { days: 1, phrase: 'by tomorrow' };
    expect(
      decidePriority({ category: 'INCIDENT', matches, learned: likelyP1, deadline, p1Context: { sole } })
        .priority,
    ).toBe('P2');
    expect(decidePriority({ category: 'INCIDENT', matches, learned: likelyP1 }).priority).toBe('P1');
    // A limit the text escalates past does not hide the writer's own scope.
    const [t2, b2] = [
      'Reports portal slow',
      'Not just slow any more: it is down for me, colleagues next to me are fine.',
    ];
    const context2 = { escalated: () => escalatedLimits(t2, b2), sole: () => soleScope(t2, b2) };
    expect(
      p1Rule('INCIDENT', cuesOf(t2, b2), false, undefined, 0.5, { escalated: context2.escalated }),
    ).toBeDefined();
    expect(p1Rule('INCIDENT', cuesOf(t2, b2), false, undefined, 0.5, context2)).toBeUndefined();
    // A security report of the writer's own account is still read by the exposure rules.
    const hijack = cuesOf(
      'Someone logged in to my account from abroad',
      'Only me, nobody else. Not me who logged in.',
    );
    const exposure = decidePriority({
      category: 'SECURITY',
      matches: hijack,
      learned: likelyP1,
      p1Context: { sole: () => 'only me' },
    });
    expect(exposure.priority).toBe('P1');
  });

  it('says when the learned P1 gave way because the category may not be P1 without a P1 rule', () => {
    const matches = cuesOf('why are we charged for returned parcels?');
    const learned = [0.85, 0.05, 0.05, 0.05];
    const question = decidePriority({ category: 'QUESTION', matches, learned });
    expect(question.priority).toBe('P4');
    expect(question.notSevere).toBe(true);
    const incident = decidePriority({ category: 'INCIDENT', matches, learned });
    expect(incident.priority).toBe('P1');
    expect(incident.notSevere).toBeUndefined();
  });

  it('fires an outage or data-loss rule on a bug only when the model finds it possibly severe', () => {
    const matches = cuesOf(
      'iOS crash opening the statements tab',
      'rows inserted or deleted from that section',
    );
    const bugOnly = (c: string) => (c === 'BUG' ? 0.95 : 0.01);
    const split = (c: string) => (c === 'BUG' ? 0.8 : c === 'INCIDENT' ? P1_SEVERE_PROBABILITY : 0);
    expect(p1Rule('BUG', matches, false, bugOnly)).toBeUndefined();
    expect(p1Rule('BUG', matches, false, split)?.rule).toBe('data loss now');
    // Without a category model, or when the team cannot answer INCIDENT or SECURITY, a bug is not held back.
    expect(p1Rule('BUG', matches, false)?.rule).toBe('data loss now');
    expect(p1Rule('BUG', matches, false, bugOnly, undefined, { severeAnswerable: false })?.rule).toBe(
      'data loss now',
    );
  });

  it('keeps an outage for many P1 for a team that answers only bug, feature and question', () => {
    for (const classifier of [rulesOnly(), learned()]) {
      const result = classifier.classify(
        { title: 'Checkout is down for all users', body: 'Every order fails with an error.' },
        { categories: ['bug', 'feature', 'question'] },
      );
      expect(result.predictedCategory).toBe('bug');
      expect(result.priority).toBe('P1');
    }
  });
});
