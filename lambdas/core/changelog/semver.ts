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
  const name = tag.replace(/^refs\/tags\//, '');
  const match = /(?:^|[-/@_v])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(name);
  const candidate = match?.[1];
  if (!candidate) return null;
  const parsed = parseSemVer(candidate);
  return parsed ? formatSemVer(parsed) : null;
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
