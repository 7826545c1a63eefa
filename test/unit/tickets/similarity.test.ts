import { describe, expect, it } from 'vitest';
import {
  decodeFingerprint,
  encodeFingerprint,
  SimilarityIndex,
  similarity,
  ticketFingerprint,
} from '../../../lambdas/core/tickets/index.ts';
import { fixtureModel, validationField } from './support.ts';

const model = () => fixtureModel().model;
const fp = (title: string, body = '') => ticketFingerprint({ title, body }, model());

describe('ticket similarity', () => {
  it('scores a rephrased duplicate above an unrelated ticket', () => {
    const original = fp(
      'Checkout page hangs after entering card details',
      'The spinner never stops on payment.',
    );
    const duplicate = fp('Checkout freezes when I enter my card', 'Payment spinner keeps spinning forever.');
    const unrelated = fp('Add dark mode to the admin console', 'It would be nice to have a dark theme.');
    expect(similarity(original, duplicate)).toBeGreaterThan(0.3);
    expect(similarity(original, duplicate)).toBeGreaterThan(similarity(original, unrelated) + 0.2);
    expect(similarity(original, original)).toBeCloseTo(1, 5);
  });

  it('fingerprints title-only tickets, and works without a model', () => {
    const a = ticketFingerprint({ title: 'VPN drops every 10 minutes' });
    const b = ticketFingerprint({ title: 'VPN keeps dropping every few minutes' });
    expect(a.terms.length).toBeGreaterThan(0);
    expect(similarity(a, b)).toBeGreaterThan(0);
  });

  it('round-trips a fingerprint through its stored form and rejects anything else', () => {
    const original = fp('Leaked key in a public repository');
    const stored = JSON.parse(JSON.stringify(encodeFingerprint(original))) as unknown;
    expect(decodeFingerprint(stored)).toEqual(original);
    expect(validationField(() => decodeFingerprint({ v: 2, terms: '', weights: '' }))).toBe('fingerprint');
    expect(validationField(() => decodeFingerprint({ v: 1, terms: 'AAA', weights: 'AAAAAA' }))).toBe(
      'fingerprint',
    );
  });
});

describe('SimilarityIndex', () => {
  const index = new SimilarityIndex<string>();
  index.add('t1', fp('Checkout page hangs after entering card details'));
  index.add('t2', fp('Checkout freezes when entering the card number'));
  index.add('t3', fp('Add dark mode to the admin console'));
  index.add('t4', fp('Checkout hangs on the card details step'));

  it('returns at most three visible tickets, best first, without the ticket itself', () => {
    const query = fp('Checkout page hangs after entering card details');
    const found = index.similar(query, { exclude: 't1' });
    expect(found.map((f) => f.id)).toEqual(['t4', 't2']);
    expect(found[0]?.score).toBeGreaterThan(found[1]?.score ?? 1);
    expect(index.similar(query, { exclude: 't1', visible: (id) => id !== 't4' }).map((f) => f.id)).toEqual([
      't2',
    ]);
    expect(index.similar(query, { limit: 1 })).toHaveLength(1);
  });

  it('forgets a deleted ticket and replaces a re-added one', () => {
    const local = new SimilarityIndex<number>();
    local.add(1, fp('Printer on floor 3 is jammed'));
    local.add(1, fp('Printer on floor 3 prints blank pages'));
    expect(local.size).toBe(1);
    expect(local.similar(fp('Printer on floor 3 prints blank pages'))[0]?.score).toBeCloseTo(1, 4);
    local.delete(1);
    expect(local.similar(fp('Printer on floor 3 prints blank pages'))).toEqual([]);
  });
});
