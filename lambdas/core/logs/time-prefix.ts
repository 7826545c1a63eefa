/**
 * Lines a collector prefixed with the time it received them, each line's own text after it: CloudWatch's
 * export of a Lambda function's log writes `<ingestion time> <message>`, and the message is the platform's
 * `START RequestId: …` or the runtime's own line with its own time (Node: `time⇥request-id⇥LEVEL⇥message`,
 * Python: `[LEVEL]⇥time⇥request-id⇥message`). A layout learned from the prefixed lines ends with the first
 * time, and the writers' levels and times stay in every template (`<*> <*> ERROR payment failed …`). Here the
 * prefix is read off and the messages get a layout learned from the messages alone, as the lines of each
 * service do in service-prefix.ts; a message without a time of its own takes the collector's.
 */
import { type HeaderInfo, type HeaderParser, levelThenTime, type ParsedLine } from './header.ts';
import { levelNearStart, writtenLevel } from './levels.ts';
import { type ParsedTime, parseTimestamp, TimestampReader, ZoneTally } from './timestamp.ts';

/**
 * Share of the sample whose message opens with a time of its own (or a level, then a time), at least two lines:
 * a writer's times under the collector's, as MIXED_SHARE in header.ts finds a second writer's lines.
 */
const INNER_TIME_SHARE = 0.05;
/** Share of the sample that must carry the collector's time (its continuation lines excepted, see header.ts). */
const PREFIXED_SHARE = 0.9;

interface Prefixed {
  time: string;
  body: string;
}

/** A first word that is a date with a time (`2026-12-04T10:00:00.000Z`), and the text after it. */
function readPrefix(line: string, defaultYear: number): Prefixed | undefined {
  const space = line.indexOf(' ');
  if (space < 10 || space > 40) return undefined;
  const time = line.slice(0, space);
  const t = parseTimestamp(time, defaultYear);
  if (!t || t.resolution < 2 || t.dateless) return undefined;
  return { time, body: line.slice(space + 1) };
}

/** A word that is a date with a time. */
function dateTime(word: string, defaultYear: number): ParsedTime | undefined {
  const t = word.length >= 10 ? parseTimestamp(word, defaultYear) : undefined;
  return t !== undefined && t.resolution >= 2 && t.dateless === undefined ? t : undefined;
}

/** The date and time a message opens with, and where the text after it starts. */
function ownTime(body: string, defaultYear: number): { time: ParsedTime; end: number } | undefined {
  const m = /^\s*(\S+)/.exec(body);
  const time = m ? dateTime(m[1] as string, defaultYear) : undefined;
  return m && time !== undefined ? { time, end: m[0].length } : undefined;
}

/** Whether a message opens with a date and time of its own (`time`), or with a level and then one (`level`). */
function opensWithTime(body: string, defaultYear: number): 'time' | 'level' | undefined {
  const words = body.trimStart().split(/[ \t]+/, 2);
  const first = words[0] ?? '';
  if (dateTime(first, defaultYear) !== undefined) return 'time';
  return writtenLevel(first) !== undefined && dateTime(words[1] ?? '', defaultYear) !== undefined
    ? 'level'
    : undefined;
}

class TimePrefixParser implements HeaderParser {
  readonly info: HeaderInfo;
  private readonly time: TimestampReader;
  /** Zones of the times the messages opened with (`unfit`). */
  private readonly ownZones = new ZoneTally();
  constructor(
    private readonly inner: HeaderParser,
    private readonly defaultYear: number,
    coverage: number,
  ) {
    this.time = new TimestampReader(defaultYear);
    this.info = {
      ...inner.info,
      kind: 'columns',
      description: `<time> <message> (the collector's time; messages: ${inner.info.description})`,
      coverage,
      // The collector's own messages carry no level (`START RequestId: …`, `Task timed out after 3.00 seconds`):
      // their words may still say they failed, whatever the writers' lines say of theirs.
      levelsOnSomeLines: true,
    };
  }

  private lastLine = '';
  private lastPrefix: Prefixed | undefined;

  private prefixOf(line: string): Prefixed | undefined {
    if (line !== this.lastLine) {
      this.lastLine = line;
      this.lastPrefix = readPrefix(line, this.defaultYear);
    }
    return this.lastPrefix;
  }

  unwrap(line: string): string {
    return this.prefixOf(line)?.body ?? line;
  }

  structuredKind(line: string): 'json' | 'logfmt' | undefined {
    const kind = this.inner.structuredKind
      ? this.inner.structuredKind(this.unwrap(line))
      : this.inner.info.kind;
    return kind === 'json' || kind === 'logfmt' ? kind : undefined;
  }

  parse(line: string): ParsedLine {
    const p = this.prefixOf(line);
    if (!p) return this.inner.parse(line);
    const parsed = this.inner.parse(p.body);
    if (parsed.content.length >= p.body.trim().length) return this.unfit(p);
    if (parsed.time === undefined) parsed.time = this.time.read(p.time);
    return parsed;
  }

  /**
   * A message the writers' layout does not fit: another writer's `[LEVEL] time …` (the Python runtime's, the
   * layout being learned from the lines that open with their time), a line that opens with its own time (the
   * runtime's `time request-id Task timed out after 3.00 seconds`), or the collector's own message, whole.
   */
  private unfit(p: Prefixed): ParsedLine {
    // Every field present, as header.ts's parsers return them (one object shape for the analyzer).
    const out: ParsedLine = {
      content: p.body.trim(),
      time: undefined,
      level: undefined,
      component: undefined,
      host: undefined,
    };
    const lead = levelThenTime(p.body, this.defaultYear);
    const own = lead ? undefined : ownTime(p.body, this.defaultYear);
    if (lead) {
      out.content = p.body.slice(lead.contentStart).trim();
      out.level = lead.level;
      out.time = lead.time;
      this.ownZones.add(lead.zoned);
    } else if (own) {
      out.content = p.body.slice(own.end).trim();
      out.time = own.time.ms;
      this.ownZones.add(own.time.zoned);
    } else out.time = this.time.read(p.time);
    return out;
  }

  countZones(into: ZoneTally): void {
    this.inner.countZones?.(into);
    into.addAll(this.time.zones);
    into.addAll(this.ownZones);
  }
}

/**
 * A parser for lines a collector prefixed with its time, whose messages carry times of their own, or undefined
 * when the sample is not such a log. `learn` builds the layout of the messages (the ordinary detection).
 */
export function timePrefixParser(
  sample: readonly string[],
  defaultYear: number,
  learn: (lines: string[]) => HeaderParser,
): HeaderParser | undefined {
  let prefixed = 0;
  let timed = 0;
  // The layout is learned from the writers' lines that open with their time: the collector's own messages
  // (`START RequestId: …`) have none, and `[LEVEL] time …` lines are read apart (`unfit`).
  const timeFirst: string[] = [];
  for (const line of sample) {
    const p = readPrefix(line, defaultYear);
    if (!p) continue;
    prefixed++;
    const opens = opensWithTime(p.body, defaultYear);
    if (opens) timed++;
    if (opens === 'time') timeFirst.push(p.body);
  }
  if (prefixed < PREFIXED_SHARE * sample.length) return undefined;
  if (timed < 2 || timed < INNER_TIME_SHARE * sample.length) return undefined;
  // Of those, the lines with a level say the writer's layout: its lines without one (the runtime's
  // `time request-id Task timed out …`, a quarter of the lines in an export of many timeouts) would cut the
  // level column's agreement below the detector's, and are read by their time alone (`unfit`).
  const levelled = timeFirst.filter((body) => levelNearStart(body, 4) !== 'UNKNOWN');
  const parser = learn(levelled.length >= 2 ? levelled : timeFirst);
  // Every prefixed line fits: the collector's time is its header.
  return new TimePrefixParser(parser, defaultYear, prefixed / sample.length);
}
