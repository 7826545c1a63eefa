/**
 * `npm run bench:upload [-- <MiB>]`: a large log through the local upload path's reader: a synthetic log of
 * <MiB> (default 1024) is written under .local/bench/ (once), then read back as a stream and summarized the
 * way the summarize worker reads an uploaded object (summarizeLogStream), in a child process so its peak
 * RSS is the reader's alone. Timings on a shared machine are for direction only.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeLogStream } from '../lambdas/adapters/storage/log-stream.ts';
import { scriptArgs } from './script-args.ts';

const ROOT = join(import.meta.dirname, '..');
const args = scriptArgs({
  name: 'bench-upload',
  usage: 'npm run bench:upload -- [<MiB>]',
  // --read: the child process that reads the file back (run by this script, not by users).
  options: { read: { type: 'boolean', default: false } },
  positionals: true,
});
const mibText = args.positionals[0] ?? '1024';
const mib = Number(mibText);
if (!Number.isInteger(mib) || mib < 1 || args.positionals.length > 1)
  args.fail(`'${args.positionals.join(' ')}' is not a size in MiB (a whole number)`);
const file = join(ROOT, '.local', 'bench', `upload-${mib}m.log`);

/** BGL-like lines with varying nodes, numbers and a few rare events (a mix the miner has to group). */
function line(n: number): string {
  const node = `R${n % 64}-M${n % 2}-N${n % 16}-C:J${n % 18}-U${n % 12}`;
  const time = new Date(Date.UTC(2005, 5, 3, 0, 0, 0) + n * 10).toISOString();
  switch (n % 10) {
    case 0:
      return `- ${time} ${node} RAS KERNEL FATAL data TLB error interrupt at 0x${((n * 2654435761) >>> 0).toString(16)}`;
    case 1:
    case 2:
      return `- ${time} ${node} RAS APP INFO generating core.${n % 5000}`;
    case 3:
      return `- ${time} ${node} RAS KERNEL INFO ${n % 997} double-hummer alignment exceptions`;
    default:
      return n % 100_003 === 0
        ? `- ${time} ${node} RAS MMCS ERROR idoproxydb hit ASSERT condition: ASSERT expression=${n % 7}`
        : `- ${time} ${node} RAS KERNEL INFO instruction cache parity error corrected`;
  }
}

async function generate(): Promise<void> {
  mkdirSync(join(ROOT, '.local', 'bench'), { recursive: true });
  const out = createWriteStream(file);
  const target = mib * 1024 * 1024;
  let written = 0;
  // Whole lines up to the size, not past it: 1024 MiB is also the upload limit.
  for (let n = 0; ; ) {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++, n++) lines.push(line(n));
    let chunk = `${lines.join('\n')}\n`;
    if (written + Buffer.byteLength(chunk) > target) {
      chunk = chunk.slice(0, chunk.lastIndexOf('\n', target - written - 1) + 1);
    }
    if (chunk === '') break;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function read(): Promise<void> {
  const started = performance.now();
  const result = await summarizeLogStream(createReadStream(file, { highWaterMark: 1024 * 1024 }));
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const lines = result.summary.lines.total;
  console.log(
    `| ${(result.bytes / 1024 ** 2).toFixed(0)} MiB | ${lines.toLocaleString('en-US')} | ${seconds.toFixed(1)} | ${Math.round(lines / seconds).toLocaleString('en-US')} | ${peakMiB.toFixed(0)} MiB | ${result.templates.length} |`,
  );
}

if (args.values.read) {
  await read();
} else {
  if (!existsSync(file) || statSync(file).size > mib * 1024 * 1024) await generate();
  console.log('| log | lines | seconds | lines/s | peak RSS | templates |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, String(mib), '--read'], {
    stdio: 'inherit',
    cwd: ROOT,
  });
}
