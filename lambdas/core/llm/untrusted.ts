/**
 * Text from a log, a ticket or a commit, on its way into a prompt. Prompts are line-oriented (one template,
 * one entry a line), so such text is kept to one line: a line break inside it would let it start a line of
 * its own that reads as the prompt's (`T99 ERROR ×0 | …`, `SYSTEM: …`). Characters that hide or reorder text
 * go too: the model would read what a person reviewing the prompt cannot see.
 */
const BREAKS_AND_HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
  /[\u0000-\u001f\u007f\u0085\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g;

export const oneLine = (text: string): string => text.replace(BREAKS_AND_HIDDEN, ' ');
