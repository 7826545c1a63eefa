/** The changelog domain: conventional commits or structured entries → a release changelog. */
export { emptyStats, type GenerateContext, generateChangelog } from './generate.ts';
export { GITMOJIS, type Gitmoji } from './gitmoji.ts';
export * from './limits.ts';
export { changelogNotes, type NoteOptions, type NoteWords, nothingToRelease } from './notes.ts';
export { type ParsedCommit, type ParseOptions, parseCommitMessage } from './parse.ts';
export {
  f1Score,
  type ItemScore,
  itemKey,
  itemText,
  type PublishedRelease,
  type PublishedSection,
  parsePublishedChangelog,
  scoreRelease,
} from './published.ts';
export {
  changelogToJson,
  normaliseRepositoryUrl,
  REPOSITORY_URL_PROBLEM,
  renderMarkdown,
} from './render.ts';
export {
  type ChangelogInput,
  type ChangelogOptions,
  type CommitInput,
  changelogInputSchema,
  commitInputSchema,
  type ParsedChangelogInput,
  parseChangelogInput,
  type RawCommitInput,
  type StructuredEntryInput,
  tooMany,
} from './schema.ts';
export { resolveSections, type SectionMap } from './sections.ts';
export {
  bumpVersion,
  compareSemVer,
  formatSemVer,
  parseSemVer,
  previousReleaseTag,
  versionFromTag,
} from './semver.ts';
export * from './types.ts';
