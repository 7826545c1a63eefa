import { formatDateTime, formatNumber } from '../../components/format.ts';
import { ROLE_WORDS } from '../../session/roles.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A detail's name in words: `expiresAt` → "Expires at", `rolloutPercent` → "Rollout". */
function keyWords(key: string): string {
  if (key === 'rolloutPercent') return 'Rollout';
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value as the rest of the console writes it: roles and flags in words, times in the viewer's zone. */
function valueWords(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return key === 'enabled' ? (value ? 'on' : 'off') : value ? 'yes' : 'no';
  if (typeof value === 'number') return key === 'rolloutPercent' ? `${value}%` : formatNumber(value);
  // A flag with no roles applies to every role, as the flags page says ("none ticked: every role"); it read "—".
  if (key === 'roles' && Array.isArray(value) && value.length === 0) return 'every role';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => valueWords(key, v)).join(', ');
  if (typeof value !== 'string') return JSON.stringify(value);
  if (Object.hasOwn(ROLE_WORDS, value)) return ROLE_WORDS[value as keyof typeof ROLE_WORDS];
  if (ISO_TIME.test(value)) return formatDateTime(value);
  return key === 'purpose' ? value.charAt(0) + value.slice(1).toLowerCase() : value;
}

const change = (key: string, from: unknown, to: unknown): string =>
  from === null || from === undefined
    ? valueWords(key, to)
    : `${valueWords(key, from)} → ${valueWords(key, to)}`;

/**
 * An audit entry's `details` (AWSJSON) in words: a role change "User → Ops", a flag's changes one per field
 * ("Enabled: on, Rollout: 25%, Roles: Ops"). The page showed the JSON itself: "to: OPS, from: USER" (the new
 * role first) and, for a flag, `changes: {"roles":{"to":["OPS"],"from":null},…}`.
 */
export function auditDetailsText(details: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return details;
  }
  if (!isRecord(parsed)) return details;
  const parts: string[] = [];
  if ('from' in parsed || 'to' in parsed) parts.push(change('role', parsed.from, parsed.to));
  if (parsed.created === true) parts.push('Created');
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'from' || key === 'to' || key === 'created') continue;
    if (key === 'changes' && isRecord(value)) {
      for (const [field, c] of Object.entries(value)) {
        parts.push(
          isRecord(c)
            ? `${keyWords(field)}: ${change(field, c.from, c.to)}`
            : `${keyWords(field)}: ${valueWords(field, c)}`,
        );
      }
    } else {
      parts.push(`${keyWords(key)}: ${valueWords(key, value)}`);
    }
  }
  return parts.join(', ');
}
