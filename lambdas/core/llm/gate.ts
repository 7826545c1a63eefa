/** Model use per task is gated by a feature flag, evaluated for the user the work is for. */
import { FLAGS, type FlagEvaluator } from '../use-cases/feature-flags.ts';
import type { LlmGate, LlmTask } from './ports.ts';

/** The flag that gates each model task. */
export const LLM_FLAGS: Readonly<Record<LlmTask, string>> = {
  summary: FLAGS.llmSummary.name,
  triage: FLAGS.llmTriage.name,
  changelog: FLAGS.llmChangelog.name,
};

/** The LLM gate over the flags: task → its flag, evaluated for the subject. */
export function flagGate(flags: FlagEvaluator): LlmGate {
  return (task, subject) => flags.isOn(LLM_FLAGS[task], subject);
}
