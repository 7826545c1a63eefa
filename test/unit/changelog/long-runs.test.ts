/**
 * Messages padded with long runs of spaces, as a request may send them (up to 131,072 characters each):
 * several patterns let two quantifiers take the same spaces and backtracked quadratically (a 30,000-space
 * `Co-authored-by:` trailer hung; `Refs` + spaces took seconds, as did 10,000 subjects ending in spaces).
 */
import { describe, expect, it } from 'vitest';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import { parseCommitMessage } from '../../../lambdas/core/changelog/parse.ts';
import { isFooterOnly } from '../../../lambdas/core/changelog/paste.ts';
import { resolveSections } from '../../../lambdas/core/changelog/sections.ts';
import { oneLine } from '../../../lambdas/core/changelog/syntax.ts';

const spaces = ' '.repeat(30_000);
/** A first line is at most 4,096 characters. */
const short = ' '.repeat(1_900);
const options = { knownTypes: resolveSections(null).knownTypes };

describe('a long run of spaces', () => {
  it('is read in linear time wherever it stands', () => {
    const messages = [
      `feat: x\n\nCo-authored-by: ${spaces}a`,
      `feat: x\n\nRefs:${spaces}a`,
      `feat: x\n\nRefs #1${spaces}a`,
      `feat${short}!${short}x`,
      `feat${short}(api)${short}x`,
      `✨${short}x`,
      `fix: x${short}(#12)${short}`,
      `fix: a${short}\n${spaces}b`,
    ];
    const started = performance.now();
    for (let round = 0; round < 5; round++) {
      for (const message of messages) parseCommitMessage(message, options);
      isFooterOnly(`Refs${spaces}x`);
      const entry = { type: 'fix', description: `a${short}b\n${short}c` };
      generateChangelog({
        commits: [...messages, entry],
        date: '2024-05-01',
        options: { includeOther: true },
      });
    }
    // Quadratic, the first message alone took over 20 s and the Refs line over 2 s.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('leaves what is read from it as it was', () => {
    const [coAuthored] = parseCommitMessage(
      'feat: x\n\nCo-authored-by: Bo  Chen  <bo@example.com>  ',
      options,
    );
    expect(coAuthored?.coAuthors).toEqual([{ name: 'Bo  Chen', email: 'bo@example.com' }]);
    const [anonymous] = parseCommitMessage('feat: x\n\nCo-authored-by: <bot@example.com>', options);
    expect(anonymous?.coAuthors).toEqual([{ name: 'bot@example.com', email: 'bot@example.com' }]);
    const [refs] = parseCommitMessage('fix: x\n\nRefs: #7, #8\nReferences #9', options);
    expect(refs?.issues).toEqual([7, 8, 9]);
    const [pr] = parseCommitMessage('fix: x   (#12)   ', options);
    expect(pr).toMatchObject({ description: 'x', pr: 12 });
    expect(oneLine('a \n\n b')).toBe('a b');
    expect(oneLine('a\r\n  b\n')).toBe('a b ');
    expect(oneLine(' \na')).toBe(' a');
  });
});
