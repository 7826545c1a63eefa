/**
 * Deadlines in a ticket's text, read relative to the ticket's creation time: "renew by 30 Nov" is urgent in a
 * ticket created on 25 November and routine in one created in September. The nearest future date that a
 * deadline word introduces ("by", "expires", "due", "before", "starts", …) or that is future by itself
 * ("tomorrow", "in 3 days", "next week") becomes the ticket's deadline. Dates in the past ("since Monday",
 * "changed on the 4th") are not deadlines. The result feeds features the priority model learns from and is
 * cited in the rationale.
 */

export interface Deadline {
  /** Whole calendar days from the creation day to the deadline day (0 = the same day). */
  days: number;
  /** The words that said it, as written ("expires friday", "by 30 Nov"). */
  phrase: string;
}

const DAY_MS = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  ten: 10,
};

/** A count of time units ahead ("in 3 days", "within about two weeks", "48 hours left"). */
const COUNT = '(\\d{1,3}|an?|one|two|three|four|five|six|seven|ten)';
const UNIT = '(hours?|hrs?|days?|weeks?|months?)\\b';
const UNIT_WORDS = ['hour', 'hr', 'day', 'week', 'month'];
/** Words that soften a count without changing what it says ("in about 4 days", "within the next 2 weeks"). */
const HEDGE =
  '(?:about|around|roughly|approximately|approx\\.?|maybe|perhaps|just|only|less than|under|the next|the coming)';

/** Words that make the date after them a deadline (within the three words before it). */
const STRONG =
  'by|before|until|till|due|deadline|expires?|expiring|expiry|expiration|lapses?|ends?|renew\\w*|starts?|starting|effective|latest|cut-?off|no later than';
const CUES = {
  strong: new RegExp(`\\b(${STRONG})\\W+(?:\\w+\\W+){0,2}$`, 'i'),
  any: new RegExp(`\\b(${STRONG}|on|this|next|from|must|needs?|is|are)\\W+(?:\\w+\\W+){0,2}$`, 'i'),
};
/** Words that make a date a past reference ("since Monday", "went down on the 4th"). */
const PAST = /\b(since|ago|last|was|were|went|happened|started|changed|did|had)\W+(?:\w+\W+){0,4}$/i;
type CueNeed = keyof typeof CUES | 'none';

const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?';
const ORDINAL = '(\\d{1,2})(?:st|nd|rd|th)?';
/**
 * `needs`: lower-case strings one of which every match contains, so that a pattern whose words are absent
 * is not run over the text (the text is scanned by eight patterns, and most tickets state no date).
 */
const PATTERN_LIST: {
  re: RegExp;
  resolve: (m: RegExpExecArray, created: Date) => Date | undefined;
  cue: CueNeed;
  needs: readonly string[];
}[] = [
  {
    re: /\b(\d{4})-(\d{2})-(\d{2})\b/gi,
    resolve: (m) => utc(Number(m[1]), Number(m[2]) - 1, Number(m[3])),
    cue: 'any',
    needs: ['-'],
  },
  {
    re: new RegExp(`\\b${ORDINAL}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?`, 'gi'),
    resolve: (m, created) => dayMonth(Number(m[1]), m[2] ?? '', m[3], created),
    cue: 'any',
    needs: MONTHS,
  },
  {
    re: new RegExp(`\\b${MONTH}\\s+${ORDINAL}\\b(?:,?\\s+(\\d{4}))?`, 'gi'),
    resolve: (m, created) => dayMonth(Number(m[2]), m[1] ?? '', m[3], created),
    cue: 'any',
    needs: MONTHS,
  },
  {
    re: /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b/gi,
    resolve: (m, created) => nextDayOfMonth(Number(m[1]), created),
    cue: 'strong',
    needs: ['the'],
  },
  {
    re: /\b(this|next)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi,
    resolve: (m, created) => weekday(m[2] ?? '', m[1]?.toLowerCase(), created),
    cue: 'none',
    needs: ['day'],
  },
  {
    re: /\b()(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi,
    resolve: (m, created) => weekday(m[2] ?? '', undefined, created),
    cue: 'any',
    needs: ['day'],
  },
  {
    re: /\b(today|tonight|eod|end of (?:the )?day|tomorrow|end of (?:the )?week|eow|next week|end of (?:the )?month|next month)\b/gi,
    resolve: (m, created) => relative(m[1]?.toLowerCase() ?? '', created),
    cue: 'none',
    needs: ['today', 'tonight', 'eod', 'end of', 'tomorrow', 'eow', 'next week', 'next month'],
  },
  {
    re: new RegExp(`\\b(?:in|within)\\s+(?:${HEDGE}\\s+)?~?${COUNT}\\s+${UNIT}`, 'gi'),
    resolve: (m, created) => later(m[1] ?? '', m[2] ?? '', created),
    cue: 'none',
    needs: UNIT_WORDS,
  },
  {
    re: new RegExp(`\\b${COUNT}\\s+${UNIT}\\s+(?:from now|left|remaining|to go)\\b`, 'gi'),
    resolve: (m, created) => later(m[1] ?? '', m[2] ?? '', created),
    cue: 'none',
    needs: UNIT_WORDS,
  },
];

/**
 * Each pattern's needed words as one alternation, shared by patterns with the same list: one pass tells
 * whether any of them occurs (a search per word over 3,000 characters was a tenth of the parse of a long
 * ticket, most of it for the twelve month names, asked twice).
 */
const neededBy = new Map<string, RegExp>();
const PATTERNS = PATTERN_LIST.map((pattern) => {
  const source = pattern.needs.map((word) => word.replace(/[-\\^$.*+?()[\]{}|]/g, '\\$&')).join('|');
  const needs = neededBy.get(source) ?? new RegExp(source);
  neededBy.set(source, needs);
  return { ...pattern, needs };
});

/** Text scanned for dates: the title and the opening of the body carry the deadline. */
const SCAN_CHARS = 3000;
/** A year-less date up to this many days before creation is a past reference, not next year's date. */
const PAST_WINDOW_DAYS = 60;

/** The nearest future deadline the text states, relative to `created`; undefined when there is none. */
export function findDeadline(title: string, body: string, created: Date): Deadline | undefined {
  let best: Deadline | undefined;
  for (const text of [title, body.length > SCAN_CHARS ? body.slice(0, SCAN_CHARS) : body]) {
    // The patterns ignore case only for ASCII letters, which lower-casing keeps in place: a pattern can
    // match only where its needed words occur in the lower-cased text.
    const lower = text.toLowerCase();
    // Patterns sharing a list of needed words share the answer (the month names, "day").
    let lastNeeds: RegExp | undefined;
    let present = false;
    for (const pattern of PATTERNS) {
      if (pattern.needs !== lastNeeds) {
        lastNeeds = pattern.needs;
        present = pattern.needs.test(lower);
      }
      if (!present) continue;
      pattern.re.lastIndex = 0;
      for (let m = pattern.re.exec(text); m !== null; m = pattern.re.exec(text)) {
        const before = text.slice(Math.max(0, m.index - 40), m.index);
        const cue = pattern.cue === 'none' ? null : CUES[pattern.cue].exec(before);
        if (pattern.cue !== 'none' && cue === null) continue;
        if (PAST.test(before)) continue;
        const date = pattern.resolve(m, created);
        if (date === undefined || Number.isNaN(date.getTime())) continue;
        const days = Math.round((startOfDay(date).getTime() - startOfDay(created).getTime()) / DAY_MS);
        if (days < 0 || days > 400) continue;
        if (best === undefined || days < best.days) {
          best = { days, phrase: `${cue?.[0] ?? ''}${m[0]}`.replace(/\s+/g, ' ').trim() };
        }
      }
    }
  }
  return best;
}

/** Feature flags of a deadline, cumulative so a linear model can learn "within a week" as one weight. */
export function deadlineFlags(deadline: Deadline | undefined): string[] {
  if (deadline === undefined) return [];
  const flags = ['deadline'];
  for (const limit of [1, 3, 8, 31]) if (deadline.days <= limit) flags.push(`deadline_within_${limit}d`);
  if (deadline.days > 31) flags.push('deadline_later');
  return flags;
}

function utc(year: number, month: number, day: number): Date | undefined {
  const date = new Date(Date.UTC(year, month, day));
  return date.getUTCMonth() === month && date.getUTCDate() === day ? date : undefined;
}

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function dayMonth(day: number, monthName: string, year: string | undefined, created: Date): Date | undefined {
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
  if (month < 0) return undefined;
  if (year !== undefined) return utc(Number(year), month, day);
  const thisYear = utc(created.getUTCFullYear(), month, day);
  if (thisYear === undefined) return undefined;
  const ageDays = (startOfDay(created).getTime() - thisYear.getTime()) / DAY_MS;
  if (ageDays <= 0) return thisYear;
  return ageDays <= PAST_WINDOW_DAYS ? undefined : utc(created.getUTCFullYear() + 1, month, day);
}

function nextDayOfMonth(day: number, created: Date): Date | undefined {
  if (day < 1 || day > 31) return undefined;
  const year = created.getUTCFullYear();
  const month = created.getUTCMonth();
  return day >= created.getUTCDate() ? utc(year, month, day) : utc(year, month + 1, day);
}

function weekday(name: string, which: string | undefined, created: Date): Date {
  const target = WEEKDAYS.indexOf(name.toLowerCase());
  const today = created.getUTCDay();
  let ahead = (target - today + 7) % 7;
  if (which === 'next' && ahead < 7) ahead = ahead === 0 ? 7 : ahead;
  return new Date(startOfDay(created).getTime() + ahead * DAY_MS);
}

/** `count` units after `created` (hours from its time of day, days and longer from its day). */
function later(count: string, unitWord: string, created: Date): Date {
  const n = NUMBER_WORDS[count.toLowerCase()] ?? Number(count);
  const unit = unitWord.toLowerCase();
  if (unit.startsWith('h')) return new Date(created.getTime() + n * 3_600_000);
  const days = unit.startsWith('w') ? 7 : unit.startsWith('m') ? 30 : 1;
  return new Date(startOfDay(created).getTime() + n * days * DAY_MS);
}

function relative(phrase: string, created: Date): Date {
  const day = startOfDay(created).getTime();
  if (phrase === 'tomorrow') return new Date(day + DAY_MS);
  if (phrase.includes('week') || phrase === 'eow') {
    const toFriday = (5 - created.getUTCDay() + 7) % 7;
    return new Date(day + (phrase.startsWith('next') ? toFriday + 7 : toFriday) * DAY_MS);
  }
  if (phrase.includes('month')) {
    const end = Date.UTC(created.getUTCFullYear(), created.getUTCMonth() + 1, 0);
    return new Date(phrase.startsWith('next') ? end + 30 * DAY_MS : end);
  }
  return new Date(day);
}
