// Shipped float16 generator weights (lib/io/float16.ts, lib/io/shippedWeights.ts) and their loading by
// loadLearnedInpainters. The converter is checked against numpy's float32 -> float16 cast (fixture made once by
// scripts/fixtures/float16_numpy.py) and against hand-derived bit patterns; the format on runs of the tiny preset at
// 64x64 trained 2 steps per stage in a temp dir (as test/inpaintLearned.test.ts), wasm with 1 thread.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../lib/backend/index';
import { PRESETS, type Preset } from '../lib/config/presets';
import { runTraining } from '../lib/train/loop';
import { loadCheckpoint } from '../lib/train/checkpoint';
import { readLossLog } from '../lib/train/log';
import { makeTriplet } from '../lib/data/triplets';
import { float16Bits, float16Value, encodeFloat16, decodeFloat16 } from '../lib/io/float16';
import {
  exportGeneratorWeights,
  loadShippedWeights,
  shippedWeightsPaths,
  shippedWeightsDir,
  GENERATOR_PREFIX,
  type ShippedManifest,
  stepsIncludingInit,
} from '../lib/io/shippedWeights';
import type { InitRecord } from '../lib/train/loop';
import { type CheckpointPaths, INPAINTER_PARTS, loadLearnedInpainters } from '../lib/pipeline/learnedInpainters';
import { removeObject } from '../lib/pipeline/inpaintingNetwork';
import { psnr } from '../lib/eval/psnr';
import { inpaintTelea } from '../lib/inpaint/telea';
import { inpaintMeanFill } from '../lib/inpaint/meanFill';
import { VALIDATION_SEED } from '../lib/eval/experiments';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'float16_numpy.json'), 'utf8')) as {
  inputs: number[];
  bits: number[];
};

test(
  'float16Bits equals numpy astype(float16) on 1813 float32 values (spread over all exponents, ties and their ' +
    'neighbours): 0 mismatches',
  () => {
    assert.equal(fixture.inputs.length, fixture.bits.length);
    let mismatches = 0;
    for (let i = 0; i < fixture.inputs.length; i++) {
      const x = Math.fround(fixture.inputs[i]);
      assert.equal(x, fixture.inputs[i], 'fixture inputs are float32 values');
      if (float16Bits(x) !== fixture.bits[i]) mismatches++;
    }
    assert.equal(mismatches, 0);
  },
);

test('float16 known values: zeros, +-1, 65504, overflow, subnormals, ties to even, Inf/NaN', () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-1, 0xbc00],
    [2, 0x4000],
    [0.5, 0x3800],
    [-2.5, 0xc100],
    [65504, 0x7bff],
    [65519.99, 0x7bff], // below the midpoint to the next (non-existent) half 65536
    [65520, 0x7c00],
    [-65520, 0xfc00], // the midpoint ties to even: Infinity
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [2 ** -25, 0x0000], // tie between 0 and 2^-24: to even (0)
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // tie between subnormals 1 and 2: to even (2)
    [5 * 2 ** -25, 0x0002], // tie between 2 and 3: to even (2)
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1 + 2^-10: to even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 1 + 2^-10 and 1 + 2^-9: to even
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie: up
    // tie between the largest subnormal and the smallest normal: to even, carry into the exponent
    [1023.5 * 2 ** -24, 0x0400],
    [2 - 2 ** -11, 0x4000], // tie between 2 - 2^-10 and 2: to even, carry into the exponent
    [1 / 3, 0x3555],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ];
  for (const [x, bits] of cases) {
    assert.equal(float16Bits(x), bits, `${x} -> 0x${float16Bits(x).toString(16)}, expected 0x${bits.toString(16)}`);
  }
  assert.ok(Number.isNaN(float16Value(float16Bits(NaN))));
  assert.equal(float16Value(0x7bff), 65504);
  assert.equal(float16Value(0x0001), 2 ** -24);
  assert.ok(Object.is(float16Value(0x8000), -0));
});

test('float16: all 63488 finite bit patterns decode and re-encode to themselves; LE byte order', () => {
  for (let b = 0; b < 0x10000; b++) {
    if ((b & 0x7c00) === 0x7c00) continue; // Inf / NaN
    const v = float16Value(b);
    if (float16Bits(v) !== b) assert.fail(`0x${b.toString(16)} -> ${v} -> 0x${float16Bits(v).toString(16)}`);
  }
  assert.deepEqual([...encodeFloat16(Float32Array.of(1, -2))], [0x00, 0x3c, 0x00, 0xc0]);
  assert.deepEqual([...decodeFloat16(Uint8Array.of(0x00, 0x3c, 0x00, 0xc0))], [1, -2]);
  assert.throws(() => decodeFloat16(new Uint8Array(3)), /3 bytes is not a whole number/);
});

test('float16 round trip of 200k random normal-range values: relative error <= 2^-11 (measured max printed)', () => {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const xs = new Float32Array(200000);
  for (let i = 0; i < xs.length; i++) xs[i] = (next() < 0.5 ? -1 : 1) * 2 ** (-14 + next() * 29.99); // [2^-14, 65504)
  const back = decodeFloat16(encodeFloat16(xs));
  let worst = 0;
  for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(back[i] - xs[i]) / Math.abs(xs[i]));
  console.log(
    `float16 round trip: max relative error ${worst.toExponential(4)} (2^-11 = ${(2 ** -11).toExponential(4)})`,
  );
  assert.ok(worst <= 2 ** -11, `max relative error ${worst}`);
  assert.ok(worst > 0.99 * 2 ** -11, `the bound is reached (${worst}): half an ulp at the bottom of a binade`);
});

const preset: Preset = { ...PRESETS.tiny, architecture: { ...PRESETS.tiny.architecture, size: 64 } };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shipped-weights-'));
let runs: CheckpointPaths;
let shipped: CheckpointPaths;
const filesOf = (dir: string) =>
  fs
    .readdirSync(dir)
    .sort()
    .map((f) => [
      f,
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(dir, f)))
        .digest('hex'),
    ]);

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const root = tmp();
  runs = {
    edge: path.join(root, 'edge'),
    segInpainter: path.join(root, 'segInpainter'),
    image: path.join(root, 'image'),
  };
  for (const stage of INPAINTER_PARTS)
    await runTraining({ preset, stage, out: runs[stage], steps: 2, progress: false });
  shipped = shippedWeightsPaths(path.join(tmp(), 'tiny')) as CheckpointPaths;
});

test(
  'export: generator tensors only, float16 of the checkpoint values, manifest from ckpt.json and log.jsonl, run ' +
    'dir untouched',
  () => {
    for (const stage of INPAINTER_PARTS) {
      const before = filesOf(runs[stage]);
      const { file, manifest, rounding } = exportGeneratorWeights(runs[stage], {
        out: shipped[stage],
        command: `test export ${stage}`,
      });
      assert.deepEqual(filesOf(runs[stage]), before, 'the run directory is only read');
      assert.equal(file, path.join(shipped[stage], 'weights.json'));
      assert.deepEqual(fs.readdirSync(shipped[stage]).sort(), [manifest.bin, 'weights.json'].sort());
      const ckpt = loadCheckpoint<{ step: number; preset: string; settings: { cannySigma: number } }>(runs[stage]);
      const prefix = GENERATOR_PREFIX[stage];
      const generator = [...ckpt.tensors].filter(([n]) => n.startsWith(prefix));
      assert.ok(
        generator.length > 0 && generator.length < ckpt.tensors.size,
        'the checkpoint also holds D / Adam tensors',
      );
      assert.deepEqual(
        manifest.tensors.map((t) => t.name),
        generator.map(([n]) => n),
      );
      assert.equal(manifest.byteLength, 2 * generator.reduce((s, [, t]) => s + t.values.length, 0));
      assert.deepEqual(
        [manifest.stage, manifest.preset, manifest.cannySigma, manifest.dtype, manifest.command],
        [stage, 'tiny', preset.cannySigma, 'float16', `test export ${stage}`],
      );
      assert.deepEqual(manifest.architecture, preset.architecture);
      assert.equal(manifest.source.step, 2);
      assert.equal(
        manifest.source.sha256,
        JSON.parse(fs.readFileSync(path.join(runs[stage], 'ckpt.json'), 'utf8')).sha256,
      );
      // training record: recomputed here from the log's lines
      const log = readLossLog(path.join(runs[stage], 'log.jsonl'));
      assert.equal(log.length, 2);
      assert.deepEqual([manifest.training.steps, manifest.training.lossSteps], [2, [1, 2]]);
      assert.ok(Math.abs(manifest.training.wallSeconds - (log[0].seconds + log[1].seconds)) < 1e-9);
      for (const key of Object.keys(log[1].losses)) {
        assert.ok(
          Math.abs(manifest.training.finalLosses[key] - (log[0].losses[key] + log[1].losses[key]) / 2) < 1e-12,
          key,
        );
      }
      assert.ok(rounding.maxRelativeError <= 2 ** -11, `relative rounding ${rounding.maxRelativeError}`);
      // loaded values are exactly the float16 rounding of the float32 weights
      const w = loadShippedWeights(shipped[stage]);
      for (const [name, t] of generator) {
        const got = w.tensors.get(name)!;
        assert.deepEqual(got.shape, t.shape);
        for (let i = 0; i < t.values.length; i++) {
          if (got.values[i] !== float16Value(float16Bits(t.values[i]))) assert.fail(`${name}[${i}]`);
        }
      }
    }
  },
);

test(
  're-export into the same folder replaces the tensor file (no stale .bin); a run folder is refused as ' + 'target',
  () => {
    const out = path.join(tmp(), 'edge');
    exportGeneratorWeights(runs.edge, { out, command: 'a' });
    fs.writeFileSync(path.join(out, 'generator-000000000000.bin'), 'stale');
    const { manifest } = exportGeneratorWeights(runs.edge, { out, command: 'b' });
    assert.deepEqual(fs.readdirSync(out).sort(), [manifest.bin, 'weights.json'].sort());
    assert.throws(
      () => exportGeneratorWeights(runs.segInpainter, { out: runs.edge, command: 'x' }),
      /holds a training run \(ckpt\.json\); choose another folder/,
    );
  },
);

test('loadLearnedInpainters loads exported float16 folders, run folders, and a mix; records name the manifests', () => {
  const a = loadLearnedInpainters(shipped);
  const b = loadLearnedInpainters({ ...runs, segInpainter: shipped.segInpainter });
  try {
    for (const part of INPAINTER_PARTS) {
      const m = JSON.parse(fs.readFileSync(path.join(shipped[part], 'weights.json'), 'utf8')) as ShippedManifest;
      assert.deepEqual(a.checkpoints[part], {
        path: path.join(shipped[part], 'weights.json'),
        stage: part,
        preset: 'tiny',
        step: 2,
        sha256: m.sha256,
      });
    }
    assert.equal(b.checkpoints.edge.path, path.join(runs.edge, 'ckpt.json'));
    assert.equal(b.checkpoints.segInpainter.path, path.join(shipped.segInpainter, 'weights.json'));
    assert.deepEqual([a.size, a.cannySigma], [64, preset.cannySigma]);
    // the seg generator of b came from float16: same values as a's
    for (const [name, v] of b.segmentation.params.named())
      assert.deepEqual(v.dataSync(), a.segmentation.params.named().get(name)!.dataSync(), name);
  } finally {
    a.dispose();
    b.dispose();
  }
});

// Measured here: max abs diff 5.1e-4, min PSNR 86 dB. On the cpu-preset runs (edge/seg/image at steps 2000/1250/1750,
// test items 0-15) the same comparison measured max abs diff 5.0e-4, PSNR min 85.8 dB, mean 91.0 dB (75-84 dB over
// the hole only).
test(
  'pipeline output from float16 vs float32 weights on 8 test triplets (seed 1001): max abs diff < 2e-3, PSNR > 60 ' +
    'dB (measured values printed)',
  async () => {
    const f32 = loadLearnedInpainters(runs);
    const f16 = loadLearnedInpainters(shipped);
    let maxDiff = 0;
    let minPsnr = Infinity;
    try {
      for (let k = 0; k < 8; k++) {
        const t = makeTriplet(1001, k, { height: 64, width: 64, split: 'test' });
        const a = (await removeObject(f32, t.image, t.mask, { labels: t.labels })).output;
        const b = (await removeObject(f16, t.image, t.mask, { labels: t.labels })).output;
        for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
        minPsnr = Math.min(minPsnr, psnr(a, b, { protocol: 'common' }).value);
      }
    } finally {
      f32.dispose();
      f16.dispose();
    }
    console.log(
      `float16 vs float32 weights, tiny 2-step runs: max abs diff ${maxDiff.toExponential(2)}, min PSNR ` +
        `${minPsnr.toFixed(1)} dB (common protocol)`,
    );
    assert.ok(maxDiff > 0, 'the weights differ, so the outputs do');
    assert.ok(maxDiff < 2e-3, `max abs diff ${maxDiff}`);
    assert.ok(minPsnr > 60, `min PSNR ${minPsnr}`);
  },
);

test('damaged or mismatched exports: errors name the file and the problem', () => {
  const copy = (part: keyof CheckpointPaths, edit?: (m: ShippedManifest) => void): string => {
    const out = path.join(tmp(), part);
    fs.cpSync(shipped[part], out, { recursive: true });
    if (edit) {
      const file = path.join(out, 'weights.json');
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      edit(m);
      fs.writeFileSync(file, JSON.stringify(m));
    }
    return out;
  };
  const binOf = (dir: string) => path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!);
  // a flipped byte: checksum
  const flipped = copy('image');
  const bytes = fs.readFileSync(binOf(flipped));
  bytes[100] ^= 1;
  fs.writeFileSync(binOf(flipped), bytes);
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, image: flipped }),
    (e: Error) =>
      e.message.includes(binOf(flipped)) &&
      /corrupt: its SHA-256 does not match the manifest/.test(e.message) &&
      e.message.includes(path.join(flipped, 'weights.json')),
  );
  // truncated
  const truncated = copy('image');
  fs.writeFileSync(binOf(truncated), fs.readFileSync(binOf(truncated)).subarray(0, 1000));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, image: truncated }),
    (e: Error) => e.message.includes(binOf(truncated)) && /1000 bytes, the manifest .* says/.test(e.message),
  );
  // missing tensor file, broken manifest, wrong format
  const missing = copy('edge');
  fs.rmSync(binOf(missing));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: missing }),
    (e: Error) => e.message.includes(path.join(missing, 'weights.json')) && /tensor file .* is missing/.test(e.message),
  );
  const broken = copy('edge');
  fs.writeFileSync(path.join(broken, 'weights.json'), '{"format": ');
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: broken }),
    (e: Error) => e.message.includes(path.join(broken, 'weights.json')) && /corrupt: not valid JSON/.test(e.message),
  );
  const float32 = copy('edge', (m) => ((m as { dtype: string }).dtype = 'float32'));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: float32 }),
    /not exported generator weights .*dtype float32/,
  );
  // wrong stage, size, sigma, tensor shape
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: shipped.image }),
    (e: Error) =>
      e.message.includes(path.join(shipped.image, 'weights.json')) &&
      e.message.includes("is a 'image' checkpoint; the edge inpainter needs a checkpoint of the 'edge' stage"),
  );
  const small = copy('segInpainter', (m) => (m.architecture.size = 32));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, segInpainter: small }),
    (e: Error) =>
      e.message.includes(path.join(small, 'weights.json')) &&
      /disagree on the image size: .* is 64x64, .* is 32x32/.test(e.message),
  );
  const sigma = copy('image', (m) => (m.cannySigma = 2));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, image: sigma }),
    (e: Error) =>
      e.message.includes(path.join(sigma, 'weights.json')) &&
      /disagree on the Canny sigma: .* has 1, .* has 2/.test(e.message),
  );
  const wider = copy('edge', (m) => (m.architecture.inpainterWidth *= 2));
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: wider }),
    (e: Error) =>
      e.message.includes(path.join(wider, 'weights.json')) &&
      /does not match this run: 'model\.edge\..*' is \[/.test(e.message),
  );
  // a folder with both manifests is ambiguous; an empty folder names what it lacks
  const both = copy('edge');
  fs.copyFileSync(path.join(runs.edge, 'ckpt.json'), path.join(both, 'ckpt.json'));
  assert.throws(() => loadLearnedInpainters({ ...shipped, edge: both }), /holds both weights\.json and ckpt\.json/);
  const empty = tmp();
  assert.throws(
    () => loadLearnedInpainters({ ...shipped, edge: empty }),
    (e: Error) => e.message.includes(empty) && /holds neither weights\.json .* nor ckpt\.json/.test(e.message),
  );
  // a run that says it is a joint run but holds only an edge inpainter's tensors (edited copy of a run manifest:
  // the tensor file is unchanged) is refused, naming the missing network (joint runs export all four)
  const joint = path.join(tmp(), 'run');
  fs.cpSync(runs.edge, joint, { recursive: true });
  const cf = path.join(joint, 'ckpt.json');
  const cm = JSON.parse(fs.readFileSync(cf, 'utf8'));
  cm.meta.stage = 'joint';
  fs.writeFileSync(cf, JSON.stringify(cm));
  assert.throws(
    () => exportGeneratorWeights(joint, { out: tmp(), command: 'x' }),
    /ckpt\.json has no tensor named model\.seg\.\*/,
  );
});

test(
  'stepsIncludingInit adds the steps of the runs the weights were fine-tuned from, recursively, not the cue ' +
    'networks',
  () => {
    const rec = (step: number, init: InitRecord[] = [], part: InitRecord['part'] = 'image'): InitRecord => ({
      part,
      from: 'x',
      step,
      sha256: 'y',
      init,
    });
    const src = (step: number, init?: InitRecord[]) => ({
      stage: 'image' as const,
      source: { checkpoint: 'c', step, sha256: 's', init: init as InitRecord[] },
    });
    assert.equal(stepsIncludingInit(src(500, [])), 500);
    assert.equal(stepsIncludingInit(src(500, [rec(8000, [rec(14250)])])), 22750);
    assert.equal(stepsIncludingInit(src(500)), 500); // written before init was recorded
    // an image run on inpainted cues (--cues inpainted) records the frozen edge and seg checkpoints beside its --init
    assert.equal(
      stepsIncludingInit(src(500, [rec(8000), rec(14750, [], 'edge'), rec(3000, [], 'segInpainter')])),
      8500,
    );
  },
);

test(
  'the committed cpu weights load (SHA-256 checked) and beat Telea and the mean fill on 100 validation images ' +
    '(mean PSNR, paper protocol)',
  async () => {
    // A guard that checkpoints/cpu holds the trained weights and the pipeline still uses them as trained; the
    // validation split chose them, so these margins are not an unbiased estimate (Table I's test set is).
    const nets = loadLearnedInpainters(shippedWeightsPaths(shippedWeightsDir('cpu')) as CheckpointPaths);
    const sum = { ours: 0, telea: 0, meanFill: 0 };
    const n = 100;
    try {
      for (let k = 0; k < n; k++) {
        const t = makeTriplet(VALIDATION_SEED, k, { height: nets.size, width: nets.size, split: 'test' });
        const score = (r: typeof t.image) => psnr(r, t.background, { protocol: 'paper' }).value;
        sum.ours += score((await removeObject(nets, t.image, t.mask, { labels: t.labels })).output);
        sum.telea += score(inpaintTelea(t.image, t.mask));
        sum.meanFill += score(inpaintMeanFill(t.image, t.mask));
      }
    } finally {
      nets.dispose();
    }
    const [ours, telea, meanFill] = [sum.ours / n, sum.telea / n, sum.meanFill / n];
    console.log(
      `committed cpu weights, ${n} validation images: ours ${ours.toFixed(2)} dB, Telea ${telea.toFixed(2)}, ` +
        `mean fill ${meanFill.toFixed(2)}`,
    );
    assert.ok(ours > telea + 0.5, `ours ${ours} vs Telea ${telea}`);
    assert.ok(ours > meanFill + 3, `ours ${ours} vs mean fill ${meanFill}`);
  },
);
