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
