/**
 * The API words its changelog notes for API callers: "… left out; see includeOther" names the request field
 * (lambdas/core/use-cases/changelogs.ts, API_WORDS). In the console that field is the “Keep other messages”
 * checkbox, and the other options a note may name (unknownTypes, sections) have no control here, so the note
 * says they are the API's.
 */
const CONSOLE_WORDS: readonly [RegExp, string][] = [
  [/\bsee includeOther\b/g, 'tick “Keep other messages” to list them'],
  [/\bincludeOther\b/g, '“Keep other messages”'],
  [/\bsee unknownTypes\b/g, "the API's unknownTypes option lists them"],
  [/\bsections: \[/g, "the API's sections option: ["],
  [/; sections shows\b/g, "; the API's sections option shows"],
];

export function consoleNote(note: string): string {
  return CONSOLE_WORDS.reduce((text, [from, to]) => text.replace(from, to), note);
}
