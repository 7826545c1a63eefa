import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { emptyTokens, tokenizeInto } from '../lambdas/core/logs/tokenize.ts';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

const systems = loadLoghub('/work/shared/data/loghub-2k', undefined);
const sets = systems.map((s, k) => variedLines(s, 30000, 42 + k));
const contents = sets.map((lines) => {
  const p = createHeaderParser(lines.slice(0, 200));
  return lines.map((l) => p.parse(l).content);
});
const tk = emptyTokens();
let sink = 0;
for (let r = 0; r < 10; r++)
  for (const cs of contents) for (const c of cs) sink += tokenizeInto(c, 256, tk).count;
console.log(sink);
