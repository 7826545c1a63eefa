import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RUNBOOK_FILE } from '../../lib/runbook.ts';

/** The anchors of the runbook's headings, as GitHub makes them (lower case, spaces as `-`, punctuation dropped). */
export function runbookAnchors(): string[] {
  return readFileSync(resolve(import.meta.dirname, '../..', RUNBOOK_FILE), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .map((line) =>
      line
        .replace(/^#+\s*/, '')
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    );
}
