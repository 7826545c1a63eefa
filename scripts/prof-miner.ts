import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

const systems = loadLoghub('/work/shared/data/loghub-2k', undefined);
const total = Number(process.argv[2] ?? 400000);
const only = process.argv[3];
let ms = 0;
let cpu = 0;
let n = 0;
for (const [k, s] of systems.entries()) {
  if (only && s.name !== only) continue;
  const lines = variedLines(s, Math.ceil(total / systems.length), 42 + k);
  const parser = createHeaderParser(lines.slice(0, 200));
  const miner = new TemplateMiner();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const hp = 0;
  for (const line of lines) {
    const p = parser.parse(line);
    miner.add(p.content, p);
  }
  miner.finalize();
  const dt = performance.now() - t0;
  const c = process.cpuUsage(c0);
  ms += dt;
  cpu += (c.user + c.system) / 1000;
  n += lines.length;
  console.log(
    s.name.padEnd(10),
    Math.round(lines.length / (dt / 1000)),
    'lines/s',
    Math.round(lines.length / ((c.user + c.system) / 1e6)),
    'lines/cpu-s',
    miner.templateCount,
    'templates',
  );
}
console.log('total', Math.round(n / (ms / 1000)), 'lines/s', Math.round(n / (cpu / 1000)), 'lines/cpu-s');
