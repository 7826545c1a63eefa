import { mkdirSync, writeFileSync } from 'node:fs';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

mkdirSync('/tmp/varied', { recursive: true });
const n = Number(process.argv[2] ?? 20000);
for (const [k, s] of loadLoghub('/work/shared/data/loghub-2k', undefined).entries())
  writeFileSync(`/tmp/varied/${s.name}.log`, `${variedLines(s, n, 42 + k).join('\n')}\n`);
