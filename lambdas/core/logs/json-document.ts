/**
 * A log exported as ONE JSON document rather than JSON lines: CloudTrail's `{"Records": [...]}`, `aws logs
 * filter-log-events` (`{"events": [...]}`), `kubectl get … -o json` (`{"items": [...]}`), a search export's
 * `hits.hits`, a JSON array of objects (Kibana, Datadog, `docker inspect`), pretty-printed or not, and `jq .`
 * of JSON lines (pretty-printed objects one after another). Read line by line, `{`, `},` and `"Records": [`
 * became templates and nothing was a record.
 *
 * `JsonDocumentReader` turns such a stream of physical lines into records without holding the document: a
 * small scanner that knows strings and brackets finds where each record starts and ends, and only the
 * lines of the record being read are buffered (bounded). Which objects are records is decided per top-level
 * value: the elements of a top-level array; in a top-level object, the elements of the first array of
 * objects reached through objects only (`Records`, `events`, `items`, `hits.hits`), unless a key a log
 * event has (a time, level or message key holding a scalar) came first, in which case the object is itself
 * one record. What lies around the records (`[`, `{"Records": [`, `"nextToken": …`) holds no event: a frame.
 *
 * A document written on one line (CloudTrail's files, `jq -c`, a program's JSON array) is read the same way:
 * the physical line is cut before each record after the first that starts on it, and each record is a
 * (logical) line of its own, as the JSON lines of the same records would be. Such a line may be given in
 * parts (`pushPart`): only the record being read is held, never the line.
 *
 * Nothing here throws on bad input: a record that is not JSON, a record longer than the bounds, or a
 * document that breaks (a bracket that closes nothing, text outside any value, a string open at a line's
 * end) give their lines back to be read as a plain log's lines (kept up to a cap, as the analyzer reads
 * them); after a break, every line is, and a `broken` item says where and why.
 */
import { LEVEL_KEYS, MESSAGE_KEYS, parseJsonObject, TIME_KEYS } from './header.ts';

/**
 * What a line (or a record's lines) is, in order: a record, a frame line, a line to read as text, or the
 * point where the document broke (every line after it is read as text). A line here is a logical line: a
 * physical line on which several records start is cut before each record after the first.
 */
export type DocumentItem =
  | { kind: 'record'; lines: string[]; json: string }
  | { kind: 'frame'; line: string }
  | { kind: 'raw'; line: string }
  | { kind: 'broken'; reason: string; atEnd?: true };

export type EmitItem = (item: DocumentItem) => void;

/** A record longer than this (lines, characters) is read as plain lines: memory stays bounded. */
const MAX_RECORD_LINES = 5_000;
const MAX_RECORD_CHARS = 1_000_000;
/** Nesting deeper than this is no log export: the document is read as plain lines from there. */
const MAX_DEPTH = 256;
/** Characters of a key kept while it is read across parts of a line: longer names are no event key. */
const MAX_KEY_CHARS = 64;
/** Characters of a line kept to give it back as text: the analyzer reads 65,536 of a line, and sees it was cut. */
const DEFAULT_LINE_CAP = 65_537;

const OPEN_OBJECT = 123; // {
const CLOSE_OBJECT = 125; // }
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93; // ]
const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;

const EVENT_KEYS = new Set([...MESSAGE_KEYS, ...LEVEL_KEYS, ...TIME_KEYS]);

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff;

/** A record being read: the index of its first line in the buffer and its text so far. */
interface OpenRecord {
  start: number;
  parts: string[];
  /** Offset of its `{` in the text being scanned (-1 once that text is passed). */
  from: number;
  text?: string;
}

/**
 * How the current top-level value is read: `array` (its object elements are records), `undecided` (an
 * object that may be a record or hold the record array), `record` (an object that is one record),
 * `wrapper` (an object holding the record array at `arrayDepth`), `opaque` (no records in it).
 */
type TopMode = 'none' | 'array' | 'undecided' | 'record' | 'wrapper' | 'opaque';

export interface JsonDocumentOptions {
  /** Characters of a line kept to give it back as plain text (default 65,537). */
  lineCap?: number;
}

export class JsonDocumentReader {
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private top: TopMode = 'none';
  /** Depth of the record array's `[` (stack length with it) in a wrapper; 0 when none or passed. */
  private arrayDepth = 0;
  /** An array just opened on a path of objects in an undecided object: its first element decides. */
  private arrayPending = false;
  /** A time, level or message key just read at depth 1 of an undecided object: a scalar value decides. */
  private eventKeyPending = false;
  /** Start offset of the string being read when it may be a key of the top object, else -1. */
  private keyStart = -1;
  /** The start of such a string read in an earlier part of the line. */
  private keyPrefix = '';
  private lastKey = '';
  /**
   * Lines since the last emission (each kept up to `cap` characters), the records among them, and their
   * characters.
   */
  private lines: string[] = [];
  private chars = 0;
  private records: OpenRecord[] = [];
  private open: OpenRecord | undefined;
  /** Depth (stack length) at which the open record's `{` sits. */
  private openDepth = 0;
  /** Lines go out as plain lines until no record is open at a line's end (too long, a line cut short). */
  private raw = false;
  /** The document broke: every line from here is a plain line. */
  private broken = false;
  /** Physical lines read, and the line on which the last top-level value ended. */
  private lineCount = 0;
  private topEnded = -1;
  private readonly cap: number;
  /** A physical line is being read in parts (`pushPart`); its text being scanned, and where its current logical line starts in it. */
  private lineOpen = false;
  private text = '';
  private seg = 0;
  /** Records that started on a physical line after another one (each a logical line of its own), on how many physical lines. */
  cutLines = 0;
  sharedLines = 0;
  private lineCuts = 0;
  /** Whether a record (an element of the record array) started on the current physical line. */
  private lineRecord = false;

  constructor(options: JsonDocumentOptions = {}) {
    this.cap = Math.max(1, options.lineCap ?? DEFAULT_LINE_CAP);
  }

  /** Adds one physical line (or the last part of one); `emit` gets what is complete so far, in order. */
  push(line: string, emit: EmitItem): void {
    this.write(line, true, emit);
  }

  /**
   * Adds a part of a physical line that goes on (a line too long to hold: a document written on one line);
   * the next `push` ends it. Records are read as their text arrives; only the open record's text is held.
   */
  pushPart(part: string, emit: EmitItem): void {
    this.write(part, false, emit);
  }

  /** Ends the input: a record or document left open (a truncated export) is read as plain lines. */
  end(emit: EmitItem): void {
    if (this.lineOpen) this.write('', true, emit);
    if (!this.broken && this.stack.length > 0)
      emit({ kind: 'broken', reason: 'the JSON document ends before it closes (a cut file?)', atEnd: true });
    if (this.lines.length > 0) this.giveBack(emit);
    this.open = undefined;
  }

  private write(text: string, last: boolean, emit: EmitItem): void {
    if (this.broken) {
      this.brokenText(text, last, emit);
      return;
    }
    if (!this.lineOpen) {
      this.lines.push('');
      this.lineCount++;
      this.lineOpen = true;
      this.lineCuts = 0;
      this.lineRecord = false;
    }
    this.text = text;
    this.seg = 0;
    const reason = this.scan(text, emit);
    if (reason !== undefined) {
      this.breakDocument(reason, last, emit);
      return;
    }
    this.endSegment(text.length);
    if (this.inString && this.keyStart >= 0) {
      // A key read across two parts of a line: its start is kept (short), the rest comes with the next part.
      this.keyPrefix = (this.keyPrefix + text.slice(this.keyStart)).slice(0, MAX_KEY_CHARS);
      this.keyStart = 0;
    }
    this.text = '';
    if (!last) {
      this.boundPart();
      return;
    }
    this.lineOpen = false;
    if (this.lineCuts > 0) this.sharedLines++;
    this.endLine(emit, true);
  }

  /** The text of the current logical line from `seg` to `to`: its kept start, its size, the open record's part. */
  private endSegment(to: number): void {
    const text = this.text;
    const index = this.lines.length - 1;
    const head = this.lines[index] as string;
    if (head.length < this.cap)
      this.lines[index] = head + text.slice(this.seg, Math.min(to, this.seg + this.cap - head.length));
    this.chars += to - this.seg;
    const open = this.open;
    if (open && !this.raw) open.parts.push(text.slice(open.from >= 0 ? open.from : this.seg, to));
    if (open) open.from = -1;
    this.seg = to;
  }

  /** In the middle of a long line: a record over its bounds is read as text, its text no longer kept. */
  private boundPart(): void {
    if (this.raw || this.chars <= MAX_RECORD_CHARS) return;
    this.raw = true;
    if (this.top === 'undecided') this.top = 'opaque';
    if (this.open) this.open.parts = [];
  }

  /** A broken document's text: each physical line one plain line, kept up to the cap. */
  private brokenText(text: string, last: boolean, emit: EmitItem): void {
    if (!this.lineOpen) {
      this.lines.push('');
      this.lineOpen = true;
    }
    const index = this.lines.length - 1;
    const head = this.lines[index] as string;
    if (head.length < this.cap) this.lines[index] = head + text.slice(0, this.cap - head.length);
    if (!last) return;
    this.lineOpen = false;
    this.giveBack(emit);
  }

  private breakDocument(reason: string, last: boolean, emit: EmitItem): void {
    emit({ kind: 'broken', reason });
    // The current line is given back whole (from where its logical line starts), the rest of it as it comes.
    const index = this.lines.length - 1;
    const head = this.lines[index] as string;
    const text = this.text;
    if (head.length < this.cap)
      this.lines[index] = head + text.slice(this.seg, this.seg + this.cap - head.length);
    this.text = '';
    this.broken = true;
    this.open = undefined;
    if (last) {
      this.lineOpen = false;
      this.giveBack(emit);
      return;
    }
    const current = this.lines.pop() as string;
    this.giveBack(emit);
    this.lines = [current];
  }

  /** The buffered lines as plain lines. */
  private giveBack(emit: EmitItem): void {
    for (const line of this.lines) emit({ kind: 'raw', line });
    this.lines = [];
    this.chars = 0;
    this.records = [];
  }

  /** After a line (physical, or logical: cut before a record): bounds, then what is complete goes out. */
  private endLine(emit: EmitItem, physical: boolean): void {
    if (physical && this.inString) {
      // JSON strings hold no line break: a string open at a line's end (a line cut short) breaks the record.
      this.inString = false;
      this.escaped = false;
      this.keyPrefix = '';
      this.raw = true;
    }
    const open = this.open;
    if (open && physical && !this.raw) open.parts.push('\n');
    const pendingTop = this.top === 'undecided';
    if (!this.raw && (this.lines.length > MAX_RECORD_LINES || this.chars > MAX_RECORD_CHARS)) {
      this.raw = true;
      // An object too long to tell whether it is a record or holds them: none are read in it.
      if (pendingTop) this.top = 'opaque';
    }
    if (this.open || pendingTop) {
      if (this.raw) {
        this.giveBack(emit);
        if (this.open) this.open.parts = [];
      }
      return;
    }
    if (this.raw) this.giveBack(emit);
    else this.emitBuffered(emit);
    this.raw = false;
  }

  /** Lines before the first record are frames; each record takes its lines up to the next one's start. */
  private emitBuffered(emit: EmitItem): void {
    const lines = this.lines;
    const records = this.records;
    const first = records[0]?.start ?? lines.length;
    for (let i = 0; i < first; i++) emit({ kind: 'frame', line: lines[i] as string });
    records.forEach((record, r) => {
      const stop = records[r + 1]?.start ?? lines.length;
      const own = lines.slice(record.start, stop);
      const json = record.text === undefined ? undefined : compact(record.text);
      if (json === undefined) for (const line of own) emit({ kind: 'raw', line });
      else emit({ kind: 'record', lines: own, json });
    });
    this.lines = [];
    this.chars = 0;
    this.records = [];
  }

  /** Reads the characters of one line or part; why the document breaks, if it does. */
  private scan(line: string, emit: EmitItem): string | undefined {
    const stack = this.stack;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.endString(line, i);
        continue;
      }
      if (isSpace(c)) continue;
      // Outside any value only a value's start (or a comma between values) belongs to a document.
      if (stack.length === 0 && c !== OPEN_OBJECT && c !== OPEN_ARRAY && c !== COMMA)
        return 'text outside the JSON document';
      if (this.arrayPending || this.eventKeyPending) this.decide(c, emit);
      if (c === QUOTE) {
        this.startString(i);
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (stack.length >= MAX_DEPTH) return 'JSON nested too deep';
        // Two values on one line are no document a tool printed (`[main] {…}` is a line of text), unless
        // the line holds records already: documents written one after another on one line (`cat` of files
        // that end without a line break).
        if (stack.length === 0 && this.topEnded === this.lineCount && !this.lineRecord)
          return 'two JSON values on one line';
        if (stack.length === 0) this.startTop(c, i, emit);
        else if (c === OPEN_OBJECT) this.openObject(i, emit);
        stack.push(c);
        if (c === OPEN_ARRAY && this.top === 'undecided' && objectsOnly(stack)) this.arrayPending = true;
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (stack.pop() !== (c === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY))
          return 'a bracket closes what it did not open';
        this.closed(line, i);
        continue;
      }
      if (c === COLON) this.colon();
    }
    return undefined;
  }

  private startString(i: number): void {
    this.inString = true;
    this.keyPrefix = '';
    this.keyStart = this.top === 'undecided' && this.stack.length === 1 ? i + 1 : -1;
  }

  private endString(line: string, i: number): void {
    this.inString = false;
    if (this.keyStart >= 0) this.lastKey = this.keyPrefix + line.slice(this.keyStart, i);
    this.keyStart = -1;
    this.keyPrefix = '';
  }

  /** A `:` after a key of an undecided top object: a time, level or message key may make it a record. */
  private colon(): void {
    if (this.top !== 'undecided' || this.stack.length !== 1) return;
    this.eventKeyPending = EVENT_KEYS.has(this.lastKey.toLowerCase());
  }

  /** The first character after a pending array's `[` or an event key's `:`. */
  private decide(c: number, emit: EmitItem): void {
    if (this.eventKeyPending) {
      this.eventKeyPending = false;
      // A scalar under a time, level or message key: this object is a log event, whatever it holds.
      if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) this.top = 'record';
      return;
    }
    this.arrayPending = false;
    if (c !== OPEN_OBJECT || this.top !== 'undecided') return;
    // The first array of objects: its elements are the records, what came before them a frame.
    this.top = 'wrapper';
    this.arrayDepth = this.stack.length;
    this.open = undefined;
    this.records = [];
    // The line being read is the buffer's last: the lines before it are the frame.
    const before = this.lines.slice(0, -1);
    this.lines = this.lines.slice(-1);
    this.chars = this.lines.reduce((n, l) => n + l.length, 0);
    if (!this.raw) for (const line of before) emit({ kind: 'frame', line });
    else for (const line of before) emit({ kind: 'raw', line });
  }

  private startTop(c: number, i: number, emit: EmitItem): void {
    this.arrayDepth = 0;
    if (c === OPEN_ARRAY) {
      this.top = 'array';
      return;
    }
    this.lastKey = '';
    // Begun first: a cut before it ends the line of the records before it while nothing is undecided.
    this.begin(i, 1, emit);
    this.top = 'undecided';
  }

  /** An object opened inside the top value: a record when it is an element of the record array. */
  private openObject(i: number, emit: EmitItem): void {
    const depth = this.stack.length + 1;
    const inWrapper = this.top === 'wrapper' && this.arrayDepth > 0;
    const recordDepth = this.top === 'array' ? 2 : inWrapper ? this.arrayDepth + 1 : 0;
    if (recordDepth === 0 || depth !== recordDepth || this.open) return;
    if (this.stack[this.stack.length - 1] !== OPEN_ARRAY) return;
    this.lineRecord = true;
    this.begin(i, depth, emit);
  }

  /** A record starts at offset `i` of the text being read, on the buffer's last line. */
  private begin(i: number, depth: number, emit: EmitItem): void {
    const last = this.records[this.records.length - 1];
    // A record starting on the line another one started on (a document written on one line): the line is
    // cut before it, and each record is a line of its own, as the JSON lines of the same records would be.
    if (last && last.start === this.lines.length - 1) this.cut(i, emit);
    const record: OpenRecord = { start: this.lines.length - 1, parts: [], from: i };
    this.records.push(record);
    this.open = record;
    this.openDepth = depth;
  }

  /** Ends the logical line before offset `i` (no record is open) and starts the next one there. */
  private cut(i: number, emit: EmitItem): void {
    this.endSegment(i);
    this.endLine(emit, false);
    this.lines.push('');
    this.cutLines++;
    this.lineCuts++;
  }

  /** A bracket closed (already popped): the end of a record, of the record array, or of the top value. */
  private closed(line: string, i: number): void {
    const depth = this.stack.length;
    const open = this.open;
    if (open && depth === this.openDepth - 1) {
      const from = open.from >= 0 ? open.from : this.seg;
      if (!this.raw) open.parts.push(line.slice(from, i + 1));
      open.text = this.raw ? undefined : open.parts.join('');
      open.parts = [];
      this.open = undefined;
      if (this.top === 'undecided') this.top = 'record';
    }
    if (this.top === 'wrapper' && this.arrayDepth > 0 && depth < this.arrayDepth) this.arrayDepth = 0;
    if (depth === 0) {
      this.topEnded = this.lineCount;
      this.top = 'none';
      this.arrayPending = false;
      this.eventKeyPending = false;
    }
  }
}

/** Whether every bracket below the newest is an object's: the path to an array holding records. */
function objectsOnly(stack: readonly number[]): boolean {
  for (let i = 0; i < stack.length - 1; i++) if (stack[i] !== OPEN_OBJECT) return false;
  return true;
}

/** A record's text as one JSON line (as a JSON-lines log would have it), or undefined when it is no JSON. */
function compact(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return JSON.stringify(value);
  } catch (_error: unknown) {
    return undefined;
  }
}

/**
 * A JSON document's lines as the analyzer numbers them (for the console's "Show lines"): a physical line on
 * which several records start is cut before each record after the first; every other line is as written.
 * Nothing is cut short: the text is a stored log, bounded already.
 */
export function documentLines(lines: readonly string[]): string[] {
  const reader = new JsonDocumentReader({ lineCap: Number.MAX_SAFE_INTEGER });
  const out: string[] = [];
  const take = (item: DocumentItem): void => {
    if (item.kind === 'record') for (const line of item.lines) out.push(line);
    else if (item.kind !== 'broken') out.push(item.line);
  };
  for (const line of lines) reader.push(line, take);
  reader.end(take);
  return out;
}

/** Share of a sample's non-blank lines that must lie inside records for it to be read as a document. */
const RECORD_LINE_SHARE = 0.5;

/**
 * Whether the first lines of a log are a JSON document rather than JSON lines, and if so its records as
 * JSON lines (what the header layout is then learned from). A document: the first non-blank character is
 * `[` or `{`, the first non-blank line is no whole object unless it is a compact document (`compactDocument`),
 * fewer than half of the lines are whole objects that are no such document (a JSON-lines log with one broken
 * line stays one), and the scanner finds a whole record in the sample, with records covering at least half
 * of its non-blank lines (a line cut before each record counted as one more line).
 */
export function jsonDocumentRecords(sample: readonly string[]): string[] | undefined {
  const nonBlank = sample.filter((l) => l.trim().length > 0);
  const first = nonBlank[0]?.trim();
  if (first === undefined || (first[0] !== '[' && first[0] !== '{')) return undefined;
  // A whole object on the first line is a JSON line, unless it is a document of records written on one line.
  const compactFirst = parseJsonObject(first) !== undefined;
  if (compactFirst && !compactDocument(first)) return undefined;
  const whole = nonBlank.filter((l) => {
    const line = l.trim();
    return parseJsonObject(line) !== undefined && !(compactFirst && compactDocument(line));
  }).length;
  if (whole >= nonBlank.length / 2) return undefined;
  const reader = new JsonDocumentReader();
  const records: string[] = [];
  let recordLines = 0;
  const take = (item: DocumentItem): void => {
    if (item.kind !== 'record') return;
    records.push(item.json);
    recordLines += item.lines.filter((l) => l.trim().length > 0).length;
  };
  for (const line of sample) reader.push(line, take);
  const lines = nonBlank.length + reader.cutLines;
  if (records.length === 0 || recordLines < RECORD_LINE_SHARE * lines) return undefined;
  return records;
}

/**
 * Whether a whole object written on one line is a document holding records (`{"Records":[{…},{…}]}`, `jq -c`
 * of `kubectl get events -o json`) rather than one event: the reader finds at least two records on it, and
 * none of its own keys is a time, level or message key holding a scalar (a JSON line that carries an array
 * of objects, `{"msg": …, "spans": [{…},{…}]}`, stays one event, as it was read).
 */
export function compactDocument(line: string): boolean {
  return compactDocumentStart([], line, true) !== undefined;
}

/**
 * Whether a log whose first long line is `head` (after `before`: blank lines, or frame lines such as `[`)
 * starts a JSON document written on one line, and if so the records read so far as JSON lines (the header
 * layout is learned from them). `complete`: `head` is the whole line (else only its start). The lines
 * before must hold no record and no text; on the head a whole record and another starting after it (the
 * line is cut before it), and no break.
 */
export function compactDocumentStart(
  before: readonly string[],
  head: string,
  complete: boolean,
): string[] | undefined {
  const lead = (before.find((l) => l.trim().length > 0) ?? head).trimStart();
  if (lead[0] !== '[' && lead[0] !== '{') return undefined;
  const reader = new JsonDocumentReader();
  const records: string[] = [];
  let other = false;
  const take = (item: DocumentItem): void => {
    if (item.kind === 'record') records.push(item.json);
    else if (item.kind !== 'frame') other = true;
  };
  for (const line of before) reader.push(line, take);
  if (records.length > 0 || other) return undefined;
  if (complete) reader.push(head, take);
  else reader.pushPart(head, take);
  if (other || reader.cutLines === 0 || records.length === 0) return undefined;
  if (complete && head.length <= MAX_RECORD_CHARS && eventKeyAtTop(head)) return undefined;
  return records;
}

/** Whether a JSON object's own keys hold a time, level or message as a scalar: it is an event itself. */
function eventKeyAtTop(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (_error: unknown) {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const [key, v] of Object.entries(value)) {
    if (EVENT_KEYS.has(key.toLowerCase()) && (typeof v !== 'object' || v === null)) return true;
  }
  return false;
}
