/**
 * Turns a ticket's title and Markdown body into the separate streams the featurizer weighs differently.
 *
 * Issue bodies mix prose with template scaffolding, code, logs and stack traces. Raw code tokens are mostly
 * noise for deciding "bug or feature", but *that* there is a stack trace is a strong signal, and template
 * headings plus their short answers ("Issue type: Bug") are the strongest signal of all. So each kind of
 * content goes to its own stream instead of one bag of words.
 */

/** Bodies are scanned up to this many characters: the opening of an issue carries the signal, and it bounds latency. */
export const BODY_SCAN_CHARS = 12_000;

export interface ParsedTicket {
  /** Normalised title words. */
  title: string[];
  /** Normalised prose words from the body (outside code, comments, tables, template headings). */
  body: string[];
  /** Words of template headings (`### Steps to reproduce`, `**Describe the solution**`). */
  headings: string[];
  /** `heading=answer` pairs for short template answers (`issue_type=bug`), and `key=value` lines. */
  fields: string[];
  /** Words inside HTML comments: template instructions, which identify the template used. */
  comments: string[];
  /** Structural facts: `code`, `stack`, `image`, `url:<host>`, `exc:<name>`, length buckets… */
  flags: string[];
  /** Title prose, lower-cased and normalised, for character n-grams. */
  titleText: string;
  /** Body prose, lower-cased and normalised, for character n-grams. */
  bodyText: string;
}

const FENCE = /^\s{0,3}(```+|~~~+)\s*([\w+#.-]*)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const BOLD_HEADING = /^\s{0,3}\*\*(.{2,120}?)\*\*\s*:?\s*$/;
const CHECKBOX = /^\s*[-*+]\s+\[( |x|X)\]\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const KEY_VALUE = /^\s*([A-Za-z][A-Za-z /()._-]{1,40}?)\s*:\s+(\S.{0,60})$/;
const STACK_LINE =
  /^\s*(at\s+[\w$.<>[\]/]+\s*\(?.*:\d+(:\d+)?\)?|at\s+\S+:\d+:\d+|File ".*", line \d+|#\d+\s+0x[0-9a-f]+|Traceback \(most recent call last\)|\S+\.(java|kt|cs|cpp|cc|c|h|py|js|ts|go|rs):\d+)/;
const LOG_LINE =
  /^\s*(\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}[.,]\d+|(ERROR|WARN|WARNING|INFO|DEBUG|FATAL)\b)/;
const EXCEPTION = /\b([A-Z][A-Za-z0-9]*(?:Error|Exception|Fault|Panic))\b/g;
const URL = /\bhttps?:\/\/([^\s/)\]>"'`]+)[^\s)\]>"'`]*/g;
const IMAGE = /!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>/gi;
const EMPTY_ANSWERS = new Set(['', 'no response', 'n a', 'na', 'none', 'no', 'nothing', 'tbd', 'todo']);

/** Lower-cases and replaces volatile tokens (versions, numbers, hashes, paths) by stable placeholders. */
export function normaliseProse(text: string): string {
  return text
    .toLowerCase()
    .replace(URL, (_m, host: string) => ` urltoken ${hostWord(host)} `)
    .replace(/`([^`\n]{1,80})`/g, ' $1 ')
    .replace(/(?:[a-z]:)?(?:[\\/][\w.@-]+){2,}/g, ' pathtoken ')
    .replace(/\b[0-9a-f]{7,64}\b/g, (m) => (/\d/.test(m) && /[a-f]/.test(m) ? ' hextoken ' : m))
    .replace(/\bv?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?\b/g, ' vertoken ')
    .replace(/\b\d+\b/g, ' numtoken ')
    .replace(/<\/?[a-z][^>]*>/g, ' ')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/n't\b/g, ' not')
    .replace(/'(s|re|ve|ll|d|m)\b/g, ' ')
    .replace(/[^a-z0-9_?!]+/g, ' ')
    .replace(/([?!])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

function hostWord(host: string): string {
  const parts = host
    .toLowerCase()
    .replace(/^www\./, '')
    .split('.');
  return `host_${(parts.length > 2 ? parts.slice(-2) : parts).join('_').replace(/[^a-z0-9_]/g, '')}`;
}

export function words(normalised: string): string[] {
  if (normalised === '') return [];
  return normalised.split(' ').filter((w) => w.length <= 30);
}

function slug(text: string): string {
  return words(normaliseProse(text))
    .filter((w) => w !== '?' && w !== '!')
    .join('_');
}

interface Section {
  heading: string;
  lines: string[];
}

export function parseTicket(title: string, body: string): ParsedTicket {
  const flags = new Set<string>();
  const comments: string[] = [];
  const fields: string[] = [];
  const headingWords: string[] = [];

  let text = body.length > BODY_SCAN_CHARS ? body.slice(0, BODY_SCAN_CHARS) : body;
  if (body.length > BODY_SCAN_CHARS) flags.add('truncated');
  text = text.replace(/\r\n?/g, '\n');

  text = text.replace(/<!--([\s\S]*?)(?:-->|$)/g, (_m, inner: string) => {
    comments.push(...words(normaliseProse(inner)));
    return '\n';
  });
  if (IMAGE.test(text)) flags.add('image');
  IMAGE.lastIndex = 0;
  text = text.replace(IMAGE, ' imagetoken ');
  for (const match of text.matchAll(URL)) flags.add(`url:${hostWord(match[1] ?? '')}`);

  const sections: Section[] = [{ heading: '', lines: [] }];
  let fence: string | undefined;
  let codeLines = 0;
  let stackLines = 0;
  let logLines = 0;
  const addException = (line: string) => {
    for (const m of line.matchAll(EXCEPTION)) flags.add(`exc:${(m[1] ?? '').toLowerCase()}`);
  };
  for (const line of text.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]?.startsWith(fence)) {
        fence = undefined;
        continue;
      }
      codeLines += 1;
      if (STACK_LINE.test(line)) stackLines += 1;
      else if (LOG_LINE.test(line)) logLines += 1;
      addException(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]?.slice(0, 3) ?? '```';
      flags.add('code');
      const lang = (fenceMatch[2] ?? '').toLowerCase();
      if (lang) flags.add(`lang:${lang}`);
      continue;
    }
    if (STACK_LINE.test(line)) {
      stackLines += 1;
      addException(line);
      continue;
    }
    if (LOG_LINE.test(line)) {
      logLines += 1;
      addException(line);
      continue;
    }
    if (TABLE_ROW.test(line)) {
      flags.add('table');
      continue;
    }
    const heading = HEADING.exec(line) ?? BOLD_HEADING.exec(line);
    if (heading) {
      const h = slug(heading[1] ?? '');
      if (h) {
        sections.push({ heading: h, lines: [] });
        headingWords.push(...h.split('_'));
      }
      continue;
    }
    const checkbox = CHECKBOX.exec(line);
    if (checkbox) {
      flags.add(checkbox[1] === ' ' ? 'checkbox' : 'checkbox_ticked');
      headingWords.push(...slug(checkbox[2] ?? '').split('_'));
      continue;
    }
    const kv = KEY_VALUE.exec(line);
    if (kv && !/^\s*https?$/i.test(kv[1] ?? '')) {
      const value = slug(kv[2] ?? '');
      if (value.split('_').length <= 3) fields.push(`${slug(kv[1] ?? '')}=${value}`);
    }
    addException(line);
    const current = sections[sections.length - 1];
    current?.lines.push(line);
  }
  if (codeLines > 0) flags.add(codeLines > 30 ? 'code_long' : 'code_short');
  if (stackLines > 0) flags.add(stackLines >= 3 ? 'stack' : 'stack_line');
  if (logLines > 0) flags.add('log');

  const prose: string[] = [];
  for (const section of sections) {
    const content = section.lines.join('\n').trim();
    if (section.heading) {
      const answer = slug(content);
      if (EMPTY_ANSWERS.has(answer.replace(/_/g, ' '))) continue;
      if (answer.split('_').length <= 3) {
        fields.push(`${section.heading}=${answer}`);
        continue;
      }
    }
    if (content) prose.push(content);
  }

  const bodyText = normaliseProse(prose.join('\n'));
  const titleText = normaliseProse(title);
  const bodyWords = words(bodyText);
  const titleWords = words(titleText);
  flags.add(`len:${lengthBucket(bodyWords.length)}`);
  if (titleWords.includes('?')) flags.add('title_question');
  if (bodyWords.includes('?')) flags.add('body_question');
  if (sections.length > 1) flags.add('template');

  return {
    title: titleWords,
    body: bodyWords,
    headings: headingWords.filter((w) => w !== ''),
    fields,
    comments,
    flags: [...flags],
    titleText,
    bodyText,
  };
}

function lengthBucket(n: number): string {
  if (n === 0) return 'empty';
  if (n < 20) return 'short';
  if (n < 80) return 'medium';
  if (n < 300) return 'long';
  return 'very_long';
}
