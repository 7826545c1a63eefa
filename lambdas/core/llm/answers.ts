/**
 * Checks of what a model answered. A model's text is untrusted input: it must be complete (not cut at the
 * token limit), parse as JSON and match the schema we asked for, or it is rejected with a reason.
 */
import { z } from 'zod';
import type { LlmCompletion } from './ports.ts';

export class AnswerRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerRejected';
  }
}

export function parseAnswer<S extends z.ZodType>(completion: LlmCompletion, schema: S): z.infer<S> {
  if (completion.finishReason === 'length') {
    throw new AnswerRejected(
      `answer truncated at ${completion.completionTokens} tokens (finish_reason length)`,
    );
  }
  if (completion.finishReason === 'content_filter') {
    throw new AnswerRejected('answer withheld by the provider (finish_reason content_filter)');
  }
  let json: unknown;
  try {
    json = JSON.parse(completion.text);
  } catch {
    throw new AnswerRejected('answer is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AnswerRejected(`answer does not match the schema: ${problems.join('; ')}`);
  }
  return result.data;
}

export const logAnswerSchema = z.object({
  headline: z.string().trim().min(1).max(600),
  headlineTemplateIds: z.array(z.string().max(32)).min(1).max(10),
  overview: z.string().trim().min(1).max(4000),
  findings: z
    .array(
      z.object({
        severity: z.enum(['error', 'warning', 'info']),
        text: z.string().trim().min(1).max(1000),
        templateIds: z.array(z.string().max(32)).max(20),
      }),
    )
    .max(20),
  actions: z.array(z.string().trim().min(1).max(500)).max(10),
});
export type LogAnswer = z.infer<typeof logAnswerSchema>;

/** Citations must name templates the model was shown: an invented id means an invented finding. */
export function assertCitations(answer: LogAnswer, known: ReadonlySet<string>): void {
  const cited = [...answer.headlineTemplateIds, ...answer.findings.flatMap((f) => f.templateIds)];
  const unknown = [...new Set(cited)].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AnswerRejected(
      `answer cites templates that are not in the digest: ${unknown.slice(0, 5).join(', ')}`,
    );
  }
  const uncited = answer.findings.filter((f) => f.severity !== 'info' && f.templateIds.length === 0);
  if (uncited.length > 0) {
    throw new AnswerRejected(`${uncited.length} error/warning finding(s) cite no template`);
  }
}

export function triageAnswerSchema(categories: readonly string[]) {
  return z.object({
    category: z.string().refine((c) => categories.includes(c), {
      message: `must be one of ${categories.join(', ')}`,
    }),
    priority: z.enum(['P1', 'P2', 'P3', 'P4']),
    labels: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[\w .:/-]{1,64}$/),
      )
      .max(8),
    confidence: z.number().min(0).max(1),
    rationale: z.string().trim().min(1).max(1000),
  });
}

export const highlightsAnswerSchema = z.object({
  highlights: z.string().trim().min(1).max(2000),
  entryIds: z.array(z.string().max(16)).max(1000),
});

/**
 * What a model's words may not bring into stored text that the model was not shown: links and images (a
 * Markdown renderer of the summary, the changelog or a chat message would fetch an image at once, with
 * whatever the URL carries), HTML markup, and characters that hide or reorder text. A prompt-injected log
 * line or ticket asks for exactly these. Markup or a URL that is in the evidence (a log template quoting
 * `<script>`, a ticket naming its URL) may be quoted back.
 */
const URL_SCHEME =
  /\b(?:https?|ftp|file|javascript|vbscript):\S{0,2048}|\bdata:[a-z]{1,20}\/[\w.+-]{1,80}[;,]/gi;
const MARKDOWN_LINK = /!?\[[^\]\n]{0,500}\]\([^)\s]{1,2048}/g;
const HTML_TAG =
  /<\/?(?:a|img|image|script|iframe|frame|svg|style|object|embed|link|meta|form|input|button|video|audio|source|base|html|body|math|template|details|marquee)(?=[\s/>])[^<>]{0,500}>?|<[a-z][\w-]{0,30}\s[^<>]{0,500}\bon[a-z]{2,30}\s{0,3}=/gi;
/** C0 controls but tab and newline, DEL, zero-width characters and bidirectional overrides. */
const HIDDEN_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

export function assertPlainText(texts: readonly string[], evidence: string): void {
  for (const text of texts) {
    if (HIDDEN_CHARACTERS.test(text)) {
      throw new AnswerRejected('answer contains control, zero-width or bidirectional characters');
    }
    const introduced = (pattern: RegExp, what: string) => {
      for (const match of text.matchAll(pattern)) {
        // A sentence's punctuation after a quoted URL is the model's, not part of what it quotes.
        if (!evidence.includes(match[0].replace(/[.,;:!?)\]}'"]+$/, ''))) {
          throw new AnswerRejected(`answer adds ${what} the model was not shown: ${match[0].slice(0, 80)}`);
        }
      }
    };
    introduced(MARKDOWN_LINK, 'a Markdown link or image');
    introduced(URL_SCHEME, 'a URL');
    introduced(HTML_TAG, 'HTML markup');
  }
}

/** Every text of a log answer that is stored and shown. */
export const logAnswerTexts = (answer: LogAnswer): string[] => [
  answer.headline,
  answer.overview,
  ...answer.findings.map((f) => f.text),
  ...answer.actions,
];

/**
 * A count said in words: a number and, within two words, what it counts ("203 errors", "1,204 failed
 * requests", "restarted 5 times"). Percentages and durations are not counts ("95% of", "3 minutes").
 */
const COUNT_CLAIM =
  /(?<![\w.,:%-])(\d{1,3}(?:,\d{3})+|\d{1,12})(?![\d.,:%])\s{1,3}(?:[a-z][a-z-]{0,30}\s{1,3}){0,2}?(?:errors?|warnings?|failures?|exceptions?|lines?|requests?|events?|occurrences?|entries|times|crashes|timeouts?)\b/gi;
/** A clock time (10:42, 10:42:07). */
const CLOCK_TIME = /(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])/g;
/** "No errors" and its ways of saying it; "no new errors" is another claim (checked like other text). */
const NO_ERRORS =
  /\b(?:no|zero|without(?:\s{1,3}any)?)\s{1,3}(?:errors?|failures?)\b|\b0\s{1,3}errors?\b|\berror[- ]free\b/i;

/**
 * The model's words may not contradict the miner's measurements (docs/llm.md, "What is checked"): every count
 * it states next to what it counts, and every clock time, must be a number or time the prompt showed it, and
 * a log in which the miner counted errors is never "error-free". A log line saying "0 errors today" or a
 * model that rounds, sums or invents is caught here; the answer is then rejected and the miner's summary
 * kept.
 */
export function assertClaims(texts: readonly string[], evidence: string, minerErrors: number): void {
  // Numbers as the digest states counts: not the digits of an id (T12, #3), a time or a date.
  const shownNumbers = new Set(
    [...evidence.matchAll(/(?<![\w#:.-])\d+(?:,\d{3})*(?![\w:-])/g)].map((m) => m[0].replace(/,/g, '')),
  );
  for (const text of texts) {
    if (minerErrors > 0 && NO_ERRORS.test(text)) {
      throw new AnswerRejected(`answer says there were no errors; the miner counted ${minerErrors}`);
    }
    for (const claim of text.matchAll(COUNT_CLAIM)) {
      const number = (claim[1] ?? '').replace(/,/g, '');
      if (!shownNumbers.has(number)) {
        throw new AnswerRejected(
          `answer claims "${claim[0].slice(0, 60)}"; no count the miner gave is ${number}`,
        );
      }
    }
    for (const time of text.matchAll(CLOCK_TIME)) {
      const padded = time[0].length < 5 ? `0${time[0]}` : time[0];
      if (!evidence.includes(padded)) {
        throw new AnswerRejected(`answer names the time ${time[0]}, which the digest does not show`);
      }
    }
  }
}
