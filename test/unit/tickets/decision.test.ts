import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ticketsCommand } from '../../../bin/commands/tickets.ts';
import {
  createTicketClassifier,
  createTriagePolicy,
  NEEDS_REVIEW,
} from '../../../lambdas/core/tickets/index.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { mixedModel, validationField } from './support.ts';

const classifier = () => createTicketClassifier(mixedModel().model);

describe('createTriagePolicy', () => {
  it('names a bad setting by the name the caller uses for it', () => {
    const names = {
      categories: 'TRIAGE_CATEGORIES',
      reviewThreshold: 'TRIAGE_REVIEW_THRESHOLD',
      extraReviewThreshold: 'TRIAGE_EXTRA_REVIEW_THRESHOLD',
    };
    expect(
      validationField(() => createTriagePolicy(classifier(), { categories: ['bug', 'chore'] }, names)),
    ).toBe('TRIAGE_CATEGORIES');
    expect(validationField(() => createTriagePolicy(classifier(), { reviewThreshold: 1.5 }, names))).toBe(
      'TRIAGE_REVIEW_THRESHOLD',
    );
    expect(
      validationField(() => createTriagePolicy(classifier(), { extraReviewThreshold: -0.1 }, names)),
    ).toBe('TRIAGE_EXTRA_REVIEW_THRESHOLD');
  });

  it('stores canonical category names however the settings spell them', () => {
    const policy = createTriagePolicy(classifier(), { categories: [' bug', 'Feature'], reviewThreshold: 0 });
    expect(policy.categories).toEqual(['BUG', 'FEATURE']);
    const decision = policy.decide({ title: 'Add an export to CSV button', body: 'It would be nice.' });
    expect(['BUG', 'FEATURE']).toContain(decision.category);
  });

  it('abstains below the threshold, keeping the best guess in the details', () => {
    const decision = createTriagePolicy(classifier(), { reviewThreshold: 0.99 }).decide({ title: 'Hmm' });
    expect(decision.category).toBe(NEEDS_REVIEW);
    expect(decision.details.predictedCategory).not.toBe(NEEDS_REVIEW);
    expect(decision.rationale).toContain(NEEDS_REVIEW);
  });

  it('carries extra outputs as plain values and with their confidences', () => {
    const decision = createTriagePolicy(classifier(), { extraReviewThreshold: 0 }).decide({
      title: 'VPN drops every 10 minutes',
    });
    expect(typeof decision.extra.team).toBe('string');
    expect(decision.details.extra.team?.value).toBe(decision.extra.team);
    expect(decision.details.extra.team?.needsReview).toBe(false);
  });

  it('leaves a team below the extra review threshold unset, its guess kept in the details and rationale', () => {
    const ticket = { title: 'VPN drops every 10 minutes' };
    const guess = createTriagePolicy(classifier(), { extraReviewThreshold: 0 }).decide(ticket).details.extra
      .team;
    if (guess === undefined) throw new Error('the mixed model has a team head');
    // Just above the guess's confidence: the same ticket, the same guess, now for a person to route.
    const unsure = createTriagePolicy(classifier(), {
      extraReviewThreshold: Math.min(1, guess.confidence + 0.01),
    }).decide(ticket);
    expect(unsure.extra).toEqual({});
    expect(unsure.details.extra.team).toMatchObject({ value: guess.value, needsReview: true });
    expect(unsure.rationale).toContain(`Team: needs review, best guess ${guess.value}`);
    // At exactly its confidence it is confident enough, as a category at the threshold is.
    const sure = createTriagePolicy(classifier(), { extraReviewThreshold: guess.confidence }).decide(ticket);
    expect(sure.extra.team).toBe(guess.value);
  });

  it('routes a ticket that gives the model nothing to read nowhere, unless abstaining is off', () => {
    expect(createTriagePolicy(classifier()).decide({ title: 'asdf qwerty' }).extra).toEqual({});
    expect(
      createTriagePolicy(classifier(), { extraReviewThreshold: 0 }).decide({ title: 'asdf qwerty' }).extra
        .team,
    ).toEqual(expect.any(String));
  });
});

describe('one decision for the CLI and the worker', () => {
  it('gives the same answers from `tickets classify` as from the policy with the same settings', async () => {
    const dir = tempDir('tickets-decision-');
    const model = join(dir, 'model.json');
    // With a team head: the team's abstention must agree too.
    writeFileSync(model, JSON.stringify(mixedModel().json));
    const tickets = [
      ['App crashes with a segfault on start', 'Steps to reproduce: open it.'],
      ['Hmm', ''],
      ['Production checkout is down – 502 for all users', ''],
      ['How do I configure the proxy?', 'Is there a setting?'],
      ['VPN drops every 10 minutes', ''],
      ['Grant Jane read access to the billing bucket', ''],
      ['Renew the TLS certificate of the status page', ''],
      ['Checkout is slow since the deploy', 'Pages take 8 seconds to load.'],
    ];
    const input = join(dir, 'tickets.csv');
    writeFileSync(input, `title,body\n${tickets.map(([t, b]) => `"${t}","${b}"`).join('\n')}\n`);
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(
        await ticketsCommand.run([
          'classify',
          '--input',
          input,
          '--model',
          model,
          '--review-below',
          '0.6',
          '--extra-review-below',
          '0.6',
        ]),
      ).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    const policy = createTriagePolicy(createTicketClassifier(model), {
      reviewThreshold: 0.6,
      extraReviewThreshold: 0.6,
    });
    const printed = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(printed.some((p) => p.category === NEEDS_REVIEW)).toBe(true);
    // Both a routed and an unrouted team, so the comparison below covers the team's abstention.
    expect(printed.some((p) => p.team === null)).toBe(true);
    expect(printed.some((p) => typeof p.team === 'string')).toBe(true);
    printed.forEach((line, i) => {
      const [title, body] = tickets[i] ?? [];
      const decision = policy.decide({ title: title ?? '', body: body ?? '' });
      expect(line).toMatchObject({
        category: decision.category,
        predictedCategory: decision.details.predictedCategory,
        priority: decision.priority,
        labels: decision.labels,
        confidence: decision.confidence,
        team: decision.extra.team ?? null,
      });
    });
  });
});
