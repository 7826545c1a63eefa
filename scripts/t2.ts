import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { shapeHash } from '../lambdas/core/logs/shape.ts';
import { variedLines } from './log-speed.ts';
import { loadLoghub } from './loghub-data.ts';

for (const [k, s] of loadLoghub('/work/shared/data/loghub-2k', undefined).entries()) {
  const lines = variedLines(s, 100000, 42 + k);
  const p = createHeaderParser(lines.slice(0, 200));
  const seen = new Map<number, number>();
  for (const l of lines) {
    const h = shapeHash(p.parse(l).content);
    seen.set(h, (seen.get(h) ?? 0) + 1);
  }
  let fast = 0;
  for (const c of seen.values()) fast += (Math.max(0, c - 64) * 7) / 8;
  console.log(s.name.padEnd(10), 'shapes', seen.size, 'fast share', (fast / lines.length).toFixed(2));
}
