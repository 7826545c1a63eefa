import { describe, expect, it } from 'vitest';
import { withoutEscapes } from '../../../lambdas/core/logs/ansi.ts';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';

const E = '\u001b';
/** Spring Boot's console output with colours forced on (`spring.output.ansi.enabled=always`). */
const springLine = (i: number, level: string, message: string): string =>
  `${E}[2m2024-05-01T10:00:${String(10 + i)}.432+02:00${E}[0;39m ${E}[32m${level.padStart(5)}${E}[0;39m ${E}[35m1009${E}[0;39m ${E}[2m---${E}[0;39m ${E}[2m[shop] [nio-8080-exec-${i % 9}]${E}[0;39m ${E}[36mc.e.shop.web.OrderController            ${E}[0;39m ${E}[2m:${E}[0;39m ${message}`;

describe('terminal colours in a log', () => {
  it('reads a coloured log as the same log without its colours: header, levels and templates', () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      i % 5 === 4 ? springLine(i, 'ERROR', `Order ${i} failed`) : springLine(i, 'INFO', `Created order ${i}`),
    );
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.levels.counts).toMatchObject({ INFO: 24, ERROR: 6 });
    expect(summary.timeSpan?.start).toBe('2024-05-01T08:00:10.432Z');
    expect(summary.topTemplates.map((t) => t.template).sort()).toEqual([
      'Created order <NUM>',
      'Order <NUM> failed',
    ]);
  });

  it('removes colour, cursor and hyperlink sequences and leaves other text as it is', () => {
    expect(
      withoutEscapes(`${E}[1;31mERROR${E}[0m disk ${E}[2Kfull ${E}]8;;http://x${E}\\link${E}]8;;${E}\\`),
    ).toBe('ERROR disk full link');
    const plain = 'no escapes [0m here';
    expect(withoutEscapes(plain)).toBe(plain);
  });
});
