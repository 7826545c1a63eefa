/**
 * Feature flags: named switches an admin turns on for a share of users (a stable hash of the user id, so a
 * user stays in or out as the percentage grows) and optionally only for some roles. They gate model use per
 * task (`llm.summary`, `llm.triage`, `llm.changelog`, see `core/llm/gate.ts`). Reads go through a short cache; every change is
 * recorded with who and when.
 */
import { type Caller, ROLES, type Role } from '../auth/roles.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';

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

/** A flag the code reads, with what it switches and its value while no admin has set it. */
export interface KnownFlag {
  readonly name: string;
  readonly description: string;
  readonly defaultEnabled: boolean;
}

/** Every flag the code reads. `featureFlags` lists them all, set or not; only these can be set. */
export const FLAGS = {
  llmSummary: {
    name: 'llm.summary',
    description:
      "Log summaries: the configured model rewrites the template miner's summary from its digest (never the raw lines); any failure keeps the local summary",
    defaultEnabled: false,
  },
  llmTriage: {
    name: 'llm.triage',
    description:
      "Ticket triage: the configured model refines the local classifier's answer (structured output); any failure keeps the local answer",
    defaultEnabled: false,
  },
  llmChangelog: {
    name: 'llm.changelog',
    description:
      'Changelogs: the configured model may write a Highlights paragraph when generateChangelog asks for one; the entries never change',
    defaultEnabled: false,
  },
} as const satisfies Record<string, KnownFlag>;

export const KNOWN_FLAGS: readonly KnownFlag[] = Object.values(FLAGS);

const knownFlag = (name: string): KnownFlag | undefined => KNOWN_FLAGS.find((flag) => flag.name === name);

/** A flag as `featureFlags` lists it: its setting (or its default) and what it is for. */
export interface FlagListing extends Omit<FeatureFlag, 'updatedAt'> {
  updatedAt: Date | null;
  description: string | null;
  defaultEnabled: boolean;
  /** Whether an admin has set it; otherwise its default applies. */
  isSet: boolean;
  /** Whether this version of the code reads it. */
  known: boolean;
}

/** The value of a flag nobody set: its default, for every role and user. */
function defaultSetting(flag: KnownFlag): Pick<FeatureFlag, 'name' | 'enabled' | 'rolloutPercent' | 'roles'> {
  return { name: flag.name, enabled: flag.defaultEnabled, rolloutPercent: 100, roles: [] };
}

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN may do this');
}

/** A stored flag, or (null) the default of a known one nobody set, as `featureFlags` lists it. */
export function flagListing(name: string, stored: FeatureFlag | undefined): FlagListing {
  const known = knownFlag(name);
  const setting = stored ?? {
    ...defaultSetting(known ?? { name, description: '', defaultEnabled: false }),
    updatedBy: null,
  };
  return {
    ...setting,
    updatedAt: stored?.updatedAt ?? null,
    description: known?.description ?? null,
    defaultEnabled: known?.defaultEnabled ?? false,
    isSet: stored !== undefined,
    known: known !== undefined,
  };
}

/** Every known flag, set or not, and any stored flag this version no longer reads, by name. */
export async function listFeatureFlags(
  deps: { flags: FeatureFlagRepo },
  input: { caller: Caller },
): Promise<FlagListing[]> {
  requireAdmin(input.caller);
  const stored = new Map((await deps.flags.list()).map((flag) => [flag.name, flag]));
  const names = [...new Set([...KNOWN_FLAGS.map((flag) => flag.name), ...stored.keys()])].sort();
  return names.map((name) => flagListing(name, stored.get(name)));
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
  if (!knownFlag(name)) {
    const names = KNOWN_FLAGS.map((flag) => flag.name).join(', ');
    throw new ValidationError('name', `is not a flag this version reads (known flags: ${names})`);
  }
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
      const known = knownFlag(name);
      const flag = (await load()).get(name) ?? (known ? defaultSetting(known) : undefined);
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
