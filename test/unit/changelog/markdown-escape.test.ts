import { describe, expect, it } from 'vitest';
import { generateChangelog, itemText } from '../../../lambdas/core/changelog/index.ts';
import {
  escapeMarkdownInline,
  escapeMarkdownLineStart,
} from '../../../lambdas/core/changelog/markdown-escape.ts';

const DATE = '2024-05-01';

/** The Markdown line of the one item a single commit makes (first item under its section). */
function itemLine(message: string, options: Parameters<typeof generateChangelog>[0]['options'] = {}): string {
  const markdown = generateChangelog({ commits: [message], date: DATE, options }).markdown;
  const line = markdown.split('\n').find((l) => l.startsWith('* '));
  if (line === undefined) throw new Error(`no item in\n${markdown}`);
  return line;
}

describe('changelog Markdown escaping (pasted into GitHub Releases)', () => {
  it('a plain commit subject renders exactly as written, without a single escape', () => {
    for (const subject of [
      'add pagination to the ticket list',
      'handle snake_case keys, 2 * 3 = 6 and R&D budgets',
      'support node 22 (LTS) - see docs/setup.md; thanks @octocat',
      'rename foo_bar_baz to qux.quux, keep 100% coverage #12',
    ]) {
      expect(itemLine(`fix: ${subject}`)).toMatch(
        new RegExp(`^\\* ${subject.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}`),
      );
    }
  });

  it('an unclosed <b> is text: < and > become &lt; and &gt;, *c* and _d_ are not emphasis', () => {
    expect(itemLine('fix: a <b> *c* _d_')).toBe('* a &lt;b&gt; \\*c\\* \\_d\\_');
  });

  it('__init__ is not bold: underscores at the edge of a word are escaped, inside one they are not', () => {
    expect(itemLine('fix: handle __init__ files')).toBe('* handle \\_\\_init\\_\\_ files');
    expect(itemLine('fix: read snake_case keys')).toBe('* read snake_case keys');
  });

  it('<EMAIL>, <NAME>, <HOST#1> placeholders and --input <file|-> stay visible', () => {
    expect(itemLine('fix: mask <EMAIL>, <NAME> and <HOST#1>')).toBe(
      '* mask &lt;EMAIL&gt;, &lt;NAME&gt; and &lt;HOST#1&gt;',
    );
    expect(itemLine('feat(cli): read --input <file|->')).toBe('* **cli:** read --input &lt;file|-&gt;');
  });

  it('a scoped npm package such as @babel/core becomes a code span, so GitHub makes no team mention', () => {
    expect(itemLine('fix(deps): bump @babel/core from 7.1.0 to 7.2.0')).toBe(
      '* **deps:** bump `@babel/core` from 7.1.0 to 7.2.0',
    );
    expect(itemLine('fix(deps): update @types/node@20.1.0.')).toBe(
      '* **deps:** update `@types/node@20.1.0`.',
    );
    // A person's mention is meant, and an e-mail address is no mention.
    expect(itemLine('fix: thanks @octocat, mail ops@example.com/x')).toBe(
      '* thanks @octocat, mail ops@example.com/x',
    );
  });

  it('text inside an inline code span is left untouched', () => {
    expect(itemLine('fix: keep `a <b> *c* __d__ @babel/core` as is')).toBe(
      '* keep `a <b> *c* __d__ @babel/core` as is',
    );
    expect(escapeMarkdownInline('run ``a ` b`` <x>')).toBe('run ``a ` b`` &lt;x&gt;');
    // A backtick that closes nothing cannot pair with a later one.
    expect(escapeMarkdownInline('it`s <x>')).toBe('it\\`s &lt;x&gt;');
  });

  it('links, images and entities in a subject are text; bare addresses stay links', () => {
    expect(itemLine('fix: see [docs](http://e.com) and ![x](y.png)')).toBe(
      '* see \\[docs\\](http://e.com) and !\\[x\\](y.png)',
    );
    expect(itemLine('fix: render &nbsp; and &#64; as written')).toBe(
      '* render &amp;nbsp; and &amp;#64; as written',
    );
    expect(itemLine('fix: see https://x.io/_next/a_b.')).toBe('* see https://x.io/_next/a_b.');
    // GitHub ends an address before a trailing `_`, so that one is text and escaped.
    expect(itemLine('fix: see https://x.io/a_b_')).toBe('* see https://x.io/a_b\\_');
    expect(itemLine('fix: [skip ci is not a link')).toBe('* [skip ci is not a link');
  });

  it('an item that starts with #, -, + or 1. does not become a heading or a nested list', () => {
    const other = { includeOther: true };
    expect(itemLine('# heading', other)).toBe('* \\# heading');
    expect(itemLine('- not a sublist', other)).toBe('* \\- not a sublist');
    expect(itemLine('1. not ordered', other)).toBe('* 1\\. not ordered');
    expect(itemLine('* not a sublist', other)).toBe('* \\* not a sublist');
    // An issue number at the start is still linked, not escaped.
    expect(escapeMarkdownLineStart('#12 follow-up')).toBe('#12 follow-up');
  });

  it('a scope with ** cannot close the bold early', () => {
    expect(itemLine('feat(a**b): x')).toBe('* **a\\*\\*b:** x');
    const grouped = generateChangelog({
      commits: ['feat(_a_): x', 'feat(_a_): y'],
      date: DATE,
      options: { groupByScope: true },
    }).markdown;
    expect(grouped).toContain('* **\\_a\\_:**\n  * x\n  * y\n');
  });

  it('a breaking note keeps its extra context list, escaped inside', () => {
    const markdown = generateChangelog({
      commits: ['feat!: drop v1\n\nBREAKING CHANGE: v1 <gone>\n- use *v2*\n- see __docs__'],
      date: DATE,
    }).markdown;
    expect(markdown).toContain('* v1 &lt;gone&gt;\n    - use \\*v2\\*\n    - see \\_\\_docs\\_\\_\n');
  });

  it('contributor names and section titles are escaped too', () => {
    const markdown = generateChangelog({
      commits: [{ message: 'fix: x', author: '_bot_ <ci>' }],
      date: DATE,
      options: { includeContributors: true, sections: [{ type: 'fix', section: 'Fixes <v2>' }] },
    }).markdown;
    expect(markdown).toContain('### Fixes &lt;v2&gt;\n');
    expect(markdown).toContain('### Contributors\n\n* \\_bot\\_ &lt;ci&gt;\n');
  });

  it('issue references are still linked, and the JSON keeps the text unescaped', () => {
    const changelog = generateChangelog({
      commits: ['fix: a <b> for #7 (#9)'],
      date: DATE,
      repositoryUrl: 'https://github.com/o/r',
    });
    expect(changelog.markdown).toContain(
      '* a &lt;b&gt; for [#7](https://github.com/o/r/issues/7) ([#9](https://github.com/o/r/issues/9))',
    );
    expect(changelog.sections[0]?.items[0]?.description).toBe('a <b> for #7');
  });

  it('the scoring reads an escaped item and the same item written raw as equal', () => {
    expect(itemText('bump `@babel/core` for \\_\\_init\\_\\_ &lt;x&gt;')).toBe(
      'bump @babel/core for __init__ <x>',
    );
  });
});
