/** The few semantic-versioning operations the changelog needs (semver.org 2.0.0), without a dependency. */
import type { Bump } from './types.ts';

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  build: string | null;
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses `1.2.3`, `v1.2.3`, `1.2.3-rc.1+build.5`; `null` when it is not a version. */
export function parseSemVer(text: string): SemVer | null {
  const match = SEMVER.exec(text.trim());
  if (!match) return null;
  const [, major = '0', minor = '0', patch = '0', prerelease, build] = match;
  const numbers = [Number(major), Number(minor), Number(patch)];
  if (!numbers.every(Number.isSafeInteger)) return null;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: prerelease ?? null,
    build: build ?? null,
  };
}

export function formatSemVer(version: SemVer): string {
  const core = `${version.major}.${version.minor}.${version.patch}`;
  const pre = version.prerelease ? `-${version.prerelease}` : '';
  const build = version.build ? `+${version.build}` : '';
  return `${core}${pre}${build}`;
}

/**
 * Finds the version in a tag name: `v1.2.3`, `1.2.3`, `pkg-v1.2.3`, `@scope/pkg@1.2.3`, `refs/tags/v1.2.3`.
 * Used to infer the versions of a range given as two release tags.
 */
export function versionFromTag(tag: string): string | null {
  return splitVersionTag(tag)?.version ?? null;
}

const VERSION_AT_END = /(?:^|[-/@_v])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/** A version tag as its package (the name before the version, a `v` dropped: `pkg-v1.2.3` → `pkg-`) and version. */
function splitVersionTag(tag: string): { prefix: string; version: string; semver: SemVer } | null {
  const name = tag.replace(/^refs\/tags\//, '');
  const candidate = VERSION_AT_END.exec(name)?.[1];
  const semver = candidate ? parseSemVer(candidate) : null;
  if (!candidate || !semver) return null;
  const prefix = name.slice(0, name.length - candidate.length).replace(/v$/, '');
  return { prefix, version: formatSemVer(semver), semver };
}

/** The package a tag prefix names: `@acme/api@` and `api-` name `api`. */
const packageOf = (prefix: string) => prefix.replace(/[-@/_]+$/, '').replace(/^@[^/]+\//, '');

/** semver.org precedence (build metadata ignored): negative when `a` comes first. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === null) return 1;
  if (b.prerelease === null) return -1;
  const x = a.prerelease.split('.');
  const y = b.prerelease.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = compareIdentifier(x[i] ?? '', y[i] ?? '');
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

function compareIdentifier(a: string, b: string): number {
  const numeric = (s: string) => /^\d+$/.test(s);
  if (numeric(a) && numeric(b)) return Number(a) - Number(b);
  if (numeric(a) !== numeric(b)) return numeric(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The release before `released` among earlier version tags: of the released tag's package, or of the only
 * package the tags name; the highest version, and a pre-release only when the release is one or no final
 * release exists. `tag: null` when there is none, with `packages` when tags of several packages leave it open.
 */
export function previousReleaseTag(
  earlier: readonly string[],
  released: string | null,
  /** The package's directory name (`--path packages/api`): picks `api@…` or `@acme/api@…` among several. */
  packageDir?: string,
): { tag: string | null; packages: string[] } {
  const current = released === null ? null : splitVersionTag(released);
  const tags = earlier.flatMap((tag) => {
    const split = splitVersionTag(tag);
    return split ? [{ tag, ...split }] : [];
  });
  const prefixes = new Set(tags.map((t) => t.prefix));
  const named = [...prefixes].filter((p) => packageDir !== undefined && packageOf(p) === packageDir);
  const prefix =
    current?.prefix ?? (prefixes.size === 1 ? [...prefixes][0] : named.length === 1 ? named[0] : undefined);
  if (prefix === undefined) return { tag: null, packages: [...prefixes].sort() };
  const mine = tags.filter(
    (t) => t.prefix === prefix && (current === null || compareSemVer(t.semver, current.semver) < 0),
  );
  const finals = mine.filter((t) => t.semver.prerelease === null);
  const pool = current?.semver.prerelease || finals.length === 0 ? mine : finals;
  let best: (typeof pool)[number] | undefined;
  for (const t of pool) if (best === undefined || compareSemVer(t.semver, best.semver) > 0) best = t;
  return { tag: best?.tag ?? null, packages: [] };
}

/**
 * The next version after `previous` for a bump, with `npm semver inc` semantics for pre-releases: a
 * pre-release of the target version is completed rather than skipped (`2.0.0-rc.1` + major = `2.0.0`).
 */
export function bumpVersion(previous: SemVer, bump: Bump): SemVer {
  const base = { prerelease: null, build: null };
  const pre = previous.prerelease !== null;
  switch (bump) {
    case 'major':
      if (pre && previous.minor === 0 && previous.patch === 0) return { ...previous, ...base };
      return { major: previous.major + 1, minor: 0, patch: 0, ...base };
    case 'minor':
      if (pre && previous.patch === 0) return { ...previous, ...base };
      return { major: previous.major, minor: previous.minor + 1, patch: 0, ...base };
    case 'patch':
      if (pre) return { ...previous, ...base };
      return { major: previous.major, minor: previous.minor, patch: previous.patch + 1, ...base };
    case 'none':
      return previous;
  }
}
