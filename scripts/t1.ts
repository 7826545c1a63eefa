import { readFileSync } from 'node:fs';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';

const lines = readFileSync('/work/shared/data/loghub-2k/BGL/BGL_2k.log', 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.includes('VPD check'));
const m = new TemplateMiner();
for (const l of lines) m.add(l.slice(l.indexOf('Node card')));
m.finalize();
for (const t of m.templates()) console.log(t.count, t.template);
