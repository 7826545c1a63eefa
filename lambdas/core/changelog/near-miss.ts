/**
 * Subjects that are nearly conventional headers. Two kinds, kept apart on purpose:
 *
 * - **Repaired** (read as conventional, and said so): the type is written in full — any case — and is a type
 *   of the section map; only the punctuation around it is off, so reading it guesses nothing:
 *   `feat(api) add z` (no colon after a scope), `feat : add x` / `feat(api) : x` (a space before the colon),
 *   `feat：add x` (a full-width colon), `feat (api): add x` (a space before the scope), `feat!(api): drop v1`
 *   (`!` before the scope).
 * - **Suspected** (a hint only; the commit stays what it was): a type one edit away from a type of the map
 *   (`fet`, `fxi`, `feta`, `fixs`) or the map's type with an ending (`fixes`, `fixed`, `tests`), and a
 *   lower-case type of the map followed by its description without a colon (`feat add x`). Neither is read as
 *   the type it resembles: `core:` is one letter from `chore:` and a component name in many repositories,
 *   and plain English subjects open with `fix`, `test` or `build` too.
 */

/** A repaired header: the parts `HEADER` would have matched, and the header as it should have been written. */
export interface RepairedHeader {
  type: string;
  scope: string | undefined;
  bang: boolean;
  subject: string;
  reading: string;
}

/** `type(scope)[!] description`: a scope, then no colon. No `#` in the scope: `Fix (#12) crash` is prose. */
const NO_COLON_AFTER_SCOPE = /^(\w+)\(([^()#\r\n]*)\)(!)?[ \t]+(\S.*)$/;
/**
 * Spaces around the colon or before the scope, a full-width colon, or `!` before the scope. Each run of spaces
 * belongs to the part that follows it, so no two `[ \t]*` can share the same spaces (linear on any input).
 */
const LOOSE_PUNCTUATION =
  /^(\w+)(?:[ \t]*(!))?(?:[ \t]*\(([^()\r\n]*)\))?(?:[ \t]*(!))?[ \t]*[:\uFF1A][ \t]*(\S.*)$/;
/** `feat add x`: a lower-case word, a space, the rest. */
const BARE_TYPE = /^([a-z]+)[ \t]+(\S.*)$/;
const ENDINGS = ['s', 'es', 'ed', 'd', 'ing'] as const;

/** The header read as conventional when only its punctuation is off and its type is one of the map's. */
export function repairHeader(header: string, knownTypes: ReadonlySet<string>): RepairedHeader | null {
  const loose = LOOSE_PUNCTUATION.exec(header);
  if (loose && knownTypes.has((loose[1] ?? '').toLowerCase())) {
    return repaired(loose[1] ?? '', loose[3], loose[2] === '!' || loose[4] === '!', loose[5] ?? '');
  }
  const noColon = NO_COLON_AFTER_SCOPE.exec(header);
  if (noColon && knownTypes.has((noColon[1] ?? '').toLowerCase())) {
    return repaired(noColon[1] ?? '', noColon[2], noColon[3] === '!', noColon[4] ?? '');
  }
  return null;
}

function repaired(type: string, scope: string | undefined, bang: boolean, subject: string): RepairedHeader {
  const scopePart = scope === undefined ? '' : `(${scope.trim()})`;
  return {
    type,
    scope,
    bang,
    subject,
    reading: `${type}${scopePart}${bang ? '!' : ''}: ${subject}`,
  };
}

/**
 * The type of the map that `type` looks like a slip of (one letter added, dropped, changed, or two swapped;
 * or an ending added), `null` when none. Both at least three letters long: `ci` has too many neighbours.
 */
export function resemblingType(type: string, knownTypes: ReadonlySet<string>): string | null {
  const written = type.toLowerCase();
  if (written.length < 3 || knownTypes.has(written)) return null;
  for (const known of knownTypes) {
    if (known.length < 3 || !/^[a-z]+$/.test(known)) continue;
    if (withinOneEdit(written, known)) return known;
    if (ENDINGS.some((ending) => written === known + ending)) return known;
  }
  return null;
}

/** `feat add x` → `feat`: a lower-case type of the map opening a subject that has no colon after it. */
export function missingColonType(header: string, knownTypes: ReadonlySet<string>): string | null {
  const match = BARE_TYPE.exec(header);
  const word = match?.[1] ?? '';
  return match && word.length >= 3 && knownTypes.has(word) ? word : null;
}

/** Optimal string alignment distance of at most one. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let i = 0; i < a.length && diffs.length <= 2; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length === 1) return true;
    const [i, j] = diffs;
    return diffs.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}
