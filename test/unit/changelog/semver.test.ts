import { describe, expect, it } from 'vitest';
import {
  bumpVersion,
  formatSemVer,
  normaliseRepositoryUrl,
  parseSemVer,
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
