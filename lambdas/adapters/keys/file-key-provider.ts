/**
 * Key set from a JSON file (the local runtime's `.local/jwt-keys.json`). Re-read at most every
 * `maxAgeSeconds`, so `ai-ops` rotating the file is picked up without a restart.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  generateKeySet,
  type KeyProvider,
  type KeySet,
  parseKeySet,
  rotateKeySet,
} from '../../core/auth/keys.ts';

export interface FileKeyProviderOptions {
  maxAgeSeconds?: number;
  /** Minimum time between re-reads forced by an unknown kid. */
  minRefreshIntervalSeconds?: number;
  now?: () => number;
}

export function createFileKeyProvider(path: string, options: FileKeyProviderOptions = {}): KeyProvider {
  const maxAgeMs = (options.maxAgeSeconds ?? 60) * 1000;
  const minRefreshMs = (options.minRefreshIntervalSeconds ?? 5) * 1000;
  const now = options.now ?? Date.now;
  let cached: { raw: string; keySet: KeySet; readAt: number } | undefined;

  async function load(): Promise<KeySet> {
    const raw = await readFile(path, 'utf8');
    // Same content, same object: keeps the imported-key cache in tokens.ts warm.
    const keySet = cached && cached.raw === raw ? cached.keySet : parseKeySet(raw);
    cached = { raw, keySet, readAt: now() };
    return keySet;
  }

  return {
    async getKeySet(request = {}) {
      if (!cached) return load();
      const age = now() - cached.readAt;
      if (age >= maxAgeMs || (request.refresh && age >= minRefreshMs)) return load();
      return cached.keySet;
    },
  };
}

async function writeKeySetFile(path: string, keySet: KeySet): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a file; 0600 because it holds the private key.
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(keySet, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

/** Reads the key set at `path`, creating a fresh one (mode 0600) when the file does not exist. */
export async function ensureKeySetFile(path: string): Promise<{ keySet: KeySet; created: boolean }> {
  try {
    return { keySet: parseKeySet(await readFile(path, 'utf8')), created: false };
  } catch (error: unknown) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  const keySet = await generateKeySet();
  try {
    // `wx`: if another process created the file meanwhile, keep theirs.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(keySet, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return { keySet, created: true };
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      return { keySet: parseKeySet(await readFile(path, 'utf8')), created: false };
    }
    throw error;
  }
}

/** Rotates the key set in the file: a new signing key, the old one kept for verification. */
export async function rotateKeySetFile(
  path: string,
  options: { keepPrevious?: number } = {},
): Promise<KeySet> {
  const rotated = await rotateKeySet(parseKeySet(await readFile(path, 'utf8')), options);
  await writeKeySetFile(path, rotated);
  return rotated;
}
