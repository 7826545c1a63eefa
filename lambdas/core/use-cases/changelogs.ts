/**
 * Changelogs through the API: generated synchronously (10,000 commits take well under a second), stored whole,
 * readable by every role. A bad input is refused before anything is stored, never a partial changelog.
 */
import type { Caller } from '../auth/roles.ts';
import { generateChangelog, parseChangelogInput } from '../changelog/index.ts';
import type { Changelog } from '../changelog/types.ts';
import { NotFoundError } from '../errors.ts';
import {
  type HighlightsSection,
  markdownWithHighlights,
  type WriteHighlights,
} from '../llm/changelog-highlights.ts';
import { type Cursor, type Page, pageRequest, toPage } from '../pagination.ts';
import { optionalIdempotencyKey, requireId } from './access.ts';

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
  /** Ask a model for a "Highlights" paragraph (kept out when no model may write it, with the reason). */
  highlights?: boolean | null;
}

export async function createChangelog(
  deps: { changelogs: ChangelogRepo; now?: () => Date; highlights?: WriteHighlights },
  input: { caller: Caller; request: ChangelogRequest; idempotencyKey?: unknown },
): Promise<StoredChangelog> {
  const idempotencyKey = optionalIdempotencyKey(input.idempotencyKey);
  const { request } = input;
  const generatorInput = parseChangelogInput({
    commits: [...(request.commits ?? []), ...(request.entries ?? [])],
    previousVersion: request.previousVersion,
    date: request.date,
    repositoryUrl: request.repositoryUrl,
    options: { includeOther: request.includeOther ?? false },
  });
  const generated: Changelog = generateChangelog(generatorInput, deps.now ? { now: deps.now } : {});
  let sections: unknown[] = generated.sections;
  let markdown = generated.markdown;
  if (request.highlights) {
    const highlights: HighlightsSection = deps.highlights
      ? await deps.highlights(generated, { userId: input.caller.userId, role: input.caller.role })
      : {
          title: 'Highlights',
          kind: 'highlights',
          items: [],
          text: null,
          llm: { skipped: 'no LLM is configured' },
        };
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
    idempotencyKey,
  );
  return changelog;
}

export async function getChangelog(deps: { changelogs: ChangelogRepo }, input: { id: unknown }) {
  const changelog = await deps.changelogs.get(requireId(input.id));
  if (!changelog) throw new NotFoundError('Changelog');
  return changelog;
}

export async function listChangelogs(
  deps: { changelogs: ChangelogRepo },
  input: { limit?: unknown; nextToken?: unknown },
): Promise<Page<StoredChangelog>> {
  const { limit, after } = pageRequest(input);
  return toPage(await deps.changelogs.list({ limit: limit + 1, after }), limit, (row) => row);
}
