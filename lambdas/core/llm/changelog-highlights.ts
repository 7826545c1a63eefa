/**
 * The optional "Highlights" paragraph of a changelog. The generator's entries are final: the model gets them
 * with ids and must return every id exactly once (no entry added, none dropped) and may cite only PR or issue
 * numbers the entries carry. On any violation the highlights are left out and the reason recorded; the
 * sections themselves never come from the model.
 */

import { emptyRedactionCounts, redactPersonNames, redactText } from '../redaction/redact.ts';
import { highlightsSkipped as skipped, type WriteHighlights } from '../use-cases/changelogs.ts';
import { AnswerRejected, assertPlainText, highlightsAnswerSchema, parseAnswer } from './answers.ts';
import type { LlmAccess } from './ports.ts';
import { changelogHighlightsPrompt, changelogHighlightsSchema } from './prompts/changelog-highlights.ts';
import { fallbackReason, LlmSession, warnFallback } from './session.ts';
import { oneLine } from './untrusted.ts';

export interface HighlightsOptions {
  maxAnswerTokens: number;
  jobTokenBudget: number;
  /** Larger releases get no highlights: the list alone would fill the prompt. */
  maxEntries: number;
}

type Changelog = Parameters<WriteHighlights>[0];
type Entry = { section: string; item: Changelog['sections'][number]['items'][number] };

/**
 * One prompt line per entry: `E3 [Bug Fixes] scope: description (#12 #40) BREAKING`. Commit messages are not
 * redacted where they are stored (they are the team's release notes), but the model gets no personal data: an
 * e-mail, key, address or a person's name in a subject is a placeholder in the prompt.
 */
function entryLine({ section, item }: Entry, id: string): string {
  const scope = item.scope ? `${item.scope}: ` : '';
  const refs = [item.pr ? `#${item.pr}` : '', ...item.issues.map((n) => `#${n}`)].filter(Boolean).join(' ');
  const text = oneLine(
    redactPersonNames(redactText(`${scope}${item.description}`, emptyRedactionCounts())).text,
  );
  return `${id} [${section}] ${text}${refs ? ` (${refs})` : ''}${item.breaking ? ' BREAKING' : ''}`;
}

/** Every entry exactly once, and only the PR and issue numbers the entries carry. */
function checkAnswer(
  answer: { highlights: string; entryIds: string[] },
  ids: string[],
  entries: Entry[],
): void {
  const returned = new Set(answer.entryIds);
  const added = answer.entryIds.filter((id) => !ids.includes(id));
  const dropped = ids.filter((id) => !returned.has(id));
  if (added.length > 0) throw new AnswerRejected(`the model added entries: ${added.slice(0, 5).join(', ')}`);
  if (dropped.length > 0)
    throw new AnswerRejected(`the model dropped entries: ${dropped.slice(0, 5).join(', ')}`);
  if (returned.size !== answer.entryIds.length) throw new AnswerRejected('the model listed an entry twice');
  const references = new Set(entries.flatMap(({ item }) => [...(item.pr ? [item.pr] : []), ...item.issues]));
  const invented = [...answer.highlights.matchAll(/#(\d+)/g)]
    .map((m) => Number(m[1]))
    .filter((n) => !references.has(n));
  if (invented.length > 0) {
    throw new AnswerRejected(
      `the highlights cite references no entry has: #${invented.slice(0, 5).join(', #')}`,
    );
  }
}

async function writeHighlights(
  session: LlmSession,
  changelog: Changelog,
  entries: Entry[],
  maxAnswerTokens: number,
): Promise<string> {
  const ids = entries.map((_, i) => `E${i + 1}`);
  const prompt = changelogHighlightsPrompt.render({
    version: changelog.version,
    bump: changelog.bump,
    entries: entries.map((entry, i) => entryLine(entry, ids[i] ?? '')),
  });
  return session.complete(
    [
      { role: 'system', content: changelogHighlightsPrompt.system },
      { role: 'user', content: prompt },
    ],
    { maxTokens: maxAnswerTokens, jsonSchema: { ...changelogHighlightsSchema } },
    (completion) => {
      const answer = parseAnswer(completion, highlightsAnswerSchema);
      checkAnswer(answer, ids, entries);
      // The paragraph goes into the Markdown people paste into release pages, where an image is fetched.
      assertPlainText([answer.highlights], prompt);
      return answer.highlights;
    },
  );
}

export function llmHighlights(llm: LlmAccess, options: HighlightsOptions): WriteHighlights {
  return async (changelog, subject) => {
    const client = llm.client;
    if (!client || !(await client.available())) return skipped('no LLM is configured');
    if (!(await llm.gate('changelog', subject))) return skipped('flag llm.changelog is off for this user');
    // Breaking-change notes are entries of their own (the section lists the note, not the subject).
    const entries: Entry[] = changelog.sections.flatMap((section) =>
      section.items.map((item) => ({ section: section.title, item })),
    );
    if (entries.length === 0) return skipped('the changelog has no entries');
    if (entries.length > options.maxEntries) {
      return skipped(`${entries.length} entries; highlights are written for at most ${options.maxEntries}`);
    }
    const session = new LlmSession(
      client,
      'changelog',
      llm.models.changelog,
      options.jobTokenBudget,
      llm.metrics,
    );
    try {
      const text = await writeHighlights(session, changelog, entries, options.maxAnswerTokens);
      const llmInfo = { ...session.provenance(changelogHighlightsPrompt, null), entries: entries.length };
      return { title: 'Highlights', kind: 'highlights', items: [], text, llm: llmInfo };
    } catch (error: unknown) {
      llm.metrics.record('changelog', 'LlmFallbacks', 1);
      warnFallback(llm.log, session, error, 'changelog without highlights');
      const provenance = session.provenance(changelogHighlightsPrompt, fallbackReason(error));
      return { ...skipped(''), llm: { ...provenance, entries: entries.length } };
    }
  };
}
