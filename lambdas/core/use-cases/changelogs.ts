/**
 * Changelogs through the API: generated synchronously (10,000 commits take well under a second), stored whole,
 * readable by every role. A bad input is refused before anything is stored, never a partial changelog.
 */
import type { Caller, Role } from '../auth/roles.ts';
import {
  changelogNotes,
  generateChangelog,
  MAX_COMMITS,
  type NoteWords,
  parseChangelogInput,
  tooMany,
} from '../changelog/index.ts';
import type { Changelog, ChangelogSection } from '../changelog/types.ts';
import type { Clock } from '../clock.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { type IdempotentRequest, idempotentRequest } from '../idempotency.ts';
import { type Cursor, type Page, type PageRequest, toPage } from '../pagination.ts';

/** Stored as the first section (kind `highlights`, no items); the API lifts it out into `highlights`. */
export interface HighlightsSection {
  title: 'Highlights';
  kind: 'highlights';
  items: [];
  /** The paragraph, or null when none could be written (see `llm.fallbackReason` / `skipped`). */
  text: string | null;
  /** How it was written: the model's provenance (calls, tokens, fallback), or `{ skipped: reason }`. */
  llm: Readonly<Record<string, unknown>>;
}

export type WriteHighlights = (
  changelog: { version: string | null; bump: string; sections: readonly ChangelogSection[] },
  subject: { userId: string; role: Role },
) => Promise<HighlightsSection>;

export const highlightsSkipped = (reason: string): HighlightsSection => ({
  title: 'Highlights',
  kind: 'highlights',
  items: [],
  text: null,
  llm: { skipped: reason },
});

export function isHighlightsSection(section: unknown): section is HighlightsSection {
  return (
    typeof section === 'object' && section !== null && (section as { kind?: unknown }).kind === 'highlights'
  );
}

/**
 * What the generator left out or read leniently (`changelogNotes`: fixup! commits, non-conventional messages,
 * near-miss headers), stored as a leading section of its own kind like the highlights, so the generated
 * sections stay exactly the generator's and no column is added; the API lifts it out into `notes`. Stored
 * only when there is something to say.
 */
export interface NotesSection {
  title: 'Notes';
  kind: 'notes';
  items: [];
  notes: string[];
}

export function isNotesSection(section: unknown): section is NotesSection {
  return typeof section === 'object' && section !== null && (section as { kind?: unknown }).kind === 'notes';
}

/** The request's own field names, which the notes point to (the console rewords them: console-notes.ts). */
export const API_NOTE_WORDS: NoteWords = {
  includeOther: 'includeOther',
  unknownTypes: 'unknownTypes',
  sections: 'sections',
  sectionRule: (rule) => `sections: [${rule}]`,
};

/** The markdown with the paragraph under the release heading. */
export function markdownWithHighlights(markdown: string, text: string): string {
  const block = `### Highlights\n\n${text.trim()}\n`;
  const lines = markdown.split('\n');
  const heading = lines.findIndex((line) => /^#{1,2} /.test(line));
  if (heading < 0) return `${block}\n${markdown}`;
  return [
    ...lines.slice(0, heading + 1),
    '',
    block,
    ...lines.slice(heading + 1).filter((line, i) => !(i === 0 && line === '')),
  ].join('\n');
}

export interface StoredChangelog {
  id: string;
  ownerId: string;
  version: string | null;
  previousVersion: string | null;
  date: string;
  bump: string;
  sections: unknown[];
  markdown: string;
  createdAt: Date;
}

export interface ChangelogRepo {
  /**
   * With a key this owner already used for the same request, the first changelog and `created: false`; for
   * another request it throws `idempotencyKeyReused`.
   */
  create(
    changelog: Omit<StoredChangelog, 'id' | 'createdAt'> & { entryCount: number },
    idempotency: IdempotentRequest | null,
  ): Promise<{ changelog: StoredChangelog; created: boolean }>;
  get(id: string): Promise<StoredChangelog | null>;
  list(query: { limit: number; after: Cursor | null }): Promise<{ row: StoredChangelog; cursor: Cursor }[]>;
}

/** The GraphQL `ChangelogInput`, mapped onto the generator's input (which validates every field). */
export interface ChangelogRequest {
  commits?: string[] | null;
  entries?: Record<string, unknown>[] | null;
  previousVersion?: string | null;
  /** release-please's release-as: the version to release, whatever the commits say. */
  releaseAs?: string | null;
  date?: string | null;
  repositoryUrl?: string | null;
  includeOther?: boolean | null;
  sections?: Record<string, unknown>[] | null;
  replaceSections?: boolean | null;
  unknownTypes?: 'OTHER' | 'HIDE' | 'ERROR' | null;
  otherSection?: string | null;
  bulletCommits?: boolean | null;
}

/**
 * The generator sees commits and entries as one list; its field names (`input.commits[5]`) are mapped back to
 * the request's (`input.entries[2]`), and an empty request names both fields.
 */
function generateFromRequest(
  request: ChangelogRequest,
  now: () => Date,
): { changelog: Changelog; notes: string[] } {
  const commits = request.commits ?? [];
  const entries = request.entries ?? [];
  if (commits.length === 0 && entries.length === 0) {
    throw new ValidationError(
      'input',
      'needs at least one commit message (commits) or structured entry (entries)',
    );
  }
  refuseTooMany(commits.length, entries.length);
  try {
    const parsed = parseChangelogInput({
      commits: [...commits, ...entries],
      previousVersion: request.previousVersion,
      version: request.releaseAs,
      date: request.date,
      repositoryUrl: request.repositoryUrl,
      options: {
        includeOther: request.includeOther ?? false,
        sections: request.sections,
        replaceSections: request.replaceSections,
        unknownTypes: request.unknownTypes ? UNKNOWN_TYPES[request.unknownTypes] : null,
        otherSection: request.otherSection,
        bulletCommits: request.bulletCommits,
      },
    });
    const changelog = generateChangelog(parsed, { now });
    return { changelog, notes: changelogNotes(changelog, parsed.options, API_NOTE_WORDS) };
  } catch (error: unknown) {
    throw renameField(error, commits.length);
  }
}

/**
 * The generator's cap counts commits and entries together; said here, before they become one list, so the
 * refusal names the field that holds them (`input.entries`, not the generator's `input.commits`).
 */
function refuseTooMany(commits: number, entries: number): void {
  if (commits + entries <= MAX_COMMITS) return;
  if (entries === 0) tooMany('input.commits', commits, 'commit messages');
  if (commits === 0) tooMany('input.entries', entries, 'entries');
  throw new ValidationError(
    'input',
    `commits and entries must together be at most ${MAX_COMMITS} (got ${commits} + ${entries})`,
  );
}

const UNKNOWN_TYPES = { OTHER: 'other', HIDE: 'hide', ERROR: 'error' } as const;

function renameField(error: unknown, commitCount: number): unknown {
  if (!(error instanceof ValidationError)) return error;
  let field = error.field
    .replace(/^input\.version\b/, 'input.releaseAs')
    .replace(/^input\.options\./, 'input.');
  const index = /^input\.commits\[(\d+)\](.*)$/.exec(field);
  if (index && Number(index[1]) >= commitCount)
    field = `input.entries[${Number(index[1]) - commitCount}]${index[2]}`;
  return field === error.field ? error : new ValidationError(field, error.problem);
}

export async function createChangelog(
  deps: { changelogs: ChangelogRepo; clock: Clock; highlights?: WriteHighlights },
  input: {
    caller: Caller;
    request: ChangelogRequest;
    /** Ask a model for a "Highlights" paragraph (kept out when no model may write it, with the reason). */
    highlights: boolean;
    idempotencyKey: string | null;
  },
): Promise<StoredChangelog> {
  const { changelog: generated, notes } = generateFromRequest(input.request, () => deps.clock.now());
  let sections: unknown[] = generated.sections;
  let markdown = generated.markdown;
  if (input.highlights) {
    const highlights = deps.highlights
      ? await deps.highlights(generated, { userId: input.caller.userId, role: input.caller.role })
      : highlightsSkipped('no LLM is configured');
    // Stored as a leading section of its own kind, so the generated sections stay exactly the generator's.
    sections = [highlights, ...generated.sections];
    if (highlights.text) markdown = markdownWithHighlights(markdown, highlights.text);
  }
  if (notes.length > 0) {
    const section: NotesSection = { title: 'Notes', kind: 'notes', items: [], notes };
    sections = [section, ...sections];
  }
  const { changelog } = await deps.changelogs.create(
    {
      ownerId: input.caller.userId,
      version: generated.version ?? null,
      previousVersion: generated.previousVersion ?? null,
      date: generated.date,
      bump: generated.bump,
      sections,
      markdown,
      entryCount: generated.sections.reduce((n, section) => n + section.items.length, 0),
    },
    // The request, not the result: the model's paragraph and a default date differ between a call and its retry.
    idempotentRequest(input.idempotencyKey, () => ({ request: input.request, highlights: input.highlights })),
  );
  return changelog;
}

export async function getChangelog(deps: { changelogs: ChangelogRepo }, input: { id: string }) {
  const changelog = await deps.changelogs.get(input.id);
  if (!changelog) throw new NotFoundError('Changelog');
  return changelog;
}

export async function listChangelogs(
  deps: { changelogs: ChangelogRepo },
  input: { page: PageRequest },
): Promise<Page<StoredChangelog>> {
  const { limit, after } = input.page;
  return toPage(await deps.changelogs.list({ limit: limit + 1, after }), limit, (row) => row);
}
