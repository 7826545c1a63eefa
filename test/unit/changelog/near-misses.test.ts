/**
 * Subjects that nearly are conventional headers, gitmoji subjects and autosquash leftovers: what is read, what
 * is only pointed out, and the notes that say so (never a silent guess). The sections themselves are covered by
 * the fixtures `near-misses.json` and `gitmoji.json`.
 */
import { describe, expect, it } from 'vitest';
import { leadingEmoji } from '../../../lambdas/core/changelog/gitmoji.ts';
import {
  type ChangelogInput,
  changelogNotes,
  GITMOJIS,
  generateChangelog,
  type NoteWords,
} from '../../../lambdas/core/changelog/index.ts';
import { repairHeader, resemblingType } from '../../../lambdas/core/changelog/near-miss.ts';
import { resolveSections } from '../../../lambdas/core/changelog/sections.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';

const WORDS: NoteWords = {
  includeOther: '--include-other',
  unknownTypes: '--unknown-types',
  sections: '--sections',
  sectionRule: (rule) => `--sections '[${rule}]'`,
};
const known = resolveSections(null).knownTypes;

function run(commits: string[], options: ChangelogInput['options'] = {}) {
  const changelog = generateChangelog({ commits, previousVersion: '1.0.0', date: '2024-05-01', options });
  return { changelog, notes: changelogNotes(changelog, options, WORDS) };
}

const titles = (changelog: ReturnType<typeof generateChangelog>) => changelog.sections.map((s) => s.title);

describe('a header whose punctuation is off', () => {
  it('is read as its type, and a note names each one read that way', () => {
    const { changelog, notes } = run(['feat(api) add z', 'feat : add x', 'fix: y']);
    expect(changelog.version).toBe('1.1.0');
    expect(changelog.stats).toMatchObject({ conventional: 3, repairedHeaders: 2, suspectedHeaders: 0 });
    expect(notes).toEqual([
      '2 commits read as conventional although the punctuation of the header is off: ' +
        '"feat(api) add z" as "feat(api):", "feat : add x" as "feat:"',
    ]);
  });

  it('needs a type of the section map written in full', () => {
    expect(repairHeader('feat(api) add z', known)?.reading).toBe('feat(api): add z');
    expect(repairHeader('Feat!(api) : drop v1', known)?.reading).toBe('Feat(api)!: drop v1');
    expect(repairHeader('fet(api) add z', known)).toBeNull();
    expect(repairHeader('Update (docs) wording', known)).toBeNull();
    expect(repairHeader('Fix (#12) crash', known)).toBeNull();
    expect(repairHeader('fix typo', known)).toBeNull();
  });
});

describe('a type that looks like a slip of a known one', () => {
  it('is not read as that type: it stays under Other changes, and the note says what it looks like and how to file it', () => {
    const { changelog, notes } = run(['fet: export CSV', 'fxi: y', 'chore: z']);
    expect(titles(changelog)).toEqual(['Other changes']);
    expect(changelog.version).toBe('1.0.1');
    expect(changelog.stats.nearMisses).toEqual([
      { kind: 'unknown-type', header: 'fet: export CSV', reading: 'feat: export CSV', type: 'feat' },
      { kind: 'unknown-type', header: 'fxi: y', reading: 'fix: y', type: 'fix' },
    ]);
    expect(notes).toEqual([
      '2 commits listed under Other changes have a type that looks like a slip: "fet: export CSV" looks like ' +
        '"feat:", "fxi: y" like "fix:"; a section rule files such a type where it belongs: ' +
        `--sections '[{"type":"fet","section":"Features"},{"type":"fxi","section":"Bug Fixes"}]'`,
    ]);
  });

  it('filed under Features by the rule the note suggests, is released as a feature', () => {
    const { changelog, notes } = run(['fet: export CSV', 'fix: y'], {
      sections: [{ type: 'fet', section: 'Features' }],
    });
    expect(titles(changelog)).toEqual(['Features', 'Bug Fixes']);
    expect(changelog.version).toBe('1.1.0');
    expect(notes).toEqual([]);
  });

  it('suggests a hidden rule for a hidden type', () => {
    expect(run(['tests: cover x', 'fix: y']).notes[0]).toContain(
      `'[{"type":"tests","section":"Tests","hidden":true}]'`,
    );
  });

  it('is named in the left-out note with unknownTypes hide, and in the refusal with unknownTypes error', () => {
    expect(run(['fet: x', 'wip: y', 'fix: z'], { unknownTypes: 'hide' }).notes).toEqual([
      '2 commits of types outside the section map left out (fet, wip); "fet: x" looks like "feat:"; ' +
        'see --unknown-types',
    ]);
    expect(() => run(['fet: x'], { unknownTypes: 'error' })).toThrow(
      new ValidationError(
        'input.commits[0].message',
        'has type "fet", which has no section (known: feat, feature, fix, security, perf, revert, docs, style, ' +
          'chore, refactor, test, build, ci); did you mean "feat"? add a section for it or allow unknown types',
      ),
    );
  });

  it('is one edit or an ending away, both at least three letters long', () => {
    expect(resemblingType('fet', known)).toBe('feat');
    expect(resemblingType('feta', known)).toBe('feat');
    expect(resemblingType('fxi', known)).toBe('fix');
    expect(resemblingType('fixes', known)).toBe('fix');
    expect(resemblingType('tests', known)).toBe('test');
    expect(resemblingType('FEET', known)).toBe('feat');
    expect(resemblingType('cli', known)).toBeNull();
    expect(resemblingType('api', known)).toBeNull();
    expect(resemblingType('deps', known)).toBeNull();
    expect(resemblingType('feat', known)).toBeNull();
  });
});

describe('a type of the map without its colon', () => {
  it('stays a plain message; the note that leaves it out says what it looks like', () => {
    const { changelog, notes } = run(['feat add x', 'Fix typo', 'fix: y']);
    expect(titles(changelog)).toEqual(['Bug Fixes']);
    expect(notes).toEqual([
      '2 of 3 commits are not conventional commits and are left out; "feat add x" looks like "feat:"; ' +
        'see --include-other',
    ]);
  });

  it('listed with includeOther, is still pointed out', () => {
    expect(run(['feat add x'], { includeOther: true }).notes).toEqual([
      '1 commit listed under Other changes as a plain message looks like a header without its colon: ' +
        '"feat add x" looks like "feat:"',
    ]);
  });
});

describe('fixup!, squash! and amend! commits', () => {
  it('are never listed, bump nothing, and are counted in a note of their own', () => {
    const { changelog, notes } = run(
      ['fixup! feat: add x', 'squash! fix: y\n\nfeat!: more\n\nBREAKING CHANGE: gone', 'amend! fix: y'],
      { includeOther: true },
    );
    expect(changelog.sections).toEqual([]);
    expect(changelog.bump).toBe('none');
    expect(changelog.stats).toMatchObject({ commits: 3, autosquash: 3, nonConventional: 0, conventional: 0 });
    expect(notes).toEqual([
      '3 fixup!/squash!/amend! commits left out: such commits are meant to be squashed into the commit they name ' +
        '(git rebase --autosquash), never listed in a changelog',
      'nothing to release: of 3 commits, 3 fixup!/squash!/amend!; --sections shows a hidden type, ' +
        '--include-other plain messages',
    ]);
  });

  it('are recognised only as git writes them', () => {
    const { changelog } = run(['Fixup! feat: a', 'fixup!feat: b'], { includeOther: true });
    expect(changelog.stats.autosquash).toBe(0);
  });
});

describe('gitmoji', () => {
  it('has the 74 emoji of the official list (gitmojis 3.15.0), each once, each typed by the default map or breaking', () => {
    expect(GITMOJIS).toHaveLength(74);
    expect(new Set(GITMOJIS.map((g) => g.code)).size).toBe(74);
    expect(new Set(GITMOJIS.map((g) => g.emoji)).size).toBe(74);
    for (const gitmoji of GITMOJIS) {
      if (gitmoji.type === null) expect(gitmoji.code).toBe('boom');
      else expect(known.has(gitmoji.type), gitmoji.code).toBe(true);
    }
  });

  it('reads an emoji with or without its variation selector, a ZWJ sequence whole, and a shortcode', () => {
    expect(leadingEmoji('⚡️ faster')?.gitmojis[0]?.code).toBe('zap');
    expect(leadingEmoji('⚡ faster')?.gitmojis[0]?.code).toBe('zap');
    expect(leadingEmoji('🧑‍💻 nicer scripts')?.gitmojis.map((g) => g.code)).toEqual(['technologist']);
    expect(leadingEmoji(':bug: (api): x')).toMatchObject({ written: '🐛', rest: '(api): x' });
    expect(leadingEmoji(':tada-not-a-gitmoji: x')).toBeNull();
  });

  it('💥 alone bumps major and is listed under BREAKING CHANGES only', () => {
    const { changelog } = run(['💥 remove the /v1 endpoints']);
    expect(changelog.version).toBe('2.0.0');
    expect(titles(changelog)).toEqual(['⚠ BREAKING CHANGES']);
    expect(changelog.stats.gitmoji).toBe(1);
  });

  it('a rule naming a gitmoji by its code moves that gitmoji only', () => {
    const { changelog } = run(['🔧 update the eslint config', '🐛 fix the crash', '💄 align icons'], {
      sections: [
        { type: 'lipstick', section: 'Interface' },
        { type: 'wrench', section: 'Chores', hidden: true },
      ],
    });
    expect(changelog.sections.map((s) => [s.title, s.items.map((i) => i.description)])).toEqual([
      ['Bug Fixes', ['🐛 fix the crash']],
      ['Interface', ['💄 align icons']],
    ]);
  });
});

describe('GitHub revert pull requests in a git history', () => {
  it('cancel the commit whose subject they quote', () => {
    const hash = (digit: string) => digit.repeat(40);
    const changelog = generateChangelog({
      commits: [
        { hash: hash('a'), message: 'Revert "feat(api): add search (#117)" (#118)\n\nReverts octo/app#117' },
        { hash: hash('b'), message: 'feat(api): add search (#117)' },
        { hash: hash('c'), message: 'fix: y' },
      ],
      date: '2024-05-01',
    });
    expect(titles(changelog)).toEqual(['Bug Fixes']);
    expect(changelog.stats.reverted).toBe(2);
  });
});
