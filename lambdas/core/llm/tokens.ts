/**
 * Token counting with the o200k_base encoding (the GPT-4o family), shipped inside gpt-tokenizer: no download,
 * no network. Counts are used to plan prompts within budgets and to report savings; providers bill by
 * their own count, which the completion's usage reports.
 */
import { countTokens as count } from 'gpt-tokenizer/encoding/o200k_base';
import type { LlmMessage } from './ports.ts';

export const countTokens = (text: string): number => (text === '' ? 0 : count(text));

/** Chat framing costs a few tokens per message beyond its content. */
const PER_MESSAGE_OVERHEAD = 4;

export function countMessageTokens(messages: readonly LlmMessage[]): number {
  let total = 3;
  for (const message of messages) total += PER_MESSAGE_OVERHEAD + countTokens(message.content);
  return total;
}
