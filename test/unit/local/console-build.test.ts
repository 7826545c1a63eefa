import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleBuildState } from '../../../scripts/build-web-if-stale.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository root with the given files, each modified at the given second. */
function repo(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'console-build-'));
  roots.push(root);
  for (const [path, second] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), 'x');
    utimesSync(join(root, path), second, second);
  }
  return root;
}

describe('whether npm start must rebuild the web console', () => {
  it('rebuilds when the console was never built', () => {
    expect(consoleBuildState(repo({ 'web/src/main.tsx': 100 }))).toBe('missing');
  });

  it('rebuilds when a source or the schema changed after the build, not when nothing did', () => {
    const built = { 'web/src/pages/A.tsx': 100, 'schema/schema.graphql': 100, 'web/dist/index.html': 200 };
    expect(consoleBuildState(repo(built))).toBe('current');
    expect(consoleBuildState(repo({ ...built, 'web/src/pages/A.tsx': 300 }))).toBe('stale');
    expect(consoleBuildState(repo({ ...built, 'schema/schema.graphql': 300 }))).toBe('stale');
  });

  it('ignores the files codegen writes during the build', () => {
    const root = repo({ 'web/src/A.tsx': 100, 'web/dist/index.html': 200, 'web/src/gql/graphql.ts': 300 });
    expect(consoleBuildState(root)).toBe('current');
  });
});
