// Training runs of the tiny preset on wasm with 1 thread (deterministic): resume, checkpoint damage and mismatch,
// NaN stop, tensor leaks. Each run is a few 32x32 steps.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { DATA_MIXES, PRESETS } from '../lib/config/presets';
import { runTraining, type RunOptions, type RunMeta, withSeed } from '../lib/train/loop';
import { buildStage } from '../lib/train/stages';
import { makeBatch, disposeBatch } from '../lib/train/batches';
import { ImageInpainter } from '../lib/models/inpainters';
import { averageCheckpoints } from '../lib/train/averageCheckpoints';
import { exportGeneratorWeights, readShippedManifest } from '../lib/io/shippedWeights';
import { readLossLog } from '../lib/train/log';
import { loadCheckpoint } from '../lib/train/checkpoint';
import { repoPath } from '../lib/io/repoRoot';

const tiny = PRESETS.tiny;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'train-test-'));
const run = (o: Omit<RunOptions, 'preset'>) => runTraining({ preset: tiny, progress: false, ...o });

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
});

test(
  'resume: 4 joint steps straight = 2 steps, killed during step 3, resumed to 4 (losses max abs diff 0, ' +
    'same weights)',
  async () => {
    const straight = tmp();
    await run({ stage: 'joint', out: straight, steps: 4, checkpointEvery: 2 });
    const broken = tmp();
    // a kill after step 3 was logged, before its checkpoint: the resumed run must redo step 3 without a duplicate line
    await assert.rejects(
      run({
        stage: 'joint',
        out: broken,
        steps: 4,
        checkpointEvery: 2,
        onStep: (s) => {
          if (s === 3) throw new Error('killed');
        },
      }),
      /killed/,
    );
    assert.deepEqual(
      readLossLog(path.join(broken, 'log.jsonl')).map((r) => r.step),
      [1, 2, 3],
    );
    assert.equal(loadCheckpoint<{ step: number }>(broken).meta.step, 2);
    const resumed = await run({ stage: 'joint', out: broken, steps: 4, checkpointEvery: 2, resume: true });
    assert.deepEqual(
      resumed.records.map((r) => r.step),
      [3, 4],
    );

    const a = readLossLog(path.join(straight, 'log.jsonl'));
    const b = readLossLog(path.join(broken, 'log.jsonl'));
    assert.deepEqual(
      b.map((r) => r.step),
      [1, 2, 3, 4],
    );
    let maxDiff = 0;
    a.forEach((r, i) => {
      assert.deepEqual(Object.keys(b[i].losses), Object.keys(r.losses));
      for (const [k, v] of Object.entries(r.losses))
        maxDiff = Math.max(maxDiff, Math.abs(v - b[i].losses[k]) / Math.max(1, Math.abs(v)));
    });
    assert.ok(maxDiff <= 1e-6, `max relative loss difference ${maxDiff}`); // measured: 0 (bit-identical)
    // losses do change from step to step (the comparison is not between constants)
    assert.notEqual(a[0].losses.loss, a[3].losses.loss);
    // every weight, spectral-norm vector and Adam moment ends identical
    const read = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'ckpt.json'), 'utf8'));
    assert.equal(read(broken).sha256, read(straight).sha256);
    assert.deepEqual(read(broken).meta.optimizerSteps, { G: 4, D_E: 4, D_S: 4, D_I: 4 });
  },
);

test(
  'a corrupt checkpoint is refused with the file named ' + '(flipped byte, truncated manifest, missing binary)',
  async () => {
    const dir = tmp();
    await run({ stage: 'segmenter', out: dir, steps: 2, checkpointEvery: 2 });
    const bin = path.join(dir, 'ckpt-000002.bin');
    const bytes = fs.readFileSync(bin);
    bytes[100] ^= 0x40;
    fs.writeFileSync(bin, bytes);
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true }),
      (e: Error) => e.message.includes(bin) && /corrupt: its SHA-256 does not match/.test(e.message),
    );
    fs.writeFileSync(bin, bytes.subarray(0, 64));
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true }),
      /corrupt: 64 bytes, the manifest .* says/,
    );
    fs.rmSync(bin);
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true }),
      /its tensor file .*ckpt-000002\.bin is missing/,
    );
    const manifest = path.join(dir, 'ckpt.json');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').slice(0, 50));
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true }),
      (e: Error) => e.message.includes(manifest) && /corrupt: not valid JSON/.test(e.message),
    );
  },
);

test(
  'a mismatched checkpoint is refused naming the file and the difference ' + '(stage, architecture, settings)',
  async () => {
    const dir = tmp();
    await run({ stage: 'edge', out: dir, steps: 1 });
    const file = path.join(dir, 'ckpt.json');
    await assert.rejects(
      run({ stage: 'segInpainter', out: dir, steps: 2, resume: true }),
      (e: Error) =>
        e.message.includes(file) && e.message.includes('stage is "edge" in the checkpoint, "segInpainter" in this run'),
    );
    await assert.rejects(
      run({ stage: 'edge', out: dir, steps: 2, resume: true, masks: 'random' }),
      /setting 'masks' is "object" in the checkpoint, "random" in this run/,
    );
    const wider = { ...tiny, architecture: { ...tiny.architecture, inpainterWidth: 6 } };
    await assert.rejects(
      runTraining({ preset: wider, progress: false, stage: 'edge', out: tmp(), steps: 1, init: dir }),
      /architecture.inpainterWidth is 4 in the checkpoint, 6 in this run/,
    );
    // a part of the wrong kind for the joint network
    await assert.rejects(
      run({ stage: 'joint', out: tmp(), steps: 1, initParts: { image: dir } }),
      /stage is "edge" in the checkpoint, "image"/,
    );
    // an existing run is not overwritten without --resume
    await assert.rejects(run({ stage: 'edge', out: dir, steps: 2 }), /already holds a checkpoint: pass --resume/);
  },
);

test(
  '--init loads the weights ' +
    '(fine-tuning starts where the checkpoint ended) and --init-<part> fills the joint network',
  async () => {
    const edge = tmp();
    await run({ stage: 'edge', out: edge, steps: 2 });
    const ft = tmp();
    await run({ stage: 'edge', out: ft, steps: 1, masks: 'random', pairs: 8, init: edge });
    const weightsOf = (d: string, name: string) => loadCheckpoint(d).tensors.get(name)!.values;
    // after one more Adam step from the loaded weights, a weight moved by at most ~lr from its checkpoint value
    const before = weightsOf(edge, 'model.edge.out.w');
    const after = weightsOf(ft, 'model.edge.out.w');
    let maxStep = 0;
    before.forEach((v, i) => (maxStep = Math.max(maxStep, Math.abs(v - after[i]))));
    assert.ok(maxStep > 0 && maxStep <= 1.01 * tiny.lr.edge, `max change ${maxStep}`);
    const joint = tmp();
    // lr ~0: weights stay as loaded
    await run({ stage: 'joint', out: joint, steps: 1, initParts: { edge }, lr: 1e-30 });
    const j = weightsOf(joint, 'model.edge.out.w');
    before.forEach((v, i) => assert.ok(Math.abs(v - j[i]) < 1e-12));
    assert.ok(weightsOf(joint, 'model.D_E.conv.0.u').every((v, i) => Number.isFinite(v) && i >= 0));
  },
);

test('a NaN loss stops the run naming the step and loss; the last good checkpoint and log stay', async () => {
  const dir = tmp();
  // lr 1e30: the first update makes the weights ~1e30, the next forward overflows
  await assert.rejects(
    run({ stage: 'edge', out: dir, steps: 4, checkpointEvery: 1, lr: 1e30 }),
    /step 2: loss '\w+' is (NaN|Infinity|-Infinity); training stopped, the last good checkpoint \(step 1\)/,
  );
  assert.equal(loadCheckpoint<{ step: number }>(dir).meta.step, 1);
  assert.deepEqual(
    readLossLog(path.join(dir, 'log.jsonl')).map((r) => r.step),
    [1],
  );
});

test(
  'no tensor leak: tf.memory().numTensors is the same after every joint step ' + 'and back to the start after the run',
  async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    await run({
      stage: 'joint',
      out: tmp(),
      steps: 3,
      checkpointEvery: 1,
      onStep: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(new Set(counts).size, 1, `tensor counts per step: ${counts}`);
    assert.ok(counts[0] > start); // the networks were alive during the run
    assert.equal(tf.memory().numTensors, start);
  },
);

test(
  'one process per run directory: ' + 'a live lock is refused, a stale one (its process is gone) is taken over',
  async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'lock'), String(process.ppid)); // the test runner: alive
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 1 }),
      /is in use by another training process \(pid \d+/,
    );
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited
    fs.writeFileSync(path.join(dir, 'lock'), String(gone));
    await run({ stage: 'segmenter', out: dir, steps: 1 });
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false); // released at the end
  },
);

test(
  'runs record the loss weights, the image-loss target and where --init weights came from; ' +
    'resume refuses a change',
  async () => {
    const dir = tmp();
    await run({ stage: 'image', out: dir, steps: 1 });
    const meta = loadCheckpoint<RunMeta>(dir).meta;
    assert.deepEqual(meta.settings.weights, tiny.weights);
    assert.equal(meta.settings.imageLoss, tiny.imageLoss);
    assert.deepEqual(meta.init, []);
    const heavierL1 = { ...tiny, weights: { ...tiny.weights, lambdaIR: 2 } };
    await assert.rejects(
      runTraining({ preset: heavierL1, progress: false, stage: 'image', out: dir, steps: 2, resume: true }),
      /setting 'weights' is \{.*"lambdaIR":1.*\} in the checkpoint, \{.*"lambdaIR":2.*\} in this run/,
    );
    const other = tiny.imageLoss === 'composite' ? 'output' : 'composite';
    await assert.rejects(
      runTraining({
        preset: { ...tiny, imageLoss: other },
        progress: false,
        stage: 'image',
        out: dir,
        steps: 2,
        resume: true,
      }),
      new RegExp(`setting 'imageLoss' is "${tiny.imageLoss}" in the checkpoint, "${other}" in this run`),
    );
    // the CLI's overrides are recorded as the run's settings
    const overridden = tmp();
    await run({ stage: 'image', out: overridden, steps: 1, imageLoss: other, l1Per: 'batch' });
    assert.equal(loadCheckpoint<RunMeta>(overridden).meta.settings.imageLoss, other);
    assert.equal(loadCheckpoint<RunMeta>(overridden).meta.settings.l1Per, 'batch');
    await assert.rejects(
      run({ stage: 'segInpainter', out: tmp(), steps: 1, l1Per: 'batch' }),
      /--l1-per applies to the image and joint stages only/,
    );
    const ft = tmp();
    await run({ stage: 'image', out: ft, steps: 1, init: dir });
    const source = loadCheckpoint(dir);
    const [rec] = loadCheckpoint<RunMeta>(ft).meta.init;
    assert.equal(rec.step, 1);
    assert.equal(rec.sha256, source.sha256);
    assert.equal(rec.part, 'image');
    assert.deepEqual(rec.init, []); // its source ran from scratch
    const ft2 = tmp(); // a chain: the record nests the source's own record
    await run({ stage: 'image', out: ft2, steps: 1, init: ft });
    assert.deepEqual(loadCheckpoint<RunMeta>(ft2).meta.init[0].init, [rec]);
    await run({ stage: 'image', out: ft, steps: 2, resume: true }); // a resumed run keeps its provenance
    assert.deepEqual(loadCheckpoint<RunMeta>(ft).meta.init, [rec]);
  },
);

test(
  '--weights replaces loss weights: applied to the loss, recorded, repeated on resume; ' +
    'bad names and values refused',
  async () => {
    const dir = tmp();
    const l1Only = { lambdaIG: 0, lambdaIF: 0, lambdaIS: 0 };
    await run({ stage: 'image', out: dir, steps: 1, weights: l1Only });
    const meta = loadCheckpoint<RunMeta>(dir).meta;
    assert.deepEqual(meta.settings.weights, { ...tiny.weights, ...l1Only });
    const [line] = fs
      .readFileSync(path.join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(line.losses.gan !== 0 && line.losses.style > 0, 'the zero-weighted terms are still computed and logged');
    assert.ok(
      Math.abs(line.losses.loss - tiny.weights.lambdaIR * line.losses.l1) < 1e-6,
      `loss ${line.losses.loss} = lambda_IR x L1 ${line.losses.l1}`,
    );
    await assert.rejects(
      run({ stage: 'image', out: dir, steps: 2, resume: true }),
      /setting 'weights' is .*"lambdaIG":0.* in the checkpoint/,
    );
    await run({ stage: 'image', out: dir, steps: 2, resume: true, weights: l1Only });
    assert.equal(loadCheckpoint<RunMeta>(dir).meta.step, 2);
    await assert.rejects(
      run({ stage: 'image', out: tmp(), steps: 1, weights: { lambdaXYZ: 1 } as never }),
      /unknown loss weight 'lambdaXYZ'/,
    );
    await assert.rejects(
      run({ stage: 'image', out: tmp(), steps: 1, weights: { lambdaIS: -1 } }),
      /lambdaIS must be a finite number >= 0, got -1/,
    );
    await assert.rejects(
      run({ stage: 'image', out: tmp(), steps: 1, weights: { lambdaIS: NaN } }),
      /lambdaIS must be a finite number >= 0, got NaN/,
    );
  },
);

test(
  "image stage: imageLoss 'composite' scores I_I * M + I * (1 - M), " + "'output' the raw I_I (L1 recomputed by hand)",
  () => {
    const a = tiny.architecture;
    const data = {
      size: a.size,
      batch: tiny.batch,
      pairs: tiny.pairs,
      dataSeed: tiny.dataSeed,
      masks: 'object' as const,
      cannySigma: tiny.cannySigma,
    };
    const b = makeBatch(3, data);
    // the stage builds its generator with seed modelSeed + 3 (lib/train/stages.ts): the same weights as this one
    const G = new ImageInpainter(a.numClasses, {
      width: a.inpainterWidth,
      numResBlocks: a.numResBlocks,
      seed: tiny.modelSeed + 3,
    });
    const raw = G.apply({
      image: b.image,
      edges: b.targetEdges,
      segmentation: b.targetSegmentation,
      mask: b.mask,
    }).dataSync();
    const [img, target, mask] = [b.image, b.target, b.mask].map((t) => t.dataSync());
    const hand = (composite: boolean) => {
      let sum = 0;
      for (let i = 0; i < raw.length; i++) {
        const m = mask[Math.floor(i / 3)];
        const out = composite ? raw[i] * m + img[i] * (1 - m) : raw[i];
        sum += Math.abs(out - target[i]);
      }
      const maskMean = Array.from(mask).reduce((s, v) => s + v, 0) / mask.length;
      return sum / raw.length / maskMean;
    };
    const l1Of = (imageLoss: 'composite' | 'output') => {
      const model = buildStage('image', tiny, { mel: true, alpha: tiny.weights.alpha, imageLoss, l1Per: 'batch' });
      const l1 = tf.tidy(() => model.pass(b).terms.l1.dataSync()[0]);
      model.dispose();
      return l1;
    };
    const [composite, output] = [hand(true), hand(false)];
    assert.ok(output > composite * 1.5, `raw ${output} vs composite ${composite}: the test needs them apart`);
    assert.ok(Math.abs(l1Of('composite') - composite) < 1e-5 * composite, `${l1Of('composite')} vs ${composite}`);
    assert.ok(Math.abs(l1Of('output') - output) < 1e-5 * output, `${l1Of('output')} vs ${output}`);
    G.params.dispose();
    disposeBatch(b);
  },
);

test(
  'image stage on inpainted cues: ' +
    'needs the edge and seg checkpoints, keeps them frozen, trains only the image inpainter',
  async () => {
    const edge = tmp();
    const seg = tmp();
    await run({ stage: 'edge', out: edge, steps: 1 });
    await run({ stage: 'segInpainter', out: seg, steps: 1 });
    await assert.rejects(
      run({ stage: 'image', out: tmp(), steps: 1, cues: 'inpainted' }),
      /needs the pretrained edge and seg inpainters: --init-edge CKPT --init-segInpainter CKPT/,
    );
    await assert.rejects(
      run({ stage: 'edge', out: tmp(), steps: 1, cues: 'inpainted' }),
      /--cues and --image-loss apply to the image stage only/,
    );
    const gt = tmp();
    await run({ stage: 'image', out: gt, steps: 1 });
    const dir = tmp();
    await run({
      stage: 'image',
      out: dir,
      steps: 2,
      cues: 'inpainted',
      init: gt,
      initParts: { edge, segInpainter: seg },
    });
    const ckpt = loadCheckpoint<RunMeta>(dir);
    assert.equal(ckpt.meta.settings.imageCues, 'inpainted');
    assert.deepEqual(
      ckpt.meta.init.map((r) => r.part),
      ['image', 'edge', 'segInpainter'],
    );
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
    const sources = { edge: loadCheckpoint(edge), seg: loadCheckpoint(seg) };
    let frozen = 0;
    for (const [name, t] of ckpt.tensors) {
      if (!name.startsWith('model.edge.') && !name.startsWith('model.segInpaint.')) continue;
      const src = (name.startsWith('model.edge.') ? sources.edge : sources.seg).tensors.get(name)!;
      assert.ok(same(t.values, src.values), `${name} changed in training`);
      frozen++;
    }
    assert.ok(frozen > 10, `${frozen} cue-network tensors checked`);
    assert.ok(
      !same(ckpt.tensors.get('model.image.out.w')!.values, loadCheckpoint(gt).tensors.get('model.image.out.w')!.values),
      'the image inpainter trained',
    );
    assert.ok(
      ![...ckpt.tensors.keys()].some(
        (k) => k.startsWith('adam.G.') && (k.includes('.edge.') || k.includes('.segInpaint.')),
      ),
      'no Adam state for the frozen networks',
    );
    await run({ stage: 'image', out: dir, steps: 3, cues: 'inpainted', resume: true }); // resumes without --init-*
  },
);

test(
  '--keep-every keeps snapshots; ' +
    'averageCheckpoints is their element-wise mean, records its sources, exports, and refuses --resume',
  async () => {
    const dir = tmp();
    await run({ stage: 'image', out: dir, steps: 4, keepEvery: 2, checkpointEvery: 3 });
    const snaps = ['step-000002', 'step-000004'].map((s) => path.join(dir, 'snapshots', s));
    const [a, b] = snaps.map((s) => loadCheckpoint<RunMeta>(s));
    assert.deepEqual([a.meta.step, b.meta.step], [2, 4]);
    assert.equal(readLossLog(path.join(snaps[0], 'log.jsonl')).length, 2);
    // the step-4 snapshot is the run's final checkpoint
    assert.deepEqual(
      b.tensors.get('model.image.out.w')!.values,
      loadCheckpoint(dir).tensors.get('model.image.out.w')!.values,
    );
    const avg = tmp();
    averageCheckpoints(snaps, avg);
    const m = loadCheckpoint<RunMeta>(avg);
    assert.deepEqual(
      m.meta.averagedFrom!.map((s) => [s.step, s.sha256]),
      [
        [2, a.sha256],
        [4, b.sha256],
      ],
    );
    assert.equal(m.meta.step, 4);
    assert.ok(![...m.tensors.keys()].some((k) => k.startsWith('adam.')));
    for (const name of ['model.image.out.w', 'model.D_I.conv.0.w']) {
      const [x, y, z] = [a, b, m].map((c) => c.tensors.get(name)!.values);
      let maxErr = 0;
      z.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - (x[i] + y[i]) / 2))));
      assert.ok(maxErr < 1e-7, `${name}: ${maxErr}`);
      assert.ok(
        x.some((v, i) => v !== y[i]),
        `${name} moved between the snapshots (the test is not vacuous)`,
      );
    }
    await assert.rejects(
      run({ stage: 'image', out: avg, steps: 6, resume: true }),
      /is an average of checkpoints .* not resumed/,
    );
    const exported = exportGeneratorWeights(avg, { out: path.join(tmp(), 'w'), command: 'test' });
    assert.deepEqual(exported.manifest.source.averagedFrom, m.meta.averagedFrom);
    assert.equal(exported.manifest.training.steps, 4);
    const edge = tmp();
    await run({ stage: 'edge', out: edge, steps: 1 });
    assert.throws(() => averageCheckpoints([snaps[0], edge], tmp()), /differs from .* in stage/);
    assert.throws(() => averageCheckpoints([snaps[0]], tmp()), /at least two checkpoints/);
  },
);

test(
  '--seed S: initial weights and data differ from seed 0, are recorded (modelSeed S, dataSeed + S), ' +
    'resume refuses another',
  async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    await run({ stage: 'edge', out: a, steps: 1, data: DATA_MIXES.procedural });
    await run({ stage: 'edge', out: b, steps: 1, data: DATA_MIXES.procedural, seed: 1 });
    await run({ stage: 'edge', out: c, steps: 1, data: DATA_MIXES.procedural, seed: 0 });
    const [mb, mc] = [b, c].map((d) => loadCheckpoint<RunMeta>(d).meta);
    assert.deepEqual([mb.settings.modelSeed, mb.settings.dataSeed], [1, tiny.dataSeed + 1]);
    assert.deepEqual(
      [mc.settings.modelSeed, mc.settings.dataSeed],
      [tiny.modelSeed, tiny.dataSeed],
      'seed 0 is the preset',
    );
    const firstLoss = (d: string) =>
      JSON.parse(fs.readFileSync(path.join(d, 'log.jsonl'), 'utf8').split('\n')[0]).losses.loss;
    assert.equal(firstLoss(c), firstLoss(a));
    assert.notEqual(firstLoss(b), firstLoss(a));
    await assert.rejects(
      run({ stage: 'edge', out: b, steps: 2, resume: true, data: DATA_MIXES.procedural }),
      /modelSeed/,
    );
    assert.throws(() => withSeed(tiny, -1), /--seed must be an integer >= 0/);
  },
);

test(
  '--init-<part> takes exported (float16) weights: ' +
    'the generator as shipped, a fresh discriminator, the export recorded',
  async () => {
    const edge = tmp();
    await run({ stage: 'edge', out: edge, steps: 2 });
    const shipped = path.join(tmp(), 'edge');
    exportGeneratorWeights(edge, { out: shipped, command: 'test' });
    const fromRun = tmp();
    const fromExport = tmp();
    await run({ stage: 'joint', out: fromRun, steps: 1, initParts: { edge }, lr: 1e-30 });
    await run({ stage: 'joint', out: fromExport, steps: 1, initParts: { edge: shipped }, lr: 1e-30 });
    const tensor = (d: string, name: string) => loadCheckpoint(d).tensors.get(name)!.values;
    const a = tensor(fromRun, 'model.edge.out.w');
    const b = tensor(fromExport, 'model.edge.out.w');
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-3 * Math.max(1, Math.abs(v)), `float16 of ${v}: ${b[i]}`));
    assert.ok(
      a.some((v, i) => v !== b[i]),
      'the export is float16, not the float32 checkpoint',
    );
    const fresh = buildStage('joint', tiny, {
      mel: true,
      alpha: tiny.weights.alpha,
      imageLoss: tiny.imageLoss,
      l1Per: tiny.l1Per,
      imageCues: 'gt',
    });
    const d0 = fresh.variables.get('D_E.conv.0.w')!.dataSync();
    const dExport = tensor(fromExport, 'model.D_E.conv.0.w');
    d0.forEach((v, i) => assert.ok(Math.abs(v - dExport[i]) < 1e-12, 'the discriminator starts from its seed'));
    fresh.dispose();
    const rec = loadCheckpoint<RunMeta>(fromExport).meta.init.find((r) => r.part === 'edge')!;
    assert.equal(rec.step, 2);
    assert.match(rec.from, /weights\.json$/);
    await assert.rejects(
      run({ stage: 'joint', out: tmp(), steps: 1, initParts: { segInpainter: shipped } }),
      /these are the edge inpainter's weights/,
    );
  },
);

test("runs and exports recorded before the rename (stage 'seg') read as the segInpainter stage", async () => {
  const dir = tmp();
  await run({ stage: 'segInpainter', out: dir, steps: 1 });
  const file = path.join(dir, 'ckpt.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  manifest.meta.stage = 'seg';
  manifest.meta.init = [{ part: 'seg', from: 'x', step: 1, sha256: '0', init: [{ part: 'seg', init: [] }] }];
  fs.writeFileSync(file, JSON.stringify(manifest));
  const meta = loadCheckpoint<RunMeta>(dir).meta;
  assert.equal(meta.stage, 'segInpainter');
  assert.equal(meta.init[0].part, 'segInpainter');
  assert.equal(meta.init[0].init[0].part, 'segInpainter');
  manifest.meta.init = [];
  fs.writeFileSync(file, JSON.stringify(manifest));
  const resumed = await run({ stage: 'segInpainter', out: dir, steps: 2, resume: true });
  assert.equal(resumed.step, 2);
  assert.equal(loadCheckpoint<RunMeta>(dir).meta.stage, 'segInpainter', 'the resumed run records the new name');
  // the shipped segmentation inpainter was exported before the rename: its manifest says 'seg'
  const shipped = repoPath('checkpoints', 'cpu', 'segInpainter');
  assert.equal(JSON.parse(fs.readFileSync(path.join(shipped, 'weights.json'), 'utf8')).stage, 'seg');
  assert.equal(readShippedManifest(shipped).manifest.stage, 'segInpainter');
});
