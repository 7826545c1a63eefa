/**
 * Cheap checks of raw text before any work: its UTF-8 size and whether it is binary. Kept apart from the
 * summary so that callers that only check (the API, `logs parse`) load nothing else.
 */
export { utf8Length } from '../text.ts';

/**
 * Files up to this size are sent as text (summarizeLog) by the console and `ai-ops logs upload`, so the entry
 * keeps its redacted text ("Show raw text", a template's lines); larger or gzip files are uploaded as they are
 * (createLogUpload) and only their summary is kept. 1 MiB: a bigger file read into the console's text field
 * froze the page, and its JSON request nears the API's limit.
 */
export const SEND_AS_TEXT_MAX_BYTES = 1024 * 1024;

/** How much of a text `looksBinary` reads: callers that stream a log sample this much of its start. */
export const BINARY_SAMPLE_CHARS = 64 * 1024;

/**
 * True when text looks like binary data rather than a log: a NUL character, or more than 10% control
 * characters / replacement characters (what undecodable bytes become) in the first 64 KiB.
 */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, BINARY_SAMPLE_CHARS);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    // tab, line feed, vertical tab, form feed, carriage return and ESC (colour codes) are normal in logs
    if ((c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0xfffd)
      odd++;
  }
  return odd / n > 0.1;
}
