/**
 * Feature flags: named switches an admin turns on for a share of users (a stable hash of the user id, so a
 * user stays in or out as the percentage grows) and optionally only for some roles. They gate model use per
 * task (`llm.summary`, `llm.triage`, `llm.changelog`, see `core/llm/gate.ts`). Reads go through a short cache; every change is
 * recorded with who and when.
 */
import { type Caller, ROLES, type Role } from '../auth/roles.ts';
import { ForbiddenError } from '../errors.ts';

export interface FeatureFlag {
  name: string;
  enabled: boolean;
  /** 0..100: the share of users (by stable hash) the flag is on for. */
  rolloutPercent: number;
  /** Roles the flag applies to; empty means every role. */
  roles: Role[];
  updatedAt: Date;
  updatedBy: string | null;
}

export interface FeatureFlagRepo {
  list(): Promise<FeatureFlag[]>;
  /** Creates or replaces the flag and records the change (from → to) in one transaction. */
  upsert(flag: Omit<FeatureFlag, 'updatedAt' | 'updatedBy'>, actorId: string): Promise<FeatureFlag>;
  /** The user's current role (workers know only the job's owner id); null when the user is gone. */
  roleOf(userId: string): Promise<Role | null>;
}

/** Flag names: lower-case words joined by . _ - (`llm.summary`). */
export const FLAG_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN may do this');
}

export async function listFeatureFlags(deps: { flags: FeatureFlagRepo }, input: { caller: Caller }) {
  requireAdmin(input.caller);
  return deps.flags.list();
}

/** A flag as an admin sets it; checked at the edge (`FLAG_NAME`, a percentage, known roles). */
export interface FlagSetting {
  name: string;
  enabled: boolean;
  rolloutPercent: number;
  roles: readonly Role[];
}

export async function setFeatureFlag(
  deps: { flags: FeatureFlagRepo; onChange?: () => void },
  input: { caller: Caller; flag: FlagSetting },
): Promise<FeatureFlag> {
  requireAdmin(input.caller);
  const { name, enabled, rolloutPercent } = input.flag;
  // In the one order ROLES lists them, without duplicates.
  const roles = ROLES.filter((role) => input.flag.roles.includes(role));
  const flag = await deps.flags.upsert({ name, enabled, rolloutPercent, roles }, input.caller.userId);
  deps.onChange?.();
  return flag;
}

/** 0..99, the same for a user and flag on every container (FNV-1a over `flag:user`). */
export function rolloutBucket(flagName: string, userId: string): number {
  let hash = 0x811c9dc5;
  const key = `${flagName}:${userId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

export function isFlagOn(
  flag: Pick<FeatureFlag, 'name' | 'enabled' | 'rolloutPercent' | 'roles'> | undefined,
  subject: { userId: string | null; role: Role | null },
): boolean {
  if (!flag?.enabled) return false;
  if (flag.roles.length > 0 && (subject.role === null || !flag.roles.includes(subject.role))) return false;
  if (flag.rolloutPercent >= 100) return true;
  // Work for no user (a deleted owner) only runs under a flag that is on for everyone.
  if (subject.userId === null) return false;
  return rolloutBucket(flag.name, subject.userId) < flag.rolloutPercent;
}

export interface FlagEvaluator {
  isOn(name: string, subject: { userId: string | null; role?: Role | null }): Promise<boolean>;
  /** Forgets the cached flags (after a change made by this container). */
  invalidate(): void;
}

/**
 * Flags read at most once per `ttlMs` per container: a change reaches every container within that time.
 * A subject without a role gets it looked up (workers only know the job's owner id).
 */
export function createFlagEvaluator(deps: {
  flags: FeatureFlagRepo;
  ttlMs: number;
  now?: () => number;
}): FlagEvaluator {
  const now = deps.now ?? Date.now;
  let cached: { at: number; flags: Map<string, FeatureFlag> } | null = null;
  const load = async () => {
    if (cached && now() - cached.at < deps.ttlMs) return cached.flags;
    const flags = new Map((await deps.flags.list()).map((flag) => [flag.name, flag]));
    cached = { at: now(), flags };
    return flags;
  };
  return {
    async isOn(name, subject) {
      const flag = (await load()).get(name);
      if (!flag?.enabled) return false;
      let role = subject.role ?? null;
      if (role === null && subject.userId !== null && flag.roles.length > 0) {
        role = await deps.flags.roleOf(subject.userId);
      }
      return isFlagOn(flag, { userId: subject.userId, role });
    },
    invalidate() {
      cached = null;
    },
  };
}
