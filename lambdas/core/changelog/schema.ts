/**
 * The generator's input contract, as a zod schema the GraphQL resolver can reuse. Every bound is checked here,
 * before any parsing, and a failure is one `ValidationError` naming the field (`input.commits[3].message`).
 */
import { z } from 'zod';
import { fieldPath, ValidationError } from '../errors.ts';
import { isRealDate } from '../text.ts';
import {
  MAX_COMMITS,
  MAX_MESSAGE_CHARS,
  MAX_SECTION_RULES,
  MAX_SUBJECT_CHARS,
  MAX_TOTAL_CHARS,
} from './limits.ts';
import { normaliseRepositoryUrl, REPOSITORY_URL_PROBLEM } from './render.ts';
import { compareSemVer, parseSemVer } from './semver.ts';
import { oneLine } from './syntax.ts';

const firstLineLength = (text: string): number => {
  const trimmed = text.trimStart();
  const end = trimmed.search(/\r?\n/);
  return end === -1 ? trimmed.trimEnd().length : end;
};

const messageSchema = z
  .string()
  .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`)
  .refine((m) => m.trim() !== '', 'must not be empty')
  .refine(
    (m) => firstLineLength(m) <= MAX_SUBJECT_CHARS,
    `first line must be at most ${MAX_SUBJECT_CHARS} characters`,
  );

const authorSchema = z.union([
  z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  z.object({
    name: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
    email: z.string().trim().max(320, 'must be at most 320 characters').nullish(),
  }),
]);

const hashSchema = z.string().regex(/^[0-9a-fA-F]{4,64}$/, 'must be a hexadecimal commit hash');
const prSchema = z
  .number()
  .int('must be an integer')
  .positive('must be positive')
  .max(2 ** 31 - 1);

export const rawCommitSchema = z.object({
  message: messageSchema,
  hash: hashSchema.nullish(),
  author: authorSchema.nullish(),
  /** Number of parents; more than one marks a true merge commit. */
  parents: z.number().int().min(0).max(1000).nullish(),
});

/**
 * A structured entry's text is one line of the changelog: its line breaks (and the spaces around them) become
 * one space, so `"line1\n\n## heading\n* item"` cannot add a heading or an item to the Markdown, nor be stored
 * with them. Joined rather than refused: text pasted from a pull request body reads fine on one line.
 */

export const structuredEntrySchema = z.object({
  type: z
    .string()
    .trim()
    .regex(/^\w{1,64}$/, 'must be a word such as feat or fix'),
  scope: z.string().trim().max(256, 'must be at most 256 characters').transform(oneLine).nullish(),
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_SUBJECT_CHARS, `must be at most ${MAX_SUBJECT_CHARS} characters`)
    .transform(oneLine),
  breaking: z.boolean().nullish(),
  /** The text for ⚠ BREAKING CHANGES; defaults to the description. One line, as the description. */
  breakingNote: z
    .string()
    .trim()
    .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`)
    .transform(oneLine)
    .nullish(),
  pr: prSchema.nullish(),
  issues: z.array(prSchema).max(100, 'must list at most 100 issues').nullish(),
  author: authorSchema.nullish(),
  hash: hashSchema.nullish(),
});

/** A commit: a raw message, a raw message with metadata, or a structured entry. */
export const commitInputSchema = z.union([messageSchema, rawCommitSchema, structuredEntrySchema]);

export const sectionRuleSchema = z.object({
  type: z
    .string()
    .trim()
    .regex(/^\w{1,64}$/, 'must be a word such as feat or docs')
    .transform((t) => t.toLowerCase()),
  scope: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters').nullish(),
  section: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  hidden: z.boolean().nullish(),
});

const sectionTitleSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

const versionSchema = z
  .string()
  .trim()
  .max(256)
  .refine((v) => parseSemVer(v) !== null, 'must be a semantic version such as 1.2.3');

/** A repository's web address (or a git remote of it), checked by the one function the CLI and links use. */
export const repositoryUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((u) => normaliseRepositoryUrl(u) !== null, REPOSITORY_URL_PROBLEM);

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isRealDate, 'must be a day of the calendar (that month has fewer days)');

const refNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^[^\s~^:?*[\\]+$/, 'must be a tag name');

export const changelogOptionsSchema = z.object({
  /** Section map entries merged over the defaults by type and scope: unhide `docs`, rename a section, add `deps`. */
  sections: z.array(sectionRuleSchema).max(MAX_SECTION_RULES).nullish(),
  /** `sections` is the whole map instead of changes to the defaults (release-please's `changelog-sections`). */
  replaceSections: z.boolean().nullish(),
  /** Entries of a type outside the map: `other` (default, listed under "Other changes"), `hide` or `error`. */
  unknownTypes: z.enum(['other', 'hide', 'error']).nullish(),
  /** Title of the section for unknown types and non-conventional messages (default "Other changes"). */
  otherSection: sectionTitleSchema.nullish(),
  /** Keep non-conventional messages in the "Other changes" section too (default: dropped). */
  includeOther: z.boolean().nullish(),
  /**
   * `cancel` (default, conventional-changelog): a revert and the commit it reverts, both in the range, are both
   * left out. `list` (release-please): nothing cancels, `revert:` commits are listed under Reverts and git's
   * `Revert "…"` messages are not conventional.
   */
  reverts: z.enum(['cancel', 'list']).nullish(),
  /** Read `* type: …` lines of a squash body (GitHub's list of the branch's commits) as commits. */
  bulletCommits: z.boolean().nullish(),
  /** Group the items of each section under their scope in the Markdown. */
  groupByScope: z.boolean().nullish(),
  /** Append a Contributors section to the Markdown (they are always in the structured result). */
  includeContributors: z.boolean().nullish(),
  /** While the version is 0.x, a breaking change bumps the minor version (default true). */
  preMajorBreakingBumpsMinor: z.boolean().nullish(),
  /** While the version is 0.x, a feature bumps the patch version (default true). */
  preMajorFeatureBumpsPatch: z.boolean().nullish(),
});

export const changelogInputSchema = z.object({
  /** Newest first, as `git log` lists them. */
  commits: z
    .array(commitInputSchema)
    .min(1, 'must contain at least one commit message or structured entry')
    .max(MAX_COMMITS, `must contain at most ${MAX_COMMITS} commits`),
  previousVersion: versionSchema.nullish(),
  /**
   * The version being released (release-please's `release-as`): wins over `Release-As:` footers and the bump.
   * Computed from the previous version and the bump when absent.
   */
  version: versionSchema.nullish(),
  repositoryUrl: repositoryUrlSchema.nullish(),
  date: dateSchema.nullish(),
  /** Tags for the compare link; default `v<previousVersion>` and `v<version>`. */
  previousTag: refNameSchema.nullish(),
  currentTag: refNameSchema.nullish(),
  options: changelogOptionsSchema.nullish(),
});

export type ChangelogInput = z.input<typeof changelogInputSchema>;
export type ParsedChangelogInput = z.output<typeof changelogInputSchema>;
export type CommitInput = z.output<typeof commitInputSchema>;
export type RawCommitInput = z.output<typeof rawCommitSchema>;
export type StructuredEntryInput = z.output<typeof structuredEntrySchema>;
export type ChangelogOptions = z.output<typeof changelogOptionsSchema>;

type Issue = z.core.$ZodIssue;

/** zod's wording for a missing or mistyped value, said the way the other problems are said. */
export function problemOf(issue: Issue): string {
  if (issue.code === 'invalid_type') {
    return /received undefined$/.test(issue.message) ? 'is required' : `must be a ${issue.expected}`;
  }
  return issue.message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A union failure lists every branch's issues; report the branch the caller evidently meant (a string is a
 * message, an object with `message` a raw commit, anything else a structured entry) so the field is exact.
 */
function mostRelevant(issue: Issue, root: unknown): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const value = valueAt(root, issue.path);
    const isAuthor = issue.errors.length === 2;
    let branch: number;
    if (typeof value === 'string') branch = 0;
    else if (isAuthor) branch = 1;
    else if (value !== null && typeof value === 'object' && 'message' in value) branch = 1;
    else if (value !== null && typeof value === 'object') branch = 2;
    else return { path: [...issue.path], message: 'must be a commit message or an object' };
    const inner = issue.errors[branch]?.[0];
    if (inner) {
      const nested = mostRelevant({ ...inner, path: [...issue.path, ...inner.path] } as Issue, root);
      return nested;
    }
  }
  return { path: [...issue.path], message: problemOf(issue) };
}

/** The refusal of a list over the commit cap, naming the list and what it holds. */
export function tooMany(field: string, count: number, what: string): never {
  throw new ValidationError(field, `must contain at most ${MAX_COMMITS} ${what} (got ${count})`);
}

/** Validates untrusted input (GraphQL arguments, CLI-read commits); throws one `ValidationError`. */
export function parseChangelogInput(raw: unknown): ParsedChangelogInput {
  // Counted before zod walks the array, so a million-entry request costs nothing.
  if (raw !== null && typeof raw === 'object' && 'commits' in raw) {
    const { commits } = raw as { commits: unknown };
    if (Array.isArray(commits) && commits.length > MAX_COMMITS)
      tooMany('input.commits', commits.length, 'commits');
  }
  const result = changelogInputSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    if (!first) throw new ValidationError('input', 'is invalid');
    const { path, message } = mostRelevant(first, raw);
    throw new ValidationError(fieldPath('input', path), message);
  }
  const { version, previousVersion } = result.data;
  const released = version ? parseSemVer(version) : null;
  const previous = previousVersion ? parseSemVer(previousVersion) : null;
  if (released && previous && compareSemVer(released, previous) <= 0) {
    // A release-as at or below the previous release would publish a compare link running backwards.
    throw new ValidationError(
      'input.version',
      `must be greater than the previous version ${previousVersion}`,
    );
  }
  let total = 0;
  for (const commit of result.data.commits) {
    total += typeof commit === 'string' ? commit.length : 'message' in commit ? commit.message.length : 0;
  }
  if (total > MAX_TOTAL_CHARS) {
    throw new ValidationError('input.commits', `messages must total at most ${MAX_TOTAL_CHARS} characters`);
  }
  return result.data;
}
