/**
 * Reads a published CHANGELOG.md in the conventional-changelog layout (what release-please, standard-version and
 * conventional-changelog write) back into releases, sections and items, and scores one rendering against
 * another item by item. Used by the real-history mode of `npm run bench:changelog`: regenerate each release
 * from its tag range, parse both Markdown texts the same way, compare.
 *
 * Layouts accepted: `## [1.2.0](…/compare/v1.1.0...v1.2.0) (2024-05-01)`, `### [1.0.1](…)` (patch releases of
 * older presets), `# [2.0.0](…)` (angular majors), `## 1.0.0 (2024-05-01)`, `## v1.0.0`, `## [1.0.0] - date`;
 * section headings at any level below; items `* …` or `- …`, with `* **scope:**` groups of nested items.
 */
import { versionFromTag } from './semver.ts';

export interface PublishedSection {
  title: string;
  /** Item texts as written (first line of each item; nested scope groups flattened to `**scope:** text`). */
  items: string[];
}

export interface PublishedRelease {
  version: string;
  /** Tags of the compare link in the heading, when it has one. */
  previousTag: string | null;
  currentTag: string | null;
  date: string | null;
  /** 1-based line of the heading. */
  line: number;
  sections: PublishedSection[];
}

const HEADING = /^(#{1,4})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const COMPARE = /\/compare\/([^)\s]+?)\.\.\.?([^)\s]+?)\)/;
const DATE = /\b(\d{4}-\d{2}-\d{2})\b/;
const ITEM = /^([ \t]*)[*-][ \t]+(.*)$/;

/**
 * The version a release heading names (`[1.2.0](…)`, `v1.2.0`, `Release v1.2.0`, `pkg@1.2.0`), or `null` for
 * any other heading (`# Changelog`, `### Features`). Only the words before a link or a date are looked at.
 */
function headingVersion(text: string): string | null {
  const words = text
    .replace(/\(.*$/, '')
    .split(/[\s[\]]+/)
    .slice(0, 4);
  for (const word of words) {
    const version = word === '' ? null : versionFromTag(word.replace(/[:,]$/, ''));
    if (version) return version;
  }
  return null;
}

function startRelease(text: string, version: string, line: number): PublishedRelease {
  const compare = COMPARE.exec(text);
  return {
    version,
    previousTag: compare?.[1] ? decodeURIComponent(compare[1]) : null,
    currentTag: compare?.[2] ? decodeURIComponent(compare[2]) : null,
    date: DATE.exec(text.replace(COMPARE, ''))?.[1] ?? null,
    line,
    sections: [],
  };
}

/** Parses every release of a CHANGELOG.md, newest first as written. */
export function parsePublishedChangelog(markdown: string): PublishedRelease[] {
  const releases: PublishedRelease[] = [];
  let release: PublishedRelease | null = null;
  let section: PublishedSection | null = null;
  let scope: string | null = null;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  for (const [index, line] of lines.entries()) {
    const heading = HEADING.exec(line);
    if (heading) {
      const text = heading[2] ?? '';
      const version = headingVersion(text);
      scope = null;
      if (version !== null) {
        release = startRelease(text, version, index + 1);
        releases.push(release);
        section = null;
      } else if (release !== null && (heading[1] ?? '').length > 1) {
        section = { title: text.trim(), items: [] };
        release.sections.push(section);
      }
      continue;
    }
    const item = ITEM.exec(line);
    if (!item || section === null) continue;
    const nested = (item[1] ?? '') !== '';
    const text = (item[2] ?? '').trim();
    if (!nested) {
      // `* **scope:**` alone opens a group of nested items (the group-by-scope layout).
      scope = /^\*\*([^*]+):\*\*$/.exec(text)?.[1] ?? null;
      if (scope === null) section.items.push(text);
    } else if (scope !== null) {
      section.items.push(`**${scope}:** ${text}`);
    }
  }
  return releases;
}

/** A markdown link `[text](url)` → `text`. */
const LINK = /\[([^\]]*)\]\([^)\s]*\)/g;
/** Reference groups a renderer appends after the description: `(#12)`, `(abc1234)`, `, closes #3 #4`. */
const TRAILING_REFS = /(?:[ \t]+\((?:#\d+|[0-9a-f]{7,40})\))+$/;
const TRAILING_CLOSES = /,[ \t]+(?:closes|refs)[ \t]+#\d+(?:[ \t,]+#\d+)*$/i;

/**
 * An item's identity for scoring: links reduced to their text, the appended references (PR, commit, closed
 * issues) removed, HTML entities of `<`, `>` and `&` decoded, backslash escapes removed and a scoped package
 * name's code span (`` `@babel/core` ``, how our Markdown writes one) unwrapped, whitespace collapsed: a text
 * escaped and one written raw compare equal. Case is kept: see `itemKey` for the case-insensitive form.
 */
export function itemText(item: string): string {
  let text = item.replace(LINK, '$1');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(TRAILING_CLOSES, '').replace(TRAILING_REFS, '').trim();
  }
  return text
    .replace(/`(@[^`\s/]+\/[^`\s]+)`/g, '$1')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Section title and item text, case-folded: two renderings of the same change compare equal. */
export function itemKey(section: string, item: string): string {
  const title = section.replace(/\s+/g, ' ').trim().toLowerCase();
  return `${title}\u0000${itemText(item).toLowerCase()}`;
}

export interface ItemScore {
  /** Items in both (as multisets). */
  matched: number;
  produced: number;
  expected: number;
  /** Keys only one side has, for a report. */
  missing: string[];
  extra: string[];
}

/** Distinct items: a line listed twice in one section is one item (release-please repeats some, we do not). */
function keys(sections: readonly PublishedSection[]): string[] {
  return [...new Set(sections.flatMap((s) => s.items.map((item) => itemKey(s.title, item))))];
}

/** Item-level comparison of a regenerated release with the published one (distinct section + item pairs). */
export function scoreRelease(
  produced: readonly PublishedSection[],
  expected: readonly PublishedSection[],
): ItemScore {
  const pool = new Map<string, number>();
  for (const key of keys(expected)) pool.set(key, (pool.get(key) ?? 0) + 1);
  let matched = 0;
  const extra: string[] = [];
  const producedKeys = keys(produced);
  for (const key of producedKeys) {
    const left = pool.get(key) ?? 0;
    if (left > 0) {
      matched++;
      pool.set(key, left - 1);
    } else {
      extra.push(key);
    }
  }
  const missing = [...pool].flatMap(([key, count]) => Array<string>(count).fill(key));
  return { matched, produced: producedKeys.length, expected: matched + missing.length, missing, extra };
}

export interface F1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1; an empty side counts as perfect (nothing to find, nothing wrong). */
export function f1Score(matched: number, produced: number, expected: number): F1 {
  const precision = produced === 0 ? 1 : matched / produced;
  const recall = expected === 0 ? 1 : matched / expected;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
