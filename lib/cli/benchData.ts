// Data benchmark: triplets per second at 64x64 and 256x256 (generated in memory, single thread), irregular
// masks per second, and reading cached triplets back from PNGs. Writes bench/data.json.
//   npm run bench:data -- [--out bench/data.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTriplet } from '../data/triplets';
import { irregularMask } from '../data/irregularMasks';
import { writeTripletCache, readCachedTriplet } from '../data/cache';
import { writeFileAtomic } from '../io/atomicWrite';
import { type CliSpec, parseCli, runCli } from './args';

const CLI: CliSpec = {
  name: 'bench:data',
  usage: '[--out FILE]',
  summary: 'Triplets, irregular masks and cached triplets per second (one thread).',
  options: { out: { type: 'string', value: 'FILE', help: 'JSON file (default bench/data.json)' } },
};

function rate(
  label: string,
  count: number,
  fn: (i: number) => void,
): { label: string; count: number; seconds: number; perSecond: number } {
  fn(-1); // warm up the JIT on one item outside the timing
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn(i);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { label, count, seconds, perSecond: count / seconds };
}

async function main(): Promise<void> {
  const cli = parseCli(CLI, process.argv.slice(2));
  if (!cli) return;
  const out = (cli.values.out as string | undefined) ?? path.join('bench', 'data.json');
  const results = [
    rate('triplets 64x64', 400, (i) => makeTriplet(1, i + 1, { height: 64, width: 64 })),
    rate('triplets 256x256', 40, (i) => makeTriplet(1, i + 1, { height: 256, width: 256 })),
    rate('irregular masks 64x64', 400, (i) => irregularMask(1, i + 1, 64, 64, 0.01, 0.4)),
    rate('irregular masks 256x256', 100, (i) => irregularMask(1, i + 1, 256, 256, 0.01, 0.4)),
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-data-'));
  const n = 100;
  let t0 = process.hrtime.bigint();
  await writeTripletCache(dir, { seed: 1, count: n, height: 64, width: 64, split: 'train', photos: 0 });
  let s = Number(process.hrtime.bigint() - t0) / 1e9;
  results.push({ label: 'generate + write cache 64x64', count: n, seconds: s, perSecond: n / s });
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await readCachedTriplet(dir, i);
  s = Number(process.hrtime.bigint() - t0) / 1e9;
  results.push({ label: 'read cached triplet 64x64', count: n, seconds: s, perSecond: n / s });
  fs.rmSync(dir, { recursive: true });

  for (const r of results)
    console.log(
      `${r.label.padEnd(30)} ${r.perSecond.toFixed(1).padStart(8)} /s  (${r.count} in ${r.seconds.toFixed(2)} s)`,
    );
  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    threads: 1,
    results,
  };
  writeFileAtomic(out, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`wrote ${out}`);
}

runCli('bench:data', main);
