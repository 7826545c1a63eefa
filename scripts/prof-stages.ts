import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';
import { emptyTokens, tokenizeInto } from '../lambdas/core/logs/tokenize.ts';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

const systems = loadLoghub('/work/shared/data/loghub-2k', undefined);
const per = Number(process.argv[2] ?? 50000);
const sets = systems.map((s, k) => variedLines(s, per, 42 + k));
const parsers = sets.map((lines) => createHeaderParser(lines.slice(0, 200)));
const contents = sets.map((lines, k) => lines.map((l) => parsers[k]!.parse(l).content));
function time(f: () => void): number {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}
const total = per * systems.length;
let sink = 0;
const h = time(() => {
  sets.forEach((lines, k) => {
    for (const l of lines) sink += parsers[k]!.parse(l).content.length;
  });
});
const tk = emptyTokens();
const t = time(() => {
  for (const cs of contents) for (const c of cs) sink += tokenizeInto(c, 256, tk).count;
});
const m = time(() => {
  sets.forEach((lines, k) => {
    const miner = new TemplateMiner();
    for (const l of lines) {
      const p = parsers[k]!.parse(l);
      miner.add(p.content, p);
    }
    miner.finalize();
  });
});
const ns = (ms: number) => ((ms * 1e6) / total).toFixed(0);
console.log(
  `header ${ns(h)} ns/line, tokenize ${ns(t)} ns/line, full ${ns(m)} ns/line => ${Math.round(total / (m / 1000))} lines/cpu-s (miner part ~${ns(m - h - t)} ns)`,
  sink > 0 ? '' : '',
);
