/**
 * Log summaries with a model on top of the template miner: the summarize job's refine port. The miner has run
 * first; the model gets its digest (never raw lines), in one call or, when the digest is too large, in chunks
 * whose findings are then merged (prompt chaining), all within a token budget per job. Whatever goes wrong
 * with the model, the result is the miner's, marked as a fallback with the reason.
 */

import type { RefineSummary } from '../jobs/kinds/summarize-log/run.ts';
import type { TemplateSnapshot } from '../logs/miner.ts';
import type { LogSummary } from '../logs/summary.ts';
import type { LogSummaryResult } from '../use-cases/log-entries.ts';
import {
  assertCitations,
  assertClaims,
  assertPlainText,
  type LogAnswer,
  logAnswerSchema,
  logAnswerTexts,
  parseAnswer,
} from './answers.ts';
import {
  buildLogDigest,
  chunkLines,
  type DigestLine,
  type DigestOptions,
  type LogDigest,
  renderDigest,
} from './log-digest.ts';
import type { LlmAccess, LlmMessage, LlmProvenance } from './ports.ts';
import { logChunkPrompt, logMergePrompt, logSummaryPrompt, logSummarySchema } from './prompts/log-summary.ts';
import { fallbackReason, LlmSession, warnFallback } from './session.ts';
import { countMessageTokens, countTokens } from './tokens.ts';

export interface LogLlmOptions {
  /** Prompt tokens of one call; a larger digest is summarized in chunks. */
  maxPromptTokens: number;
  /** Prompt and answer tokens all calls of one job may spend. */
  jobTokenBudget: number;
  /** Answer tokens per call. */
  maxAnswerTokens: number;
  digest?: DigestOptions;
}

export const DEFAULT_LOG_LLM_OPTIONS: LogLlmOptions = {
  maxPromptTokens: 12_000,
  jobTokenBudget: 24_000,
  maxAnswerTokens: 900,
};

export type LogPromptPlan =
  | { kind: 'single'; messages: LlmMessage[]; promptTokens: number; dropped: number }
  | {
      kind: 'chained';
      chunks: LlmMessage[][];
      /** The merge call's prompt without the partial findings (known only after the chunk calls). */
      header: string;
      promptTokens: number;
      dropped: number;
    };

const messages = (system: string, user: string): LlmMessage[] => [
  { role: 'system', content: system },
  { role: 'user', content: user },
];

/**
 * One call when the digest fits, else chunks of template lines plus a merge. When even that would pass the
 * job's budget, lines are dropped from the end: the least frequent non-error templates first (the digest
 * lists error and warning templates first), and only then warnings and errors.
 */
export function planLogPrompts(digest: LogDigest, options: LogLlmOptions): LogPromptPlan {
  const single = messages(
    logSummaryPrompt.system,
    logSummaryPrompt.render({ digest: renderDigest(digest, digest.lines) }),
  );
  const singleTokens = countMessageTokens(single);
  if (
    singleTokens <= options.maxPromptTokens &&
    singleTokens + options.maxAnswerTokens <= options.jobTokenBudget
  ) {
    return { kind: 'single', messages: single, promptTokens: singleTokens, dropped: 0 };
  }
  const frame = countMessageTokens(
    messages(
      logChunkPrompt.system,
      logChunkPrompt.render({ header: digest.header, chunk: '', part: 99, parts: 99 }),
    ),
  );
  const chunkLimit = Math.max(200, options.maxPromptTokens - frame);
  const mergeFrame = countMessageTokens(
    messages(logMergePrompt.system, logMergePrompt.render({ header: digest.header, partials: '' })),
  );
  const order = [...digest.lines.filter((l) => l.essential), ...digest.lines.filter((l) => !l.essential)];
  let kept: DigestLine[] = order;
  for (;;) {
    const chunks = chunkLines(kept, chunkLimit);
    const chunkTokens = chunks.reduce((n, c) => n + frame + c.reduce((m, l) => m + l.tokens, 0), 0);
    const mergeTokens = mergeFrame + chunks.length * options.maxAnswerTokens;
    const total =
      chunkTokens + chunks.length * options.maxAnswerTokens + mergeTokens + options.maxAnswerTokens;
    if ((total <= options.jobTokenBudget && mergeTokens <= options.maxPromptTokens) || kept.length <= 1) {
      const dropped = order.length - kept.length;
      const note =
        dropped > 0 ? `\n(${dropped} template lines left out to stay within the token budget)` : '';
      return {
        kind: 'chained',
        chunks: chunks.map((chunk, i) =>
          messages(
            logChunkPrompt.system,
            logChunkPrompt.render({
              header: digest.header + note,
              chunk: chunk.map((l) => l.text).join('\n'),
              part: i + 1,
              parts: chunks.length,
            }),
          ),
        ),
        header: digest.header + note,
        promptTokens: chunkTokens + mergeTokens,
        dropped,
      };
    }
    // Drop about a tenth at a time: plans stay cheap even for hundreds of error templates.
    kept = kept.slice(0, Math.max(1, kept.length - Math.max(1, Math.floor(kept.length / 10))));
  }
}

/** The miner's result as the local summarizer returns it, typed again (it is the miner's own shape). */
function minerResult(
  result: LogSummaryResult,
): { summary: LogSummary; templates: TemplateSnapshot[] } | null {
  const summary = result.summary as Partial<LogSummary>;
  if (summary.version !== 2 || !Array.isArray(summary.topTemplates) || !Array.isArray(result.templates))
    return null;
  return { summary: summary as LogSummary, templates: result.templates as TemplateSnapshot[] };
}

/** The model's headline, with the ids it cites shown when the text itself does not bracket them. */
export function modelHeadline(answer: LogAnswer): string {
  const text = answer.headline.trim();
  const missing = answer.headlineTemplateIds.filter((id) => !text.includes(`[${id}]`));
  return missing.length ? `${text} [${missing.join(', ')}]` : text;
}

export function renderModelSummary(answer: LogAnswer, localText: string, model: string): string {
  const parts = [modelHeadline(answer), answer.overview.trim()];
  if (answer.findings.length > 0) {
    parts.push(
      `Findings:\n${answer.findings
        .map(
          (f) =>
            `- [${f.severity}] ${f.text.trim()}${f.templateIds.length ? ` (${f.templateIds.join(', ')})` : ''}`,
        )
        .join('\n')}`,
    );
  }
  if (answer.actions.length > 0)
    parts.push(`Next steps:\n${answer.actions.map((a) => `- ${a.trim()}`).join('\n')}`);
  parts.push(`Written by ${model} from the template digest. Template miner summary:\n${localText}`);
  return parts.join('\n\n');
}

async function runPlan(session: LlmSession, plan: LogPromptPlan, digest: LogDigest, maxTokens: number) {
  // What the model was shown of the log: the whole digest (a merge call sees only the parts' findings, which
  // may rest on any line), plus the call's own user message. The system prompt's words are no evidence.
  const digestText = renderDigest(digest, digest.lines);
  const ask = async (prompt: LlmMessage[]): Promise<LogAnswer> => {
    return session.complete(prompt, { maxTokens, jsonSchema: { ...logSummarySchema } }, (completion) => {
      const answer = parseAnswer(completion, logAnswerSchema);
      assertCitations(answer, digest.ids);
      const shown = [digestText, ...prompt.filter((m) => m.role === 'user').map((m) => m.content)].join('\n');
      assertPlainText(logAnswerTexts(answer), shown);
      assertClaims(logAnswerTexts(answer), shown, digest.errors);
      return answer;
    });
  };
  if (plan.kind === 'single') return { answer: await ask(plan.messages), prompt: logSummaryPrompt };
  const partials: LogAnswer[] = [];
  for (const chunk of plan.chunks) partials.push(await ask(chunk));
  const compact = partials.map((p, i) => ({ part: i + 1, findings: p.findings, actions: p.actions }));
  const merged = await ask(
    messages(
      logMergePrompt.system,
      logMergePrompt.render({ header: plan.header, partials: JSON.stringify(compact) }),
    ),
  );
  return { answer: merged, prompt: logMergePrompt };
}

export function llmRefineSummary(llm: LlmAccess, options: LogLlmOptions): RefineSummary {
  return async (localResult, { text, subject }) => {
    const client = llm.client;
    if (!client || !(await client.available())) return localResult;
    if (!(await llm.gate('summary', subject))) {
      return {
        ...localResult,
        summary: { ...localResult.summary, llm: { skipped: 'flag llm.summary is off for this user' } },
      };
    }
    const mined = minerResult(localResult);
    if (!mined) return localResult;
    const digest = buildLogDigest(mined.summary, mined.templates, options.digest);
    const plan = planLogPrompts(digest, options);
    const session = new LlmSession(
      client,
      'summary',
      llm.models.summary,
      options.jobTokenBudget,
      llm.metrics,
    );
    const rawTokens = countTokens(text);
    const record = (provenance: LlmProvenance) => ({
      ...provenance,
      chained: plan.kind === 'chained',
      chunks: plan.kind === 'chained' ? plan.chunks.length : 1,
      digestTemplates: digest.lines.length - plan.dropped,
      droppedForBudget: plan.dropped,
      rawTokens,
      tokensSaved: rawTokens - provenance.promptTokens,
    });
    try {
      const { answer, prompt } = await runPlan(session, plan, digest, options.maxAnswerTokens);
      const provenance = session.provenance(prompt, null);
      const model = provenance.model ?? llm.models.summary;
      // What the miner measured (templates, an upload's line count and redactions) stays as it is.
      return {
        ...localResult,
        summary: {
          ...localResult.summary,
          headline: modelHeadline(answer),
          localHeadline: mined.summary.headline,
          narrative: answer,
          llm: record(provenance),
        },
        text: renderModelSummary(answer, localResult.text, model),
        generatedBy: model,
      };
    } catch (error: unknown) {
      const reason = fallbackReason(error);
      llm.metrics.record('summary', 'LlmFallbacks', 1);
      warnFallback(llm.log, session, error, "miner's summary");
      const prompt = plan.kind === 'single' ? logSummaryPrompt : logChunkPrompt;
      return {
        ...localResult,
        summary: { ...localResult.summary, llm: record(session.provenance(prompt, reason)) },
      };
    }
  };
}

/** For the benchmark and docs: the prompts a log would cost, without calling anything. */
export function digestPromptTokens(
  summary: LogSummary,
  templates: readonly TemplateSnapshot[],
  options: LogLlmOptions,
) {
  const digest = buildLogDigest(summary, templates, options.digest);
  const plan = planLogPrompts(digest, options);
  return { digest, plan };
}
