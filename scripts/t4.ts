import { readFileSync } from 'node:fs';
import { shapeHash } from '../lambdas/core/logs/shape.ts';

const lines = readFileSync('/tmp/hdfs1m.log', 'utf8')
  .split('\n')
  .slice(0, 300000)
  .map((l) => l.slice(l.indexOf(': ') + 2));
const flat = lines.map((l) => (' ' + l).slice(1).split('').join(''));
function bench(name: string, arr: string[]) {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (const s of arr) sink += shapeHash(s);
    best = Math.min(best, performance.now() - t0);
  }
  console.log(
    name,
    ((best * 1e6) / arr.length).toFixed(0),
    'ns/line',
    (arr.reduce((a, s) => a + s.length, 0) / arr.length).toFixed(0),
    'chars',
    sink > 0 ? '' : '',
  );
}
bench('sliced', lines);
bench('flat', flat);
bench('sliced', lines);
