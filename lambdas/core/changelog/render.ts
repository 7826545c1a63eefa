/**
 * Markdown in the conventional-changelog-conventionalcommits / release-please layout:
 *
 *   ## [1.2.0](https://github.com/o/r/compare/v1.1.0...v1.2.0) (2024-05-01)
 *
 *   ### ⚠ BREAKING CHANGES
 *
 *   * **api:** the note text
 *
 *   ### Features
 *
 *   * **api:** add pagination ([#123](https://github.com/o/r/issues/123)) ([abc1234](https://github.com/o/r/commit/abc1234…))
 *
 * Descriptions keep their first letter and read as the commit wrote them once rendered: text that Markdown or
 * GitHub would take as HTML, emphasis, a link, a heading or a team mention is escaped (`markdown-escape.ts`);
 * the JSON keeps the text unescaped.
 */
import { escapeMarkdownInline, escapeMarkdownLineStart, escapeMarkdownNote } from './markdown-escape.ts';
import { type Changelog, type ChangelogItem, type ChangelogSection, UNRELEASED_TITLE } from './types.ts';

export interface RenderOptions {
  repositoryUrl: string | null;
  previousTag: string | null;
  currentTag: string | null;
  groupByScope: boolean;
  includeContributors: boolean;
}

/** What a refused repository URL is told, wherever it came from (API field, `--repo-url`, config file). */
export const REPOSITORY_URL_PROBLEM =
  'must be a repository web address such as https://github.com/owner/repo (or git@github.com:owner/repo.git)';

/** Path segments a repository address is made of: no spaces, quotes, parentheses or brackets to break a link. */
const REPOSITORY_WEB_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[\w.~%+-]+)+$/;

/**
 * The one check of a repository address, for the API, the command line and config files: `https://github.com/o/r.git/`,
 * `git@github.com:o/r.git` and `ssh://git@host/o/r` all become `https://github.com/o/r`; `null` when the text is
 * not a repository address (`ftp://x`, `not a url`, `javascript:alert(1)//`), so no link is ever made of it.
 */
export function normaliseRepositoryUrl(url: string): string | null {
  let text = url.trim();
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)([\w.~%+/-]+)$/.exec(text);
  if (scp && !/^https?:/i.test(text)) text = `https://${scp[1]}/${scp[2]}`;
  text = text.replace(/^(?:ssh|git|git\+ssh|git\+https):\/\/(?:[^@/]+@)?/i, 'https://');
  text = text.replace(/\/+$/, '').replace(/\.git$/, '');
  return REPOSITORY_WEB_URL.test(text) ? text : null;
}

/** `#12` in a description; not `&#12;` (written out as `&amp;#12;`, the character reference the commit wrote). */
const ISSUE_IN_TEXT = /(^|[^\w/&[;])#(\d+)\b/g;

function linkIssues(text: string, repo: string | null): string {
  if (!repo) return text;
  return text.replace(
    ISSUE_IN_TEXT,
    (_, before: string, issue: string) => `${before}[#${issue}](${repo}/issues/${issue})`,
  );
}

function issueRef(issue: number, repo: string | null): string {
  return repo ? `[#${issue}](${repo}/issues/${issue})` : `#${issue}`;
}

/** "Other changes" shows an unmapped type as its header does (`deps(api): …`), having no section to say it. */
function lead(item: ChangelogItem, kind: ChangelogSection['kind'], withScope: boolean): string {
  const type = item.rawType ?? item.type;
  if (kind === 'other' && type)
    return `${escapeMarkdownLineStart(`${type}${item.scope ? `(${item.scope})` : ''}`)}: `;
  return withScope && item.scope ? scopeLabel(item.scope) : '';
}

/** `**scope:** `, the scope escaped so that `a**b` cannot close the bold early. */
function scopeLabel(scope: string): string {
  return `**${escapeMarkdownInline(scope)}:** `;
}

/** The description as Markdown: at the start of the item's line unless a scope or type stands before it. */
function descriptionMarkdown(item: ChangelogItem, kind: ChangelogSection['kind'], lead: string): string {
  if (kind === 'breaking') return escapeMarkdownNote(item.description);
  return lead === '' ? escapeMarkdownLineStart(item.description) : escapeMarkdownInline(item.description);
}

function itemText(
  item: ChangelogItem,
  repo: string | null,
  kind: ChangelogSection['kind'],
  withScope: boolean,
): string {
  const withHash = kind !== 'breaking';
  const before = lead(item, kind, withScope);
  let line = `${before}${linkIssues(descriptionMarkdown(item, kind, before), repo)}`;
  if (item.pr !== null) line += ` (${issueRef(item.pr, repo)})`;
  if (withHash && item.hash) {
    line += repo ? ` ([${item.shortHash}](${repo}/commit/${item.hash}))` : ` (${item.shortHash})`;
  }
  const mentioned = new Set([...item.description.matchAll(/#(\d+)/g)].map((m) => Number(m[1])));
  const closes = item.issues.filter((issue) => !mentioned.has(issue));
  if (closes.length > 0) line += `, closes ${closes.map((i) => issueRef(i, repo)).join(' ')}`;
  return line;
}

function renderSection(section: ChangelogSection, repo: string | null, groupByScope: boolean): string[] {
  const lines = [`### ${escapeMarkdownInline(section.title)}`, ''];
  if (!groupByScope || section.kind === 'other') {
    for (const item of section.items) lines.push(`* ${itemText(item, repo, section.kind, true)}`);
    return lines;
  }
  const groups = new Map<string | null, ChangelogItem[]>();
  for (const item of section.items) {
    const group = groups.get(item.scope);
    if (group) group.push(item);
    else groups.set(item.scope, [item]);
  }
  for (const [scope, items] of groups) {
    if (scope === null || items.length === 1) {
      for (const item of items) lines.push(`* ${itemText(item, repo, section.kind, true)}`);
      continue;
    }
    lines.push(`* ${scopeLabel(scope).trimEnd()}`);
    for (const item of items) lines.push(`  * ${itemText(item, repo, section.kind, false)}`);
  }
  return lines;
}

export function renderMarkdown(changelog: Omit<Changelog, 'markdown'>, options: RenderOptions): string {
  const repo = options.repositoryUrl ? normaliseRepositoryUrl(options.repositoryUrl) : null;
  const title = changelog.version ?? UNRELEASED_TITLE;
  const compare =
    repo && changelog.version && options.previousTag && options.currentTag
      ? `${repo}/compare/${options.previousTag}...${options.currentTag}`
      : null;
  const lines = [`## ${compare ? `[${title}](${compare})` : title} (${changelog.date})`, ''];
  for (const section of changelog.sections) {
    lines.push(...renderSection(section, repo, options.groupByScope), '');
  }
  if (options.includeContributors && changelog.contributors.length > 0) {
    lines.push('### Contributors', '');
    for (const person of changelog.contributors) lines.push(`* ${escapeMarkdownLineStart(person.name)}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The JSON form (`--format json`, API clients): everything but the Markdown, which is its own rendering. */
export function changelogToJson(changelog: Changelog): Omit<Changelog, 'markdown'> {
  const { markdown: _markdown, ...rest } = changelog;
  return rest;
}
