/**
 * Changelogs through the API: generated synchronously (10,000 commits take well under a second), stored whole,
 * readable by every role. A bad input is refused before anything is stored, never a partial changelog.
 */
import type { Caller, Role } from '../auth/roles.ts';
import { generateChangelog, type ParsedChangelogInput, parseChangelogInput } from '../changelog/index.ts';
import type { Changelog, ChangelogSection } from '../changelog/types.ts';
import type { Clock } from '../clock.ts';
import { NotFoundError } from '../errors.ts';
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
  /** With a key this owner already used, the first changelog and `created: false`. */
  create(
    changelog: Omit<StoredChangelog, 'id' | 'createdAt'> & { entryCount: number },
    idempotencyKey: string | null,
  ): Promise<{ changelog: StoredChangelog; created: boolean }>;
  get(id: string): Promise<StoredChangelog | null>;
  list(query: { limit: number; after: Cursor | null }): Promise<{ row: StoredChangelog; cursor: Cursor }[]>;
}

/** The GraphQL `ChangelogInput`, mapped onto the generator's input (which validates every field). */
export interface ChangelogRequest {
  commits?: string[] | null;
  entries?: Record<string, unknown>[] | null;
  previousVersion?: string | null;
  date?: string | null;
  repositoryUrl?: string | null;
  includeOther?: boolean | null;
}

/** The generator's input from the API's: commits and structured entries alike; a bad field is a ValidationError. */
export function changelogInputOf(request: ChangelogRequest): ParsedChangelogInput {
  return parseChangelogInput({
    commits: [...(request.commits ?? []), ...(request.entries ?? [])],
    previousVersion: request.previousVersion,
    date: request.date,
    repositoryUrl: request.repositoryUrl,
    options: { includeOther: request.includeOther ?? false },
  });
}

export async function createChangelog(
  deps: { changelogs: ChangelogRepo; clock: Clock; highlights?: WriteHighlights },
  input: {
    caller: Caller;
    changelog: ParsedChangelogInput;
    /** Ask a model for a "Highlights" paragraph (kept out when no model may write it, with the reason). */
    highlights: boolean;
    idempotencyKey: string | null;
  },
): Promise<StoredChangelog> {
  const generated: Changelog = generateChangelog(input.changelog, { now: () => deps.clock.now() });
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
    input.idempotencyKey,
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
