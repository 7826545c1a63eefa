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
 * Nothing here throws on bad input: a record that is not JSON, records that start on one line (a compact
 * one-line document: one event a line is what every count of the summary assumes), a record longer than the
 * bounds, or a document that breaks (a bracket that closes nothing, text outside any value, a string open at
 * a line's end) give their lines back to be read as a plain log's lines; after a break, every line is.
 */
import { LEVEL_KEYS, MESSAGE_KEYS, parseJsonObject, TIME_KEYS } from './header.ts';

/** What a physical line (or a record's lines) is, in order: a record, a frame line, or a line to read as text. */
export type DocumentItem =
  | { kind: 'record'; lines: string[]; json: string }
  | { kind: 'frame'; line: string }
  | { kind: 'raw'; line: string };

export type EmitItem = (item: DocumentItem) => void;

/** A record longer than this (lines, characters) is read as plain lines: memory stays bounded. */
const MAX_RECORD_LINES = 5_000;
const MAX_RECORD_CHARS = 1_000_000;
/** Nesting deeper than this is no log export: the document is read as plain lines from there. */
const MAX_DEPTH = 256;

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
  /** Offset of its `{` on its first line (-1 once that line is passed). */
  from: number;
  text?: string;
}

/**
 * How the current top-level value is read: `array` (its object elements are records), `undecided` (an
 * object that may be a record or hold the record array), `record` (an object that is one record),
 * `wrapper` (an object holding the record array at `arrayDepth`), `opaque` (no records in it).
 */
type TopMode = 'none' | 'array' | 'undecided' | 'record' | 'wrapper' | 'opaque';

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
  private lastKey = '';
  /** Lines since the last emission, the records among them, and their characters. */
  private lines: string[] = [];
  private chars = 0;
  private records: OpenRecord[] = [];
  private open: OpenRecord | undefined;
  /** Depth (stack length) at which the open record's `{` sits. */
  private openDepth = 0;
  /** Lines go out as plain lines until no record is open at a line's end (too long, two starts on a line). */
  private raw = false;
  /** The document broke: every line from here is a plain line. */
  private broken = false;
  /** Lines read, and the line on which the last top-level value ended. */
  private lineCount = 0;
  private topEnded = -1;

  /** Adds one physical line; `emit` gets what is complete so far, in the lines' order. */
  push(line: string, emit: EmitItem): void {
    if (this.broken) {
      emit({ kind: 'raw', line });
      return;
    }
    this.lines.push(line);
    this.chars += line.length;
    this.lineCount++;
    if (!this.scan(line, emit)) {
      this.breakDocument(emit);
      return;
    }
    this.endLine(line, emit);
  }

  /** Ends the input: a record or document left open (a truncated export) is read as plain lines. */
  end(emit: EmitItem): void {
    if (this.lines.length > 0) this.giveBack(emit);
    this.open = undefined;
  }

  private breakDocument(emit: EmitItem): void {
    this.giveBack(emit);
    this.broken = true;
    this.open = undefined;
  }

  /** The buffered lines as plain lines. */
  private giveBack(emit: EmitItem): void {
    for (const line of this.lines) emit({ kind: 'raw', line });
    this.lines = [];
    this.chars = 0;
    this.records = [];
  }

  /** After a line: bounds, then what is complete goes out. */
  private endLine(line: string, emit: EmitItem): void {
    if (this.inString) {
      // JSON strings hold no line break: a string open at a line's end (a line cut short) breaks the record.
      this.inString = false;
      this.escaped = false;
      this.raw = true;
    }
    const open = this.open;
    if (open) {
      const from = open.from >= 0 ? open.from : 0;
      open.parts.push(from === 0 ? line : line.slice(from));
      open.from = -1;
    }
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

  /** Reads the characters of one line; false when the document breaks. */
  private scan(line: string, emit: EmitItem): boolean {
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
      if (stack.length === 0 && c !== OPEN_OBJECT && c !== OPEN_ARRAY && c !== COMMA) return false;
      if (this.arrayPending || this.eventKeyPending) this.decide(c, emit);
      if (c === QUOTE) {
        this.startString(i);
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (stack.length >= MAX_DEPTH) return false;
        // Two values on one line are no document a tool printed (`[main] {…}` is a line of text).
        if (stack.length === 0 && this.topEnded === this.lineCount) return false;
        if (stack.length === 0) this.startTop(c, i);
        else if (c === OPEN_OBJECT) this.openObject(i);
        stack.push(c);
        if (c === OPEN_ARRAY && this.top === 'undecided' && objectsOnly(stack)) this.arrayPending = true;
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (stack.pop() !== (c === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) return false;
        this.closed(line, i);
        continue;
      }
      if (c === COLON) this.colon();
    }
    return true;
  }

  private startString(i: number): void {
    this.inString = true;
    this.keyStart = this.top === 'undecided' && this.stack.length === 1 ? i + 1 : -1;
  }

  private endString(line: string, i: number): void {
    this.inString = false;
    if (this.keyStart >= 0) this.lastKey = line.slice(this.keyStart, i);
    this.keyStart = -1;
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

  private startTop(c: number, i: number): void {
    this.arrayDepth = 0;
    if (c === OPEN_ARRAY) {
      this.top = 'array';
      return;
    }
    this.top = 'undecided';
    this.lastKey = '';
    this.begin(i, 1);
  }

  /** An object opened inside the top value: a record when it is an element of the record array. */
  private openObject(i: number): void {
    const depth = this.stack.length + 1;
    const inWrapper = this.top === 'wrapper' && this.arrayDepth > 0;
    const recordDepth = this.top === 'array' ? 2 : inWrapper ? this.arrayDepth + 1 : 0;
    if (recordDepth === 0 || depth !== recordDepth || this.open) return;
    if (this.stack[this.stack.length - 1] !== OPEN_ARRAY) return;
    this.begin(i, depth);
  }

  /** A record starts at offset `i` of the line being read (the buffer's last). */
  private begin(i: number, depth: number): void {
    const index = this.lines.length - 1;
    const last = this.records[this.records.length - 1];
    // Two records starting on one line: one event a line cannot say both.
    if (last && last.start === index) this.raw = true;
    const record: OpenRecord = { start: index, parts: [], from: i };
    this.records.push(record);
    this.open = record;
    this.openDepth = depth;
  }

  /** A bracket closed (already popped): the end of a record, of the record array, or of the top value. */
  private closed(line: string, i: number): void {
    const depth = this.stack.length;
    const open = this.open;
    if (open && depth === this.openDepth - 1) {
      const from = open.from >= 0 ? open.from : 0;
      open.parts.push(line.slice(from, i + 1));
      open.text = this.raw ? undefined : open.parts.join('\n');
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

/** Share of a sample's non-blank lines that must lie inside records for it to be read as a document. */
const RECORD_LINE_SHARE = 0.5;

/**
 * Whether the first lines of a log are a JSON document rather than JSON lines, and if so its records as
 * JSON lines (what the header layout is then learned from). A document: the first non-blank character is
 * `[` or `{`, the first non-blank line is no whole object, fewer than half of the lines are whole objects
 * (a JSON-lines log with one broken line stays one), and the scanner finds a whole record in the sample,
 * with records covering at least half of its non-blank lines.
 */
export function jsonDocumentRecords(sample: readonly string[]): string[] | undefined {
  const nonBlank = sample.filter((l) => l.trim().length > 0);
  const first = nonBlank[0]?.trim();
  if (first === undefined || (first[0] !== '[' && first[0] !== '{')) return undefined;
  if (parseJsonObject(first) !== undefined) return undefined;
  const whole = nonBlank.filter((l) => parseJsonObject(l.trim()) !== undefined).length;
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
  if (records.length === 0 || recordLines < RECORD_LINE_SHARE * nonBlank.length) return undefined;
  return records;
}
