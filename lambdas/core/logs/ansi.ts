/**
 * Terminal escape sequences that tools write when their output is a terminal or forced to colour (Spring Boot's
 * console, Jenkins' AnsiColor, `docker compose logs`, npm, pytest, GitHub Actions): CSI sequences (`ESC [ … m`
 * colours, cursor moves), OSC sequences (`ESC ] … BEL`, hyperlinks and titles) and two-character escapes. They
 * are no text: left in, they cut a line's columns (`ESC[2m2024-…ESC[0;39m` is no time) and fill templates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

/** The line without its terminal escape sequences (the same string when it has none). */
export function withoutEscapes(line: string): string {
  return line.indexOf('\u001b') < 0 ? line : line.replace(ESCAPES, '');
}
