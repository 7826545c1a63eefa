import { describe, expect, it } from 'vitest';
import { TemplateMiner } from '../../../lambdas/core/logs/index.ts';
import { TopValues } from '../../../lambdas/core/logs/tally.ts';

describe('top values of a wildcard', () => {
  it('counts exactly while the table has room', () => {
    const t = new TopValues<string>(4);
    for (const v of ['a', 'b', 'a', 'c', 'a', 'b']) t.add(v);
    expect(t.top()).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
      { value: 'c', count: 1 },
    ]);
    expect(t.overflowed).toBe(false);
  });

  it('gives a value that took an evicted one’s place only its own count, not the evicted count', () => {
    const t = new TopValues<string>(2);
    for (let i = 0; i < 50; i++) t.add('heavy');
    for (let i = 0; i < 30; i++) t.add('second');
    for (let i = 0; i < 20; i++) t.add(`id-${i}`);
    const top = t.top();
    expect(top[0]).toEqual({ value: 'heavy', count: 50 });
    // The ids that took the least counted entry's place (30 and more inherited) each occurred once.
    expect(top[1]?.value).toMatch(/^id-\d+$/);
    expect(top[1]?.count).toBe(1);
    expect(t.overflowed).toBe(true);
  });

  it('counts a value met in one sampled line once, and one met in several sampled lines by their weight', () => {
    const t = new TopValues<string>(8);
    t.add('rare', 32, true);
    for (let i = 0; i < 3; i++) t.add('common', 32, true);
    expect(t.top()).toEqual([
      { value: 'common', count: 96 },
      { value: 'rare', count: 1 },
    ]);
    expect(t.estimated).toBe(true);
  });

  it('keeps counts, floors and flags when tables are merged', () => {
    const a = new TopValues<string>(4);
    a.add('x', 5);
    const b = new TopValues<string>(4);
    b.add('x', 2);
    b.add('once', 8, true);
    a.merge(b);
    expect(a.top()).toEqual([
      { value: 'x', count: 7 },
      { value: 'once', count: 1 },
    ]);
    expect(a.estimated).toBe(true);
  });

  it('never reports a block id more often than it occurs in a long log', () => {
    const miner = new TemplateMiner();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`Receiving block blk_${1000 + i} of size ${i % 7}`);
    for (const l of lines) miner.add(l);
    const template = miner.templates().find((t) => t.template.startsWith('Receiving block'));
    const ids = template?.parameters.find((p) => p.values.some((v) => v.value.startsWith('blk_')));
    expect(ids?.values.length).toBeGreaterThan(0);
    for (const v of ids?.values ?? []) expect(v.count).toBe(1);
    expect(ids?.more).toBe(true);
    expect(ids?.estimated).toBe(true);
  });
});
