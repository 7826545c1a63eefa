/**
 * Commits as people paste them → the messages `generateChangelog` takes (newest first, as git prints them).
 * The console's paste box splits text with `splitPastedCommits`; `attachFooters` also runs inside the generator
 * on string commits, so a footer line sent as a commit of its own reads the same through the API and the console.
 */
import { HEADER, isNote } from './syntax.ts';

const COMMIT_HEADER = /^commit [0-9a-f]{7,40}\b/;
/**
 * A line of `git log --oneline`, with what a terminal adds: `--graph`'s columns before the hash (the commit's
 * own column is a `*`: `* `, `| * `, `*   ` for a merge, `*-.` for an octopus) and `--decorate`'s ref list after
 * it (`(HEAD -> main, tag: v1.0.0, origin/main)`: comma-separated names without spaces, `HEAD -> x`, `tag: x`).
 * Only a parenthesis right after a hash is a decoration; a subject of a line without a hash is kept as written.
 */
const ONELINE =
  /^(?:(?=[|/\\_ ]*\*)[-.|/\\_ *]* )?[0-9a-f]{7,40} (?:\((?:HEAD(?: -> [^\s,()]+)?|tag: [^\s,()]+|[^\s,()]+)(?:, (?:HEAD(?: -> [^\s,()]+)?|tag: [^\s,()]+|[^\s,()]+))*\) )?(.+)$/;
/** A `--graph` line that carries no commit: `|/`, `|\\`, `| |`, `|/|`. */
const GRAPH_ONLY = /^(?=.*[|/\\])[|/\\_ .-]+$/;
const SEPARATOR = /^-{3,}\s*$/;
/**
 * Lines that are only ever footers: git's `*-by:` trailers, `Release-As:`, `Change-Id:`, and lines of nothing
 * but issue references (`Refs: #12`, `Closes octo/app#3, #4`; `fix: #3 crash` is a fix). Other `token:` lines
 * may be conventional headers of unmapped types. (`[ \t]*:?` before `[ \t,]*` let both take the same spaces:
 * seconds on a long run of them.)
 */
const TRAILER = /^[A-Za-z]+(?:-[A-Za-z]+)*-(?:by|as|id)[ \t]*:/i;
const REFERENCES =
  /^(?:refs?|references?|close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?:[ \t]*:)?(?:[ \t,]*(?:and[ \t]+)?(?:[\w.-]+\/[\w.-]+)?#\d+)+[ \t]*$/i;

/** A message that is nothing but footers: in a one-per-line paste, the footer of the commit above it. */
export function isFooterOnly(message: string): boolean {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  return (
    lines.length > 0 &&
    lines.every((line) => isNote(line) !== null || TRAILER.test(line.trim()) || REFERENCES.test(line.trim()))
  );
}

/**
 * Appends each footer-only string to the string message above it (a `BREAKING CHANGE:` line pasted under its
 * subject), keeping the input index of the message it joined. Objects (git records, structured entries) are
 * never joined: they came whole.
 */
export function attachFooters<T>(commits: readonly (string | T)[]): { commit: string | T; source: number }[] {
  const joined: { commit: string | T; source: number }[] = [];
  commits.forEach((commit, source) => {
    const above = joined.at(-1);
    if (typeof commit === 'string' && typeof above?.commit === 'string' && isFooterOnly(commit)) {
      // A blank line ends the subject; footers in a row stay one footer block.
      const separator = isFooterOnly(above.commit.split('\n').at(-1) ?? '') ? '\n' : '\n\n';
      above.commit = `${above.commit}${separator}${commit.trim()}`;
      return;
    }
    joined.push({ commit, source });
  });
  return joined;
}

function fromGitLog(lines: string[]): string[] {
  const commits: string[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (current) {
      const message = current.join('\n').trim();
      if (message) commits.push(message);
    }
  };
  for (const line of lines) {
    if (COMMIT_HEADER.test(line)) {
      flush();
      current = [];
    } else if (current && (line.startsWith('    ') || line.trim() === '')) {
      current.push(line.startsWith('    ') ? line.slice(4) : '');
    }
    // Author:, Date:, Merge: header lines are not part of the message.
  }
  flush();
  return commits;
}

/**
 * Accepts `git log` default output (`commit <hash>`, `Author:`, `Date:`, then the message indented by four
 * spaces), `git log --oneline` (`<hash> <subject>`), and plain messages: one per line (a footer line belongs to
 * the line above), or whole messages (subject, body, footers) separated by lines of `---`.
 */
export function splitPastedCommits(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.some((l) => COMMIT_HEADER.test(l))) return fromGitLog(lines);
  if (lines.some((l) => SEPARATOR.test(l))) {
    const blocks: string[] = [];
    let block: string[] = [];
    for (const line of [...lines, '---']) {
      if (SEPARATOR.test(line)) {
        const message = block.join('\n').trim();
        if (message) blocks.push(message);
        block = [];
      } else block.push(line);
    }
    return blocks;
  }
  const oneline = lines.some((l) => ONELINE.test(l.trim()));
  if (!oneline && isOneMessage(lines)) return [text.replace(/\r\n?/g, '\n').trim()];
  const messages = lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !(oneline && GRAPH_ONLY.test(l)))
    .map((l) => ONELINE.exec(l)?.[1] ?? l);
  return attachFooters(messages).map(({ commit }) => commit);
}

/**
 * A single message pasted whole, as git writes one: a subject, a blank line, then a body in which no line is
 * a commit subject (a `type: …` header other than a footer). Its body lines are not commits of their own: the
 * footers and the issues they close stay with the subject. A list of subjects separated by blank lines is
 * still a list when they are conventional; plain-prose subjects separated by blank lines read as one message.
 */
function isOneMessage(lines: readonly string[]): boolean {
  const content = lines.map((l) => l.trim());
  const first = content.findIndex((l) => l !== '');
  if (first === -1 || content[first + 1] !== '') return false;
  const body = content.slice(first + 1).filter((l) => l !== '');
  return body.length > 0 && body.every((l) => !HEADER.test(l) || isFooterOnly(l));
}
