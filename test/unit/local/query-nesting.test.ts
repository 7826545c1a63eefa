import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_NESTING, textNestingDepth } from '../../../local/appsync/depth-limit.ts';

describe('nesting of a query read from its text', () => {
  it('counts braces, brackets and parentheses', () => {
    expect(textNestingDepth('{ a(x: [[1]]) { b { c } } }')).toBe(4);
    expect(textNestingDepth(getIntrospectionQuery())).toBeLessThanOrEqual(MAX_TEXT_NESTING);
  });

  it('does not count brackets in strings, block strings or comments', () => {
    const query = ['{ a(x: "{{[[ \\" ((") # {{{{ (((', '  b(y: """ {{ \\""" [[ """) { c }', '}'].join('\n');
    expect(textNestingDepth(query)).toBe(2);
  });

  it('ends an unterminated string at its line end, so later brackets still count', () => {
    expect(textNestingDepth('{ a(x: "open {{{{\n{ b { c } } }')).toBe(4);
  });

  it('stops once the limit is passed', () => {
    expect(textNestingDepth('{'.repeat(100_000), 5)).toBe(6);
  });
});
