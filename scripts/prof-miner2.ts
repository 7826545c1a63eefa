// Measures instructions of mining only: generate lines first, then signal, then mine.
import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

const systems = loadLoghub('/work/shared/data/loghub-2k', undefined);
const total = Number(process.argv[2] ?? 400000);
const mode = process.argv[3] ?? 'all';
const sets = systems.map((s, k) => variedLines(s, Math.ceil(total / systems.length), 42 + k));
const c0 = process.cpuUsage();
const t0 = performance.now();
let sink = 0;
for (const lines of sets) {
  const parser = createHeaderParser(lines.slice(0, 200));
  const miner = new TemplateMiner();
  if (mode === 'header') {
    for (const line of lines) sink += parser.parse(line).content.length;
    continue;
  }
  for (const line of lines) {
    const p = parser.parse(line);
    miner.add(p.content, p);
  }
  miner.finalize();
}
const c = process.cpuUsage(c0);
console.log(
  mode,
  Math.round(total / ((c.user + c.system) / 1e6)),
  'lines/cpu-s',
  Math.round(total / ((performance.now() - t0) / 1000)),
  'lines/s',
  sink > 0 ? '' : '',
);
