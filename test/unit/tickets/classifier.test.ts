import { describe, expect, it } from 'vitest';
import {
  createTicketClassifier,
  NEEDS_REVIEW,
  TICKET_LIMITS,
  type TicketClassifier,
} from '../../../lambdas/core/tickets/index.ts';
import { fixtureModel, fixtureTickets, validationField } from './support.ts';

const classifier = (): TicketClassifier => createTicketClassifier(fixtureModel().model);

describe('TicketClassifier', () => {
  it('offers the learned categories plus rule-based INCIDENT, TASK and SECURITY when the data lacks them', () => {
    expect(classifier().categories).toEqual(['BUG', 'FEATURE', 'QUESTION', 'INCIDENT', 'TASK', 'SECURITY']);
  });

  it('fits its own training tickets (a smoke test of the learner, not a quality measure)', () => {
    const c = classifier();
    const tickets = fixtureTickets();
    const labels = c.resolveCategories(['bug', 'feature', 'question']);
    const correct = tickets.filter(
      (t) => c.classify(t, { categories: labels, reviewThreshold: 0 }).category.toLowerCase() === t.label,
    );
    expect(correct.length / tickets.length).toBeGreaterThan(0.9);
  });

  it('returns every field with confidences in [0, 1], ranked alternatives and a rationale', () => {
    const result = classifier().classify({
      title: 'App crashes with a segfault when the database connection times out',
      body: 'Steps to reproduce: start the app, stop postgres. Expected: an error. Actual: segmentation fault.',
    });
    expect(['BUG', 'FEATURE', 'QUESTION', 'INCIDENT', 'TASK', 'SECURITY', NEEDS_REVIEW]).toContain(
      result.category,
    );
    expect(['P1', 'P2', 'P3', 'P4']).toContain(result.priority);
    expect(result.labels).toContain('database');
    for (const p of [
      result.confidence.category,
      result.confidence.priority,
      ...Object.values(result.confidence.labels),
    ]) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    const alternatives = result.alternatives.category.map((a) => a.confidence);
    expect(alternatives).toEqual([...alternatives].sort((a, b) => b - a));
    expect(alternatives[0] ?? 0).toBeLessThanOrEqual(result.confidence.category);
    expect(result.rationale).toContain(result.predictedCategory);
    expect(result.rationale).toMatch(/"[a-z]/);
    expect(result.modelVersion).toBe(fixtureModel().json.version);
  });

  it('chooses only among the categories it is given and echoes their spelling', () => {
    const c = classifier();
    const allowed = c.resolveCategories(['Feature', 'qUeStIoN'], 'labels');
    const result = c.classify(
      { title: 'Segfault on start', body: 'It crashes every time.' },
      { categories: allowed },
    );
    expect(['Feature', 'qUeStIoN', NEEDS_REVIEW]).toContain(result.category);
    expect(['Feature', 'qUeStIoN']).toContain(result.predictedCategory);
    expect(result.alternatives.category.map((a) => a.name)).not.toContain('BUG');
  });

  it('rejects an unknown category name, naming the field it came from', () => {
    expect(validationField(() => classifier().resolveCategories(['bug', 'enhancement'], 'labels'))).toBe(
      'labels',
    );
    expect(validationField(() => classifier().resolveCategories([], 'labels'))).toBe('labels');
  });

  it('abstains with NEEDS_REVIEW below the threshold but keeps its best guess', () => {
    const result = classifier().classify(
      { title: 'Hmm', body: 'Something about it.' },
      { reviewThreshold: 0.99 },
    );
    expect(result.category).toBe(NEEDS_REVIEW);
    expect(result.predictedCategory).not.toBe(NEEDS_REVIEW);
    expect(result.rationale).toContain(NEEDS_REVIEW);
  });

  it('never abstains with a threshold of 0', () => {
    expect(
      classifier().classify({ title: 'Hmm', body: 'Something.' }, { reviewThreshold: 0 }).category,
    ).not.toBe(NEEDS_REVIEW);
  });

  it.each([
    [
      'an outage an INCIDENT',
      'Production outage: checkout service is down',
      'Since 10:00 all customers get HTTP 500 errors. Error rate at 80%, on-call paged.',
      'INCIDENT',
      '"outage"',
    ],
    [
      'an exposed production credential SECURITY',
      'Leaked AWS production key in a public repo',
      'The access key was committed to a public repository this morning and is still active.',
      'SECURITY',
      'active security exposure',
    ],
  ])(
    'calls %s with priority P1 by rules when the model never learned it',
    (_name, title, body, category, cited) => {
      const result = classifier().classify({ title, body });
      expect(result.predictedCategory).toBe(category);
      expect(result.sources.category).toBe('rules');
      expect(result.priority).toBe('P1');
      expect(result.rationale).toContain(cited);
    },
  );

  it('calls a dependency bump a TASK', () => {
    const result = classifier().classify({
      title: 'Chore: bump lodash to 4.17.21',
      body: 'Upgrade the dependency to clear the audit warning.',
    });
    expect(result.predictedCategory).toBe('TASK');
  });

  it('lowers the priority of cosmetic problems', () => {
    const result = classifier().classify({
      title: 'Typo in the settings page',
      body: 'Minor cosmetic typo: "Colour".',
    });
    expect(result.priority).toBe('P4');
  });

  it('uses the project when the model knows it and ignores an unknown one', () => {
    const c = classifier();
    const ticket = { title: 'How can I build this on Windows?', body: 'I get errors from the compiler.' };
    const known = c.classify({ ...ticket, project: 'opencv/opencv' }, { reviewThreshold: 0 });
    const unknown = c.classify({ ...ticket, project: 'nobody/nothing' }, { reviewThreshold: 0 });
    const none = c.classify(ticket, { reviewThreshold: 0 });
    expect(unknown).toEqual(none);
    expect(known.confidence.category).not.toBe(none.confidence.category);
  });

  it('gives the same answer every time for the same ticket', () => {
    const c = classifier();
    const ticket = { title: 'Add an option to disable telemetry', body: 'Please add a setting for it.' };
    expect(c.classify(ticket)).toEqual(c.classify(ticket));
  });
});

describe('input validation', () => {
  const c = (): TicketClassifier => classifier();
  it.each([
    ['an empty title', { title: '  ', body: 'x' }, 'title'],
    ['a missing title', { body: 'x' }, 'title'],
    ['a non-string title', { title: ['x'], body: 'x' }, 'title'],
    ['a non-string body', { title: 'x', body: 42 }, 'body'],
    ['an oversized title', { title: 'x'.repeat(TICKET_LIMITS.titleMaxChars + 1), body: 'x' }, 'title'],
    ['an oversized body', { title: 'x', body: 'x'.repeat(TICKET_LIMITS.bodyMaxChars + 1) }, 'body'],
    ['a non-string project', { title: 'x', body: 'y', project: 7 }, 'project'],
    ['a creation time that is not a date', { title: 'x', createdAt: 'next tuesday' }, 'createdAt'],
    ['an impossible creation date', { title: 'x', createdAt: '2024-02-30' }, 'createdAt'],
  ])('rejects %s with a ValidationError on the field', (_name, input, field) => {
    expect(validationField(() => c().classify(input as never))).toBe(field);
  });

  it.each([
    ['no body', { title: 'VPN drops every 10 minutes' }],
    ['a null body', { title: 'VPN drops every 10 minutes', body: null }],
    ['an empty body', { title: 'VPN drops every 10 minutes', body: '' }],
    ['a blank body', { title: 'VPN drops every 10 minutes', body: '\n\t ' }],
  ])('classifies a title-only ticket given %s, the same way every time', (_name, input) => {
    const result = c().classify(input as never, { reviewThreshold: 0 });
    expect(result).toEqual(c().classify({ title: 'VPN drops every 10 minutes' }, { reviewThreshold: 0 }));
    expect(result.predictedCategory).toBeTruthy();
  });

  it('rejects a review threshold outside [0, 1]', () => {
    expect(validationField(() => c().classify({ title: 'x', body: 'y' }, { reviewThreshold: 2 }))).toBe(
      'reviewThreshold',
    );
  });

  it('classifies a body at the size limit', () => {
    const body = `It crashes. ${'lorem ipsum '.repeat(TICKET_LIMITS.bodyMaxChars / 12 - 2)}`;
    expect(body.length).toBeLessThanOrEqual(TICKET_LIMITS.bodyMaxChars);
    expect(c().classify({ title: 'Long report', body }).predictedCategory).toBeTruthy();
  });
});
