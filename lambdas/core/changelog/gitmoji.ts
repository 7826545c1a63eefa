/**
 * gitmoji (gitmoji.dev): a commit subject that opens with one of its emoji, as the emoji (`✨ add dark mode`) or
 * its shortcode (`:sparkles: add dark mode`), optionally followed by a scope and a colon (`✨ (api): add x`, the
 * `<intention> [scope?][:?] <message>` form gitmoji documents), or by a conventional header (`✨ feat: add x`).
 *
 * The table is the official list, the `gitmojis` package 3.15.0 (74 emoji), nothing added or fitted to a
 * repository. Each gitmoji takes the conventional type that matches its own description, and its own `semver`
 * field decides whether it is released, so the bump is the one gitmoji documents:
 *
 * - `minor`: ✨ → `feat`;
 * - `major`: 💥 → a breaking change (listed under ⚠ BREAKING CHANGES; with another gitmoji beside it, in that
 *   gitmoji's section too);
 * - `patch`: ⚡️ → `perf`, 🔒️ → `security`, ⏪️ → `revert`, the dependency ones (⬆️ ⬇️ 📌 ➕ ➖) → `fix` with
 *   the scope `deps` (as Renovate writes `fix(deps):`), and every other → `fix`, the only released
 *   conventional type whose bump is a patch;
 * - none: a hidden type (`docs`, `style`, `refactor`, `test`, `ci`, `chore`).
 *
 * A section rule naming a gitmoji by its code (`{"type": "wrench", "section": "Chores", "hidden": true}`) wins
 * over its type's rule, so a team can move or hide one gitmoji without touching the others.
 */

export interface Gitmoji {
  /** The emoji as the list writes it (with its variation selector where the list has one). */
  emoji: string;
  /** The shortcode without colons (`sparkles`): also the name a section rule may use. */
  code: string;
  /** The conventional type it stands for; `null` for 💥, which says "breaking" and no more. */
  type: string | null;
  /** A scope it implies (`deps` for the dependency gitmoji). */
  scope: string | null;
}

type Row = readonly [emoji: string, code: string, type: string | null, scope?: string];

/** gitmojis 3.15.0, in the list's order; the comment is gitmoji's description and semver. */
const ROWS: readonly Row[] = [
  ['🎨', 'art', 'style'], // Improve structure / format of the code. (none)
  ['⚡️', 'zap', 'perf'], // Improve performance. (patch)
  ['🔥', 'fire', 'refactor'], // Remove code or files. (none)
  ['🐛', 'bug', 'fix'], // Fix a bug. (patch)
  ['🚑️', 'ambulance', 'fix'], // Critical hotfix. (patch)
  ['✨', 'sparkles', 'feat'], // Introduce new features. (minor)
  ['📝', 'memo', 'docs'], // Add or update documentation. (none)
  ['🚀', 'rocket', 'chore'], // Deploy stuff. (none)
  ['💄', 'lipstick', 'fix'], // Add or update the UI and style files. (patch)
  ['🎉', 'tada', 'chore'], // Begin a project. (none)
  ['✅', 'white_check_mark', 'test'], // Add, update, or pass tests. (none)
  ['🔒️', 'lock', 'security'], // Fix security or privacy issues. (patch)
  ['🔐', 'closed_lock_with_key', 'chore'], // Add or update secrets. (none)
  ['🔖', 'bookmark', 'chore'], // Release / Version tags. (none)
  ['🚨', 'rotating_light', 'style'], // Fix compiler / linter warnings. (none)
  ['🚧', 'construction', 'chore'], // Work in progress. (none)
  ['💚', 'green_heart', 'ci'], // Fix CI Build. (none)
  ['⬇️', 'arrow_down', 'fix', 'deps'], // Downgrade dependencies. (patch)
  ['⬆️', 'arrow_up', 'fix', 'deps'], // Upgrade dependencies. (patch)
  ['📌', 'pushpin', 'fix', 'deps'], // Pin dependencies to specific versions. (patch)
  ['👷', 'construction_worker', 'ci'], // Add or update CI build system. (none)
  ['📈', 'chart_with_upwards_trend', 'fix'], // Add or update analytics or track code. (patch)
  ['♻️', 'recycle', 'refactor'], // Refactor code. (none)
  ['➕', 'heavy_plus_sign', 'fix', 'deps'], // Add a dependency. (patch)
  ['➖', 'heavy_minus_sign', 'fix', 'deps'], // Remove a dependency. (patch)
  ['🔧', 'wrench', 'fix'], // Add or update configuration files. (patch)
  ['🔨', 'hammer', 'chore'], // Add or update development scripts. (none)
  ['🌐', 'globe_with_meridians', 'fix'], // Internationalization and localization. (patch)
  ['✏️', 'pencil2', 'fix'], // Fix typos. (patch)
  ['💩', 'poop', 'chore'], // Write bad code that needs to be improved. (none)
  ['⏪️', 'rewind', 'revert'], // Revert changes. (patch)
  ['🔀', 'twisted_rightwards_arrows', 'chore'], // Merge branches. (none)
  ['📦️', 'package', 'fix'], // Add or update compiled files or packages. (patch)
  ['👽️', 'alien', 'fix'], // Update code due to external API changes. (patch)
  ['🚚', 'truck', 'refactor'], // Move or rename resources (e.g.: files, paths, routes). (none)
  ['📄', 'page_facing_up', 'chore'], // Add or update license. (none)
  ['💥', 'boom', null], // Introduce breaking changes. (major)
  ['🍱', 'bento', 'fix'], // Add or update assets. (patch)
  ['♿️', 'wheelchair', 'fix'], // Improve accessibility. (patch)
  ['💡', 'bulb', 'docs'], // Add or update comments in source code. (none)
  ['🍻', 'beers', 'chore'], // Write code drunkenly. (none)
  ['💬', 'speech_balloon', 'fix'], // Add or update text and literals. (patch)
  ['🗃️', 'card_file_box', 'fix'], // Perform database related changes. (patch)
  ['🔊', 'loud_sound', 'chore'], // Add or update logs. (none)
  ['🔇', 'mute', 'chore'], // Remove logs. (none)
  ['👥', 'busts_in_silhouette', 'chore'], // Add or update contributor(s). (none)
  ['🚸', 'children_crossing', 'fix'], // Improve user experience / usability. (patch)
  ['🏗️', 'building_construction', 'refactor'], // Make architectural changes. (none)
  ['📱', 'iphone', 'fix'], // Work on responsive design. (patch)
  ['🤡', 'clown_face', 'test'], // Mock things. (none)
  ['🥚', 'egg', 'fix'], // Add or update an easter egg. (patch)
  ['🙈', 'see_no_evil', 'chore'], // Add or update a .gitignore file. (none)
  ['📸', 'camera_flash', 'test'], // Add or update snapshots. (none)
  ['⚗️', 'alembic', 'fix'], // Perform experiments. (patch)
  ['🔍️', 'mag', 'fix'], // Improve SEO. (patch)
  ['🏷️', 'label', 'fix'], // Add or update types. (patch)
  ['🌱', 'seedling', 'chore'], // Add or update seed files. (none)
  ['🚩', 'triangular_flag_on_post', 'fix'], // Add, update, or remove feature flags. (patch)
  ['🥅', 'goal_net', 'fix'], // Catch errors. (patch)
  ['💫', 'dizzy', 'fix'], // Add or update animations and transitions. (patch)
  ['🗑️', 'wastebasket', 'fix'], // Deprecate code that needs to be cleaned up. (patch)
  ['🛂', 'passport_control', 'fix'], // Work on code related to authorization, roles and permissions. (patch)
  ['🩹', 'adhesive_bandage', 'fix'], // Simple fix for a non-critical issue. (patch)
  ['🧐', 'monocle_face', 'chore'], // Data exploration/inspection. (none)
  ['⚰️', 'coffin', 'refactor'], // Remove dead code. (none)
  ['🧪', 'test_tube', 'test'], // Add a failing test. (none)
  ['👔', 'necktie', 'fix'], // Add or update business logic. (patch)
  ['🩺', 'stethoscope', 'chore'], // Add or update healthcheck. (none)
  ['🧱', 'bricks', 'chore'], // Infrastructure related changes. (none)
  ['🧑‍💻', 'technologist', 'chore'], // Improve developer experience. (none)
  ['💸', 'money_with_wings', 'chore'], // Add sponsorships or money related infrastructure. (none)
  ['🧵', 'thread', 'chore'], // Add or update code related to multithreading or concurrency. (none)
  ['🦺', 'safety_vest', 'chore'], // Add or update code related to validation. (none)
  ['✈️', 'airplane', 'chore'], // Improve offline support. (none)
];

export const GITMOJIS: readonly Gitmoji[] = Object.freeze(
  ROWS.map(([emoji, code, type, scope]) => Object.freeze({ emoji, code, type, scope: scope ?? null })),
);

/** Emoji are written with and without their variation selector (`⚡️` and `⚡`): both are the same gitmoji. */
const bare = (emoji: string): string => emoji.replace(/\uFE0F/g, '');

const BY_EMOJI = new Map(GITMOJIS.map((g) => [bare(g.emoji), g]));
const BY_CODE = new Map(GITMOJIS.map((g) => [g.code, g]));
/** Longest first, so a ZWJ sequence (`🧑‍💻`) is not read as its first emoji. */
const EMOJI_LENGTHS = [...new Set([...BY_EMOJI.keys()].map((e) => e.length))].sort((a, b) => b - a);

/** The gitmoji a section rule names (`wrench`), `undefined` for any other type. */
export function gitmojiByCode(code: string): Gitmoji | undefined {
  return BY_CODE.get(code);
}

export interface LeadingEmoji {
  /**
   * The run of emoji as it is shown: as written (`✨`, `🐛 💄`), a gitmoji shortcode as its emoji (`:bug:` →
   * `🐛`), since outside GitHub a changelog reader would see the colons.
   */
  written: string;
  /** The gitmoji among them, in order (an emoji outside the list is kept in `written` but is none of these). */
  gitmojis: Gitmoji[];
  /** The subject after the run, spaces removed. */
  rest: string;
}

const SHORTCODE = /^:([a-z0-9_+-]{1,40}):/;
/** Any pictographic emoji, with its modifiers and joiners: one before a conventional header is decoration. */
const ANY_EMOJI = /^\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*/u;
/** A gitmoji subject opens with one or two emoji; a longer run is read this far and the rest is text. */
const MAX_RUN = 8;

/**
 * The emoji a subject opens with, `null` when it opens with none. Shortcodes count only when they name a
 * gitmoji (`:bug:`); a unicode emoji outside the list (`🎈`) is kept as part of the run but chooses nothing.
 */
export function leadingEmoji(subject: string): LeadingEmoji | null {
  let at = 0;
  let written = '';
  const gitmojis: Gitmoji[] = [];
  for (let count = 0; count < MAX_RUN; count++) {
    let start = at;
    while (subject[start] === ' ' || subject[start] === '\t') start++;
    const found = emojiAt(subject, start);
    if (!found) break;
    const shown = found.text.startsWith(':') && found.gitmoji ? found.gitmoji.emoji : found.text;
    written += (written === '' || start === at ? '' : ' ') + shown;
    if (found.gitmoji) gitmojis.push(found.gitmoji);
    at = start + found.text.length;
  }
  if (written === '') return null;
  return { written, gitmojis, rest: subject.slice(at).replace(/^[ \t]+/, '') };
}

function emojiAt(text: string, at: number): { text: string; gitmoji: Gitmoji | null } | null {
  if (text[at] === ':') {
    const code = SHORTCODE.exec(text.slice(at, at + 43));
    const gitmoji = code ? BY_CODE.get(code[1] ?? '') : undefined;
    return code && gitmoji ? { text: code[0], gitmoji } : null;
  }
  for (const length of EMOJI_LENGTHS) {
    // Compare without variation selectors, then take as many characters of the text as matched.
    let taken = at;
    let bareSeen = '';
    while (taken < text.length && bareSeen.length < length) {
      const char = text[taken] ?? '';
      taken++;
      if (char !== '\uFE0F') bareSeen += char;
    }
    if (bareSeen.length !== length) continue;
    if (text[taken] === '\uFE0F') taken++;
    const gitmoji = BY_EMOJI.get(bareSeen);
    if (gitmoji) return { text: text.slice(at, taken), gitmoji };
  }
  const other = ANY_EMOJI.exec(text.slice(at, at + 64));
  return other ? { text: other[0], gitmoji: null } : null;
}
