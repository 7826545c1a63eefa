/**
 * The command line's configuration file, validated here without I/O (the CLI reads the text):
 *
 * - `.ai-ops-changelog.json`, ours: sections, repository URL, the unknown-type policy and the other options;
 * - `release-please-config.json`, when ours is absent: a repository that publishes with release-please gets
 *   release-please's reading of its own settings (`changelog-sections` replace the map, types it does not list
 *   are left out as release-please leaves them out, reverts cancel nothing, `bump-minor-pre-major` off unless
 *   set).
 *
 * A problem is a `ValidationError` whose field is the key path inside the file (`sections[2].type`).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { MAX_SECTION_RULES } from './limits.ts';
import {
  type ChangelogOptions,
  changelogOptionsSchema,
  problemOf,
  repositoryUrlSchema,
  sectionRuleSchema,
} from './schema.ts';
import { DEFAULT_SECTIONS } from './types.ts';

export const CONFIG_FILE = '.ai-ops-changelog.json';
export const RELEASE_PLEASE_CONFIG_FILE = 'release-please-config.json';

export interface ChangelogConfig {
  options: ChangelogOptions;
  repositoryUrl: string | null;
}

const sections = z.array(sectionRuleSchema).max(MAX_SECTION_RULES);
const optionFields = changelogOptionsSchema.omit({ sections: true }).shape;

const ownConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Rules merged over the default section map. */
    sections: sections.optional(),
    /** release-please's spelling: the whole map (types it leaves out are unknown). */
    'changelog-sections': sections.optional(),
    repositoryUrl: repositoryUrlSchema.optional(),
    ...optionFields,
  })
  .strict();

const releasePleaseSection = z
  .object({
    'changelog-sections': sections.optional(),
    'bump-minor-pre-major': z.boolean().optional(),
    'bump-patch-for-minor-pre-major': z.boolean().optional(),
  })
  .loose();

const releasePleaseSchema = releasePleaseSection.extend({
  packages: z.record(z.string(), releasePleaseSection).optional(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError('(file)', `is not valid JSON: ${reason}`);
  }
}

function fail(error: z.ZodError): never {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
  if (issue?.code === 'unrecognized_keys') {
    throw new ValidationError(path || '(file)', `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  throw new ValidationError(path || '(file)', issue ? problemOf(issue) : 'is invalid');
}

/** Parses `.ai-ops-changelog.json`. */
export function parseChangelogConfig(text: string): ChangelogConfig {
  const result = ownConfigSchema.safeParse(parseJson(text));
  if (!result.success) fail(result.error);
  const {
    $schema: _schema,
    sections: merged,
    'changelog-sections': replacing,
    repositoryUrl,
    ...rest
  } = result.data;
  if (merged && replacing) {
    throw new ValidationError('changelog-sections', 'cannot be given together with sections');
  }
  const options: ChangelogOptions = { ...rest };
  if (merged) options.sections = merged;
  if (replacing) {
    options.sections = replacing;
    options.replaceSections = true;
  }
  return { options, repositoryUrl: repositoryUrl ?? null };
}

/**
 * The section map release-please applies for `changelog-sections`: the listed rules, and the conventional
 * types it does not list hidden (release-please drops them), so they are not "unknown" here.
 */
function releasePleaseSections(listed: z.output<typeof sections>): z.output<typeof sections> {
  const covered = new Set(listed.filter((r) => !r.scope).map((r) => r.type));
  const hidden = DEFAULT_SECTIONS.filter((r) => !covered.has(r.type)).map((r) => ({
    type: r.type,
    section: r.section,
    hidden: true,
  }));
  return [...listed, ...hidden];
}

/** Reads release-please's settings for one package path (`.` for the root), package settings winning. */
export function parseReleasePleaseConfig(text: string, packagePath = '.'): ChangelogConfig {
  const result = releasePleaseSchema.safeParse(parseJson(text));
  if (!result.success) fail(result.error);
  const key = packagePath.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
  const settings = { ...result.data, ...(result.data.packages?.[key] ?? {}) };
  const options: ChangelogOptions = {
    unknownTypes: 'hide',
    reverts: 'list',
    preMajorBreakingBumpsMinor: settings['bump-minor-pre-major'] ?? false,
    preMajorFeatureBumpsPatch: settings['bump-patch-for-minor-pre-major'] ?? false,
  };
  const listed = settings['changelog-sections'];
  if (listed) {
    options.sections = releasePleaseSections(listed);
    options.replaceSections = true;
  }
  return { options, repositoryUrl: null };
}
