// Embedded dataset: determinism (same seed -> same bytes on disk), triplet invariants, balanced buckets,
// DeepFill-style irregular masks, the on-disk cache, and errors on bad input.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTriplet, makeTriplets } from '../lib/data/triplets';
import { generateScene } from '../lib/data/scene';
import { irregularMask } from '../lib/data/irregularMasks';
import { writeTripletCache, loadOrCreateTripletCache } from '../lib/data/cache';
import { MASK_RATIO_BUCKETS, bucketOf } from '../lib/data/buckets';
import { CLASS_ID, NUM_CLASSES } from '../lib/data/classes';
import { semanticOneHot } from '../lib/data/labels';
import { maskRatio } from '../lib/image/raster';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'triplets-'));
const filesOf = (dir: string) =>
  fs
    .readdirSync(dir)
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(dir, f))] as const);

test('same seed, same bytes: a cached dataset written twice is identical file for file', async () => {
  const a = tmp();
  const b = tmp();
  const config = { seed: 11, count: 6, height: 48, width: 48, split: 'test' as const, photos: 0 };
  await writeTripletCache(a, config);
  await writeTripletCache(b, config);
  const fa = filesOf(a);
  const fb = filesOf(b);
  assert.equal(fa.length, 6 * 5 + 1);
  assert.deepEqual(
    fa.map((f) => f[0]),
    fb.map((f) => f[0]),
  );
  for (let i = 0; i < fa.length; i++) assert.ok(fa[i][1].equals(fb[i][1]), `${fa[i][0]} differs`);
  // a different seed gives different images
  const c = tmp();
  await writeTripletCache(c, { ...config, seed: 12 });
  assert.ok(
    !fs.readFileSync(path.join(a, '000000_image.png')).equals(fs.readFileSync(path.join(c, '000000_image.png'))),
  );
  for (const d of [a, b, c]) fs.rmSync(d, { recursive: true });
});

test('items do not depend on generation order (random access by index)', () => {
  const opts = { height: 32, width: 32 };
  const batch = makeTriplets(3, 5, opts);
  const single = makeTriplet(3, 4, opts);
  assert.ok(Buffer.from(batch[4].image.data.buffer).equals(Buffer.from(single.image.data.buffer)));
});

test('triplet invariants: I = I_G outside M_G, labels of I = labels of I_G + a new person instance', () => {
  for (const t of makeTriplets(5, 8, { height: 48, width: 40 })) {
    assert.equal(t.image.height, 48);
    assert.equal(t.image.width, 40);
    assert.equal(t.maskRatio, maskRatio(t.mask));
    assert.equal(bucketOf(t.maskRatio), t.bucket);
    let changed = 0;
    for (let p = 0; p < 48 * 40; p++) {
      const bgInst = t.backgroundLabels.instance[p];
      assert.notEqual(bgInst, t.personInstance, 'the pasted person gets a new instance id');
      if (t.mask.data[p]) {
        assert.equal(t.labels.semantic[p], CLASS_ID.person);
        assert.equal(t.labels.instance[p], t.personInstance);
        if (t.image.data[3 * p] !== t.background.data[3 * p]) changed++;
      } else {
        for (let c = 0; c < 3; c++) assert.equal(t.image.data[3 * p + c], t.background.data[3 * p + c]);
        assert.equal(t.labels.semantic[p], t.backgroundLabels.semantic[p]);
        assert.equal(t.labels.instance[p], bgInst);
      }
    }
    assert.ok(
      changed > 0.5 * t.mask.data.reduce((s, v) => s + v, 0),
      'the person differs from the background it covers',
    );
  }
});

test('triplet images are in [0, 1] (highlights of the person renderer are clipped)', () => {
  // seed 1001 item 6 at 64 px overshot white (1.004) before the clip
  for (const t of makeTriplets(1001, 12, { height: 64, width: 64, split: 'test' })) {
    for (const r of [t.image, t.background]) {
      const bad = r.data.findIndex((v) => !(v >= 0 && v <= 1));
      assert.equal(bad, -1, `value ${r.data[bad]} at ${bad}`);
    }
  }
});

test('test split is balanced across the four mask-ratio buckets', () => {
  const counts = [0, 0, 0, 0];
  for (const t of makeTriplets(9, 24, { height: 32, width: 32, split: 'test' })) {
    counts[t.bucket]++;
    const b = MASK_RATIO_BUCKETS[t.bucket];
    assert.ok(t.maskRatio >= b.lo && t.maskRatio < b.hi);
  }
  assert.deepEqual(counts, [6, 6, 6, 6]);
});

test('the removed person is not a flat fill: its pixels vary (texture and shading)', () => {
  const t = makeTriplet(1, 2, { height: 64, width: 64, bucket: 2 });
  const vals: number[] = [];
  for (let p = 0; p < 64 * 64; p++)
    if (t.mask.data[p]) vals.push(t.image.data[3 * p] + t.image.data[3 * p + 1] + t.image.data[3 * p + 2]);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
  assert.ok(std > 0.1, `std ${std}`);
});

test('scenes: several stuff classes, values in [0, 1], one-hot labels', () => {
  const seen = new Set<number>();
  for (let s = 0; s < 12; s++) {
    const sc = generateScene(s, 32, 32);
    for (const v of sc.image.data) assert.ok(v >= 0 && v <= 1);
    sc.labels.semantic.forEach((c) => seen.add(c));
  }
  for (const c of ['sky', 'wall', 'ground', 'water', 'vegetation'] as const) assert.ok(seen.has(CLASS_ID[c]), c);
  const oh = semanticOneHot(generateScene(0, 8, 8).labels);
  assert.equal(oh.channels, NUM_CLASSES);
  for (let p = 0; p < 64; p++)
    assert.equal(
      oh.data.subarray(p * NUM_CLASSES, (p + 1) * NUM_CLASSES).reduce((a, b) => a + b, 0),
      1,
    );
});

test('irregular masks: deterministic, ratio in the requested range, at 64 and 256 px', () => {
  for (const size of [64, 256]) {
    for (let i = 0; i < 4; i++) {
      const b = MASK_RATIO_BUCKETS[i];
      const m = irregularMask(1, i, size, size, Math.max(b.lo, 0.01), b.hi);
      const r = maskRatio(m);
      assert.ok(r >= Math.max(b.lo, 0.01) && r < b.hi, `size ${size} bucket ${b.label}: ${r}`);
      assert.deepEqual(
        Array.from(irregularMask(1, i, size, size, Math.max(b.lo, 0.01), b.hi).data),
        Array.from(m.data),
      );
    }
  }
  assert.throws(() => irregularMask(1, 0, 64, 64, 0.5, 0.2), /bad ratio range/);
});

test('cache: reused when the config matches, read back equal up to 8-bit quantisation', async () => {
  const dir = tmp();
  const config = { seed: 2, count: 3, height: 32, width: 32, split: 'train' as const, photos: 0 };
  const items = await loadOrCreateTripletCache(dir, config);
  const stamp = fs.statSync(path.join(dir, 'manifest.json')).mtimeMs;
  await loadOrCreateTripletCache(dir, config);
  assert.equal(fs.statSync(path.join(dir, 'manifest.json')).mtimeMs, stamp, 'not regenerated');
  const fresh = makeTriplet(2, 1, { height: 32, width: 32, split: 'train' });
  let err = 0;
  for (let i = 0; i < fresh.image.data.length; i++)
    err = Math.max(err, Math.abs(fresh.image.data[i] - items[1].image.data[i]));
  assert.ok(err <= 0.5 / 255 + 1e-6, `max abs error ${err}`);
  assert.deepEqual(Array.from(items[1].mask.data), Array.from(fresh.mask.data));
  assert.deepEqual(Array.from(items[1].labels.semantic), Array.from(fresh.labels.semantic));
  assert.deepEqual(Array.from(items[1].labels.instance), Array.from(fresh.labels.instance));
  fs.writeFileSync(path.join(dir, 'manifest.json'), '{oops');
  await assert.rejects(loadOrCreateTripletCache(dir, config), /malformed JSON in .*manifest\.json/);
  fs.rmSync(dir, { recursive: true });
});

test('bad triplet requests give clear errors', () => {
  assert.throws(() => makeTriplet(1, 0, { height: 8, width: 8 }), /at least 16x16/);
  assert.throws(() => makeTriplet(1, 0, { height: 32, width: 0 }), /positive integers/);
  assert.throws(() => makeTriplet(1, 0, { height: 32, width: 32, bucket: 4 }), /bucket must be 0\.\.3/);
});
