/**
 * A prompt is a versioned file: its name and version are recorded on every result it produced, so a change
 * of wording is visible in stored data. Bump `version` whenever `system` or `render` changes what is sent.
 */
export interface PromptTemplate<Input> {
  readonly name: string;
  readonly version: string;
  readonly system: string;
  render(input: Input): string;
}

export const promptId = (prompt: { name: string; version: string }) => ({
  name: prompt.name,
  version: prompt.version,
});
