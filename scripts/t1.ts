import { TemplateMiner } from '../lambdas/core/logs/miner.ts';

const m = new TemplateMiner();
for (const u of ['cyrus', 'news', 'test', 'cyrus', 'news']) {
  m.add(`session opened for user ${u} by (uid=0)`);
  m.add(`session closed for user ${u}`);
}
m.add('session closed for user root');
m.finalize();
for (const t of m.templates())
  console.log(t.count, t.template, JSON.stringify(t.parameters.map((p) => p.values.map((v) => v.value))));
