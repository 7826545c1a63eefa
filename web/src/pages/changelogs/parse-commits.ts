/**
 * Pasted commits → the messages `generateChangelog` takes (newest first, as git prints them). Accepts:
 * - `git log` default output (`commit <hash>`, `Author:`, `Date:`, then the message indented by four spaces);
 * - `git log --oneline` (`<hash> <subject>`);
 * - plain messages: one per line, or whole messages (subject, body, footers) separated by lines of `---`.
 */
const COMMIT_HEADER = /^commit [0-9a-f]{7,40}\b/;
const ONELINE = /^[0-9a-f]{7,40} (.+)$/;
const SEPARATOR = /^-{3,}\s*$/;

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

export function parseCommits(text: string): string[] {
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
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => ONELINE.exec(l)?.[1] ?? l);
}
