import { describe, expect, it } from 'vitest';
import {
  bumpVersion,
  compareSemVer,
  formatSemVer,
  normaliseRepositoryUrl,
  parseSemVer,
  previousReleaseTag,
  versionFromTag,
} from '../../../lambdas/core/changelog/index.ts';

const next = (version: string, bump: 'major' | 'minor' | 'patch' | 'none'): string => {
  const parsed = parseSemVer(version);
  if (!parsed) throw new Error(`not a version: ${version}`);
  return formatSemVer(bumpVersion(parsed, bump));
};

describe('semantic versions', () => {
  it('parses versions with a v prefix, pre-release and build metadata', () => {
    expect(parseSemVer('v1.2.3-rc.1+build.5')).toEqual({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: 'rc.1',
      build: 'build.5',
    });
    expect(parseSemVer('1.2')).toBeNull();
    expect(parseSemVer('01.2.3')).toBeNull();
  });

  it('bumps releases and completes pre-releases', () => {
    expect(next('1.2.3', 'major')).toBe('2.0.0');
    expect(next('1.2.3', 'minor')).toBe('1.3.0');
    expect(next('1.2.3', 'patch')).toBe('1.2.4');
    expect(next('1.2.3', 'none')).toBe('1.2.3');
    expect(next('2.0.0-rc.1', 'major')).toBe('2.0.0');
    expect(next('1.3.0-beta', 'minor')).toBe('1.3.0');
    expect(next('1.3.1-beta', 'minor')).toBe('1.4.0');
    expect(next('1.2.4-0', 'patch')).toBe('1.2.4');
  });

  it('reads the version of common tag names', () => {
    expect(versionFromTag('v1.2.3')).toBe('1.2.3');
    expect(versionFromTag('refs/tags/1.2.3')).toBe('1.2.3');
    expect(versionFromTag('my-pkg-v2.0.0-rc.1')).toBe('2.0.0-rc.1');
    expect(versionFromTag('@scope/pkg@0.4.0')).toBe('0.4.0');
    expect(versionFromTag('main')).toBeNull();
    expect(versionFromTag('release-2024')).toBeNull();
  });

  it('normalises repository addresses to web URLs', () => {
    expect(normaliseRepositoryUrl('git@github.com:octo/app.git')).toBe('https://github.com/octo/app');
    expect(normaliseRepositoryUrl('https://github.com/octo/app.git/')).toBe('https://github.com/octo/app');
    expect(normaliseRepositoryUrl('ssh://git@gitlab.com/group/sub/app.git')).toBe(
      'https://gitlab.com/group/sub/app',
    );
    expect(normaliseRepositoryUrl('/srv/git/app.git')).toBeNull();
  });
});

describe('the previous release among earlier tags', () => {
  it('orders versions by semver precedence, pre-releases before their release', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0',
    ];
    const parsed = order.map((v) => parseSemVer(v) ?? expect.fail(v));
    const sorted = [...parsed].reverse().sort(compareSemVer);
    expect(sorted.map(formatSemVer)).toEqual(order);
    expect(
      compareSemVer(parseSemVer('1.10.0') ?? expect.fail(), parseSemVer('1.9.9') ?? expect.fail()),
    ).toBeGreaterThan(0);
  });

  it('takes the highest final version of the released package, lower than the release', () => {
    expect(previousReleaseTag(['v1.9.0', 'v1.10.0', 'v1.11.0-rc.1', 'docs'], null)).toEqual({
      tag: 'v1.10.0',
      packages: [],
    });
    expect(previousReleaseTag(['v1.0.0', 'v2.0.0-rc.1'], 'v2.0.0')).toEqual({ tag: 'v1.0.0', packages: [] });
    // A release candidate follows the previous candidate; with no final release yet, a candidate is all there is.
    expect(previousReleaseTag(['v1.0.0', 'v2.0.0-rc.1'], 'v2.0.0-rc.2').tag).toBe('v2.0.0-rc.1');
    expect(previousReleaseTag(['v0.1.0-beta.1'], null).tag).toBe('v0.1.0-beta.1');
    // 1.0.0 and v1.0.0 are one package; an older branch's higher tag is not a predecessor of 1.2.0.
    expect(previousReleaseTag(['1.0.0', 'v1.1.0', 'v1.5.0'], 'v1.2.0').tag).toBe('v1.1.0');
  });

  it("follows the released tag's package in a monorepo and names the packages it cannot choose between", () => {
    const tags = ['api@1.4.0', 'web@2.0.0', 'api-v9.0.0'];
    expect(previousReleaseTag(tags, 'api@1.5.0').tag).toBe('api@1.4.0');
    expect(previousReleaseTag(tags, 'web@2.1.0').tag).toBe('web@2.0.0');
    expect(previousReleaseTag(tags, null)).toEqual({ tag: null, packages: ['api-', 'api@', 'web@'] });
    expect(previousReleaseTag([], null)).toEqual({ tag: null, packages: [] });
    // --path packages/web names the package among several.
    expect(previousReleaseTag([...tags, '@acme/web@2.5.0'], null, 'web').tag).toBe(null);
    expect(previousReleaseTag(['@acme/web@2.5.0', 'api@1.4.0'], null, 'web').tag).toBe('@acme/web@2.5.0');
  });
});
