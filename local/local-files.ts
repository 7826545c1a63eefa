/**
 * What the local runtime keeps under its data dir besides the database: the JWT signing key set, the API key and
 * the first admin's credentials. Each is created once and reused, so a restart keeps tokens and keys valid.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../lambdas/core/errors.ts';

export interface LocalPaths {
  dataDir: string;
  keySet: string;
  apiKey: string;
  admin: string;
}

export function localPaths(dataDir: string): LocalPaths {
  return {
    dataDir,
    keySet: join(dataDir, 'jwt-keys.json'),
    apiKey: join(dataDir, 'api-key.json'),
    admin: join(dataDir, 'admin.json'),
  };
}

function writeSecretFile(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * The data dir, created if missing. A file in its place, or a place that cannot hold a folder, is a
 * ValidationError on `data-dir` that says so (mkdir's own message is "EEXIST: file already exists, mkdir …").
 */
export function ensureDataDir(dataDir: string): void {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory())
    throw new ValidationError('data-dir', `${dataDir} is a file, not a folder`);
  try {
    createFolders(dataDir, 0o700);
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    throw new ValidationError('data-dir', `cannot create the folder ${dataDir} (${code}${WHY[code] ?? ''})`);
  }
}

const WHY: Record<string, string> = {
  ENOENT: ': its parent does not take new folders',
  ENOTDIR: ': a part of the path is a file',
  EACCES: ': permission denied',
  EPERM: ': not permitted',
  EROFS: ': read-only file system',
  EEXIST: ': a file or a broken link is in the way',
};

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * `mkdir -p`, one folder at a time from the deepest that exists, each tried once. Node's own
 * `mkdirSync(path, { recursive: true })` never returns for a folder whose parent exists but refuses it with
 * ENOENT (`/proc/x` on Linux, Node 20 and 22): it creates the parent, finds it there, and tries the child again,
 * forever, without a word (`ai-ops start --data-dir /proc/x` hung at 100% CPU).
 */
function createFolders(path: string, mode: number): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (error: unknown) {
      // Another process made it meanwhile: as good as made here.
      const made = error instanceof Error && 'code' in error && error.code === 'EEXIST';
      if (!made || !isFolder(folder)) throw error;
    }
  }
}

const apiKeyFileSchema = z.object({ key: z.string().startsWith('da2-'), createdAt: z.string() });

/** An AppSync-style API key (`da2-` + 26 characters), created on first start. */
export function ensureApiKey(path: string): string {
  if (existsSync(path)) return apiKeyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).key;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const key = `da2-${[...randomBytes(26)].map((byte) => alphabet[byte % 32]).join('')}`;
  writeSecretFile(path, { key, createdAt: new Date().toISOString() });
  return key;
}

const adminFileSchema = z.object({ email: z.string(), password: z.string() });
export type AdminCredentials = z.infer<typeof adminFileSchema>;

export function readAdmin(path: string): AdminCredentials | null {
  if (!existsSync(path)) return null;
  return adminFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function newAdminCredentials(): AdminCredentials {
  return { email: 'admin@ai-ops.local', password: randomBytes(18).toString('base64url') };
}

export function saveAdmin(path: string, credentials: AdminCredentials): void {
  writeSecretFile(path, credentials);
}
