// @ts-check
/**
 * `npm start` runs this first: it rebuilds the web console (`npm run build:web`) when a source of it changed
 * since web/dist was built, as bin/ai-ops.mjs does for the command itself, so an edited or pulled console is
 * never served stale. `npm ci` builds the console, so a fresh clone starts without rebuilding.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the console is built from (vite and GraphQL codegen read these). */
const INPUTS = [
  'web/src',
  'web/public',
  'web/index.html',
  'web/vite.config.ts',
  'web/codegen.ts',
  'web/security-headers.ts',
  'web/tsconfig.json',
  'schema',
];
/** Written by codegen during the build itself, so never newer than the build in a meaningful way. */
const GENERATED = 'web/src/gql';

/**
 * The newest modification time under `path` (a file or a folder, recursively), or 0 when it does not exist.
 * @param {string} root
 * @param {string} path relative to `root`
 * @returns {number}
 */
function newestMtime(root, path) {
  let stat;
  try {
    stat = statSync(join(root, path));
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(join(root, path))) {
    const child = join(path, entry);
    if (child === GENERATED) continue;
    newest = Math.max(newest, newestMtime(root, child));
  }
  return newest;
}

/**
 * Whether web/dist holds a build of the current sources.
 * @param {string} root the repository root
 * @returns {'missing' | 'stale' | 'current'}
 */
export function consoleBuildState(root) {
  let built;
  try {
    built = statSync(join(root, 'web/dist/index.html')).mtimeMs;
  } catch {
    return 'missing';
  }
  const newest = Math.max(...INPUTS.map((input) => newestMtime(root, input)));
  return newest > built ? 'stale' : 'current';
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const state = consoleBuildState(root);
  if (state !== 'current') {
    process.stderr.write(
      `ai-ops: the web console is ${state === 'missing' ? 'not built' : 'older than its sources'}; building it…\n`,
    );
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const built = spawnSync(npm, ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) {
      process.stderr.write('ai-ops: the web console could not be built (see above)\n');
      process.exit(1);
    }
  }
}
