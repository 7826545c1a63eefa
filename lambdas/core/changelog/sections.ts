/** The section map: which section an entry of a type (and scope) belongs to, and the order of sections. */
import { DEFAULT_SECTIONS, type SectionRule } from './types.ts';

interface ResolvedRule {
  type: string;
  scope: string | null;
  section: string;
  hidden: boolean;
}

export interface SectionMap {
  rules: readonly ResolvedRule[];
  /** Lower-case types that have a rule. */
  knownTypes: ReadonlySet<string>;
  /** Section titles in the order they are rendered. */
  order: readonly string[];
  /** The rule for an entry: the one for its scope when there is one, else the type's general one. */
  ruleFor(type: string, scope: string | null): ResolvedRule | undefined;
}

const keyOf = (type: string, scope: string | null): string => `${type}\u0000${scope ?? ''}`;

function resolve(rule: SectionRule): ResolvedRule {
  return {
    type: rule.type.toLowerCase(),
    scope: rule.scope?.trim() || null,
    section: rule.section,
    hidden: rule.hidden ?? false,
  };
}

/**
 * The caller's rules over the defaults: a rule for a (type, scope) the defaults have replaces it in place, a
 * new one is appended. With `replace`, the caller's rules are the whole map (release-please's
 * `changelog-sections`), and a type they leave out is unknown.
 */
export function resolveSections(
  custom: readonly SectionRule[] | null | undefined,
  replace = false,
): SectionMap {
  const rules: ResolvedRule[] = replace ? [] : DEFAULT_SECTIONS.map(resolve);
  for (const rule of (custom ?? []).map(resolve)) {
    const existing = rules.findIndex((r) => r.type === rule.type && r.scope === rule.scope);
    if (existing === -1) rules.push(rule);
    else rules[existing] = rule;
  }
  const byKey = new Map<string, ResolvedRule>();
  for (const rule of rules) {
    if (!byKey.has(keyOf(rule.type, rule.scope))) byKey.set(keyOf(rule.type, rule.scope), rule);
  }
  return {
    rules,
    knownTypes: new Set(rules.map((r) => r.type)),
    order: [...new Set(rules.map((r) => r.section))],
    ruleFor: (type, scope) =>
      (scope === null ? undefined : byKey.get(keyOf(type, scope))) ?? byKey.get(keyOf(type, null)),
  };
}
