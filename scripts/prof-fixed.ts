// Fixed workload for instruction counting: mine N lines per system from pre-generated files.
import { readFileSync } from 'node:fs';
import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';

const mode = process.argv[2] ?? 'full';
let sink = 0;
for (const name of ['BGL', 'HDFS', 'Hadoop', 'HealthApp', 'Linux', 'Mac', 'OpenStack', 'Zookeeper']) {
  const lines = readFileSync(`/tmp/varied/${name}.log`, 'utf8').split('\n');
  lines.pop();
  if (mode === 'load') {
    sink += lines.length;
    continue;
  }
  const parser = createHeaderParser(lines.slice(0, 200));
  if (mode === 'header') {
    for (const l of lines) sink += parser.parse(l).content.length;
    continue;
  }
  const miner = new TemplateMiner();
  for (const l of lines) {
    const p = parser.parse(l);
    miner.add(p.content, p);
  }
  miner.finalize();
  sink += miner.templateCount;
}
console.log(sink);
