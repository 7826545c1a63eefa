/**
 * Token estimates for planning prompts within budgets. An exact BPE count needs the encoder's rank table
 * (about 3 MB), which would put every LLM-capable Lambda over its 1.5 MB bundle budget; this estimate counts
 * words, digit groups and symbols the way o200k-style encoders split them, and is within ±10% of the exact
 * o200k_base count on the Loghub development logs (see scripts/bench-tokens.ts, which counts exactly).
 * A 10% margin keeps budgets on the safe side. Billing uses the provider's own usage numbers.
 */
import type { LlmMessage } from './ports.ts';

const PIECES = /[A-Za-z]+|\d+|[^\sA-Za-z\d]/g;
const SAFETY_MARGIN = 1.1;

export function countTokens(text: string): number {
  let pieces = 0;
  for (const match of text.matchAll(PIECES)) {
    const piece = match[0];
    const first = piece.charCodeAt(0);
    if (first >= 48 && first <= 57) pieces += Math.ceil(piece.length / 3);
    else if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122))
      pieces += Math.ceil(piece.length / 7);
    else pieces += 1;
  }
  return Math.ceil(pieces * SAFETY_MARGIN);
}

/** Chat framing costs a few tokens per message beyond its content. */
const PER_MESSAGE_OVERHEAD = 4;

export function countMessageTokens(messages: readonly LlmMessage[]): number {
  let total = 3;
  for (const message of messages) total += PER_MESSAGE_OVERHEAD + countTokens(message.content);
  return total;
}
