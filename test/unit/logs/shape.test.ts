import { describe, expect, it } from 'vitest';
import { createHeaderParser } from '../../../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../../../lambdas/core/logs/miner.ts';
import { SHAPE_MAX_CHARS, shapeHash } from '../../../lambdas/core/logs/shape.ts';
import { tokenize } from '../../../lambdas/core/logs/tokenize.ts';
import { fixtureLines, SYSTEMS } from './fixtures.ts';

describe('message shapes', () => {
  it('gives messages that differ only in values one shape', () => {
    expect(shapeHash('block blk_123 of size 512 from 10.0.0.1')).toBe(
      shapeHash('block blk_98765 of size 67108864 from 10.250.19.102'),
    );
    expect(shapeHash('req 7fa823a0-1b2c-4d5e-8f90-1a2b3c4d5e6f done')).toBe(
      shapeHash('req 0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e done'),
    );
  });

  it('tells apart messages whose words differ, word-like constants with digits included', () => {
    expect(shapeHash('link up on eth0')).not.toBe(shapeHash('link up on eth1'));
    expect(shapeHash('session opened')).not.toBe(shapeHash('session closed'));
    expect(shapeHash('a b')).not.toBe(shapeHash('a  b'));
  });

  it('only ever puts messages with one key in one shape (checked on every excerpt)', () => {
    for (const system of SYSTEMS) {
      const lines = fixtureLines(system);
      const parser = createHeaderParser(lines);
      const keys = new Map<number, string>();
      for (const line of lines) {
        const content = parser.parse(line).content;
        const shape = shapeHash(content);
        const key = tokenize(content).key;
        expect(keys.get(shape) ?? key).toBe(key);
        keys.set(shape, key);
      }
    }
  });

  it('hashes long messages, with one key per shape past the token cap too', () => {
    // 340 tokens (the cap is 256), 849 and 1,019 characters.
    const long = (value: string) => Array.from({ length: 170 }, (_, i) => `k${i % 7} ${value}`).join(' ');
    expect(tokenize(long('98')).count).toBe(256);
    expect(shapeHash(long('1'))).not.toBe(-1);
    expect(shapeHash(long('1'))).toBe(shapeHash(long('98')));
    expect(tokenize(long('1')).key).toBe(tokenize(long('98')).key);
    expect(shapeHash('x'.repeat(SHAPE_MAX_CHARS + 1))).toBe(-1);
  });

  it('mines the same templates with the shape shortcut as without it', () => {
    for (const system of SYSTEMS) {
      const lines = fixtureLines(system);
      const parser = createHeaderParser(lines);
      const run = (shapeCache: boolean) => {
        const miner = new TemplateMiner({ shapeCache });
        for (let r = 0; r < 3; r++) for (const line of lines) miner.add(parser.parse(line).content);
        miner.finalize();
        return miner.templates().map((t) => [t.template, t.count]);
      };
      expect(run(true)).toEqual(run(false));
    }
  });
});
