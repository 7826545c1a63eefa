/**
 * Host fields of log headers, redacted when a log is accepted. The redactor recognises addresses and dotted
 * host names anywhere in a line, but a bare host name in a header column (`combo`, `web-01`) is a host only
 * because of where it stands: the header layout says so. Redacting those at accept time too means the stored
 * text keeps no host the summary would later pseudonymise, and the entry's redaction counts are the
 * summary's (DESIGN §6: counts agree everywhere).
 */
import type { Redactor } from '../redaction/redact.ts';
import { createHeaderParser, HEADER_SAMPLE_LINES, type HeaderParser } from './header.ts';

/** What the analyzer learns its layout from: the first non-blank lines, each cut like its sample. */
function headerSample(lines: readonly string[]): string[] {
  const sample: string[] = [];
  for (const line of lines) {
    if (line.trim().length === 0) continue;
    sample.push(line.length > 4096 ? line.slice(0, 4096) : line);
    if (sample.length >= HEADER_SAMPLE_LINES) break;
  }
  return sample;
}

const HOST_CHAR = /[\w.:-]/;

/** Index of `host` in `line` as a whole token (not inside a longer name), or -1. */
function tokenIndex(line: string, host: string): number {
  for (let at = line.indexOf(host); at >= 0; at = line.indexOf(host, at + 1)) {
    const before = at > 0 ? line.charAt(at - 1) : ' ';
    const after = line.charAt(at + host.length) || ' ';
    if (!HOST_CHAR.test(before) && !HOST_CHAR.test(after)) return at;
  }
  return -1;
}

/**
 * `lines` (already through `redactor.redact`) with each header host field replaced as the redactor treats
 * hosts (pseudonym, removed, or kept), counted in the redactor's counts. `format`: the explicit header format.
 * A generator that pauses (`yield`) after every `sliceChars` characters of lines, so that a caller sharing its
 * thread with other requests can let them run (see `redactLog`); run through, it is the same computation.
 */
export function* redactHeaderHostsInSlices(
  lines: string[],
  redactor: Redactor,
  format: string | null,
  sliceChars: number,
): Generator<void, string[]> {
  if (redactor.network === 'keep') return lines;
  const stripped = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  const parser = createHeaderParser(headerSample(lines.map(stripped)), format ? { format } : {});
  if (parser.info.kind === 'none') return lines;
  const out = new Array<string>(lines.length);
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    out[i] = withHeaderHost(line, parser, stripped, redactor);
    chars += line.length + 1;
    if (chars >= sliceChars) {
      chars = 0;
      yield;
    }
  }
  return out;
}

function withHeaderHost(
  line: string,
  parser: HeaderParser,
  stripped: (line: string) => string,
  redactor: Redactor,
): string {
  const host = line.trim().length === 0 ? undefined : parser.parse(stripped(line)).host?.trim();
  if (!host || (host.startsWith('<') && host.endsWith('>'))) return line;
  const at = tokenIndex(line, host);
  if (at < 0) return line;
  return line.slice(0, at) + redactor.host(host) + line.slice(at + host.length);
}
