import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { changelogNotes, generateChangelog } from '../../../../lambdas/core/changelog/index.ts';
import { API_NOTE_WORDS } from '../../../../lambdas/core/use-cases/changelogs.ts';
import { renderWith } from '../../test-utils.tsx';
import { ChangelogView } from './ChangelogView.tsx';

/** What the API answers for a changelog the generator made of these commits. */
function changelogOf(commits: string[], notes: string[] = []) {
  const generated = generateChangelog({ commits, date: '2026-12-07' });
  return {
    id: 'c1',
    version: generated.version,
    previousVersion: generated.previousVersion,
    date: generated.date,
    bump: generated.bump,
    markdown: generated.markdown,
    highlights: null,
    notes,
    createdAt: '2026-12-07T04:00:00Z',
    sections: generated.sections.map((section) => ({
      title: section.title,
      kind: section.kind,
      items: section.items.map(({ type, rawType, scope, description, hash, pr, breaking }) => ({
        type,
        rawType,
        scope,
        description,
        hash,
        pr,
        breaking,
      })),
    })),
  };
}

describe('ChangelogView of commit text that Markdown would misread', () => {
  it('previews the text as written and offers the escaped Markdown to copy', () => {
    renderWith(
      <ChangelogView changelog={changelogOf(['fix: a <b> *c* _d_', 'fix(deps): bump @babel/core'])} />,
    );
    // The preview renders the structured items as text: no tag, no emphasis, no backslashes.
    expect(screen.getByText('a <b> *c* _d_')).toBeTruthy();
    expect(screen.getByText('bump @babel/core')).toBeTruthy();
    expect(document.querySelector('section b, section em')).toBeNull();
    // The Markdown tab shows the text that goes to GitHub, escaped.
    const markdown = screen.getByLabelText('Changelog Markdown');
    expect(markdown.textContent).toContain('* a &lt;b&gt; \\*c\\* \\_d\\_');
    expect(markdown.textContent).toContain('* **deps:** bump `@babel/core`');
  });

  it('shows what was left out or read leniently, apart from the release notes', () => {
    const note = '1 message left out as not conventional; "fet: add x" looks like "feat:"';
    renderWith(<ChangelogView changelog={changelogOf(['fix: a', 'fet: add x'], [note])} />);
    expect(screen.getByText('Left out or read leniently')).toBeTruthy();
    expect(screen.getByText(note)).toBeTruthy();
    const markdown = screen.getByLabelText('Changelog Markdown');
    expect(markdown.textContent).not.toContain('looks like');
  });

  it("words the API's notes for the console: the checkbox, not the request field it stands for", () => {
    const commits = ['fix: a', 'update readme', 'fet: add x'];
    const notes = changelogNotes(generateChangelog({ commits, date: '2026-12-07' }), {}, API_NOTE_WORDS);
    expect(notes.join(' ')).toContain('includeOther');
    renderWith(<ChangelogView changelog={changelogOf(commits, notes)} />);
    const alert = screen.getByText('Left out or read leniently').closest('[role="alert"]');
    expect(alert?.textContent).toContain('tick “Keep other messages” to list them');
    expect(alert?.textContent).not.toContain('includeOther');
  });

  it('shows an Other changes item under its type as written, as the Markdown does', () => {
    renderWith(
      <ChangelogView
        changelog={changelogOf([
          'feat(api): add x',
          'console: the ticket page names its team',
          'README: setup',
        ])}
      />,
    );
    const items = [...document.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toContain('console: the ticket page names its team');
    expect(items).toContain('README: setup');
    // A mapped section keeps showing the scope alone.
    expect(items.some((text) => text?.startsWith('api: add x'))).toBe(true);
    const markdown = screen.getByLabelText('Changelog Markdown').textContent ?? '';
    expect(markdown).toContain('* console: the ticket page names its team');
  });
});
