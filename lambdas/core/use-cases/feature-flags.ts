/**
 * Feature flags: named switches an admin turns on for a share of users (a stable hash of the user id, so a
 * user stays in or out as the percentage grows) and optionally only for some roles. They gate model use per
 * task (`llm.summary`, `llm.triage`, `llm.changelog`). Reads go through a short cache; every change is
 * recorded with who and when.
 */
import { type Caller, isRole, ROLES, type Role } from '../auth/roles.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import type { LlmGate, LlmTask } from '../llm/ports.ts';

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

/** The flag that gates each model task. */
export const LLM_FLAGS: Readonly<Record<LlmTask, string>> = {
  summary: 'llm.summary',
  triage: 'llm.triage',
  changelog: 'llm.changelog',
};

const FLAG_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN may do this');
}

export async function listFeatureFlags(deps: { flags: FeatureFlagRepo }, input: { caller: Caller }) {
  requireAdmin(input.caller);
  return deps.flags.list();
}

export async function setFeatureFlag(
  deps: { flags: FeatureFlagRepo; onChange?: () => void },
  input: { caller: Caller; name: unknown; enabled: unknown; rolloutPercent?: unknown; roles?: unknown },
): Promise<FeatureFlag> {
  requireAdmin(input.caller);
  if (typeof input.name !== 'string' || !FLAG_NAME.test(input.name)) {
    throw new ValidationError('name', 'must be 1-64 lower-case letters, digits and . _ - (e.g. llm.summary)');
  }
  if (typeof input.enabled !== 'boolean') throw new ValidationError('enabled', 'must be true or false');
  const rolloutPercent = input.rolloutPercent ?? 100;
  if (
    typeof rolloutPercent !== 'number' ||
    !Number.isInteger(rolloutPercent) ||
    rolloutPercent < 0 ||
    rolloutPercent > 100
  ) {
    throw new ValidationError('rolloutPercent', 'must be an integer from 0 to 100');
  }
  const rawRoles = input.roles ?? [];
  if (!Array.isArray(rawRoles) || !rawRoles.every(isRole)) {
    throw new ValidationError('roles', `must be a list of ${ROLES.join(', ')}`);
  }
  const roles = ROLES.filter((role) => rawRoles.includes(role));
  const flag = await deps.flags.upsert(
    { name: input.name, enabled: input.enabled, rolloutPercent, roles },
    input.caller.userId,
  );
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

/** The LLM gate over the flags: task → its flag, evaluated for the subject. */
export function flagGate(flags: FlagEvaluator): LlmGate {
  return (task, subject) => flags.isOn(LLM_FLAGS[task], subject);
}
