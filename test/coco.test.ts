// COCO loader on the committed coco-mini fixture (scripts/fixtures/make-coco-fixture.ts): annotation decoding vs
// pycocotools, panoptic label decoding, paper-style person triplets, and clear errors on bad input.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCocoIndex, cocoLabels, makeCocoTriplet, type CocoPaths } from '../lib/data/coco';
import { segmentationToMask, rleEncode } from '../lib/data/rle';
import { CLASS_ID } from '../lib/data/classes';
import { bucketOf } from '../lib/data/buckets';

const ROOT = path.join(__dirname, 'fixtures', 'coco-mini');
const PATHS: CocoPaths = {
  instances: path.join(ROOT, 'annotations', 'instances_mini.json'),
  images: path.join(ROOT, 'mini'),
  panoptic: path.join(ROOT, 'annotations', 'panoptic_mini.json'),
  panopticPngs: path.join(ROOT, 'annotations', 'panoptic_mini'),
};
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'coco-rle-reference.json'), 'utf8')) as {
  cocoMini: { annotationId: number; height: number; width: number; counts: number[] }[];
};

test('every coco-mini annotation (polygon, RLE string, RLE list) decodes exactly as pycocotools', () => {
  const json = JSON.parse(fs.readFileSync(PATHS.instances, 'utf8'));
  const forms = new Set<string>();
  assert.equal(ref.cocoMini.length, json.annotations.length);
  for (const r of ref.cocoMini) {
    const ann = json.annotations.find((a: { id: number }) => a.id === r.annotationId);
    const seg = ann.segmentation;
    forms.add(Array.isArray(seg) ? 'polygon' : typeof seg.counts === 'string' ? 'string' : 'list');
    const m = segmentationToMask(seg, r.height, r.width, `ann ${ann.id}`);
    assert.deepEqual(rleEncode(m).counts, r.counts, `annotation ${ann.id}`);
  }
  assert.deepEqual([...forms].sort(), ['list', 'polygon', 'string']);
});

test('index: non-crowd persons only; panoptic labels decode to the exported labels', async () => {
  const coco = loadCocoIndex(PATHS);
  assert.ok(coco.persons.length >= 5);
  assert.ok(coco.persons.every((a) => !a.iscrowd && a.category_id === 1));
  for (const id of [1, 2, 3]) {
    const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'expected', `labels_${id}.json`), 'utf8'));
    const l = await cocoLabels(coco, id);
    assert.deepEqual(Array.from(l.semantic), expected.semantic, `image ${id} semantic`);
    // instance ids are renumbered by the loader: compare the partition (same pixels grouped together)
    const pairs = new Map<number, number>();
    for (let i = 0; i < l.instance.length; i++) {
      const a = l.instance[i];
      const b = expected.instance[i];
      assert.equal(a === 0, b === 0);
      if (pairs.has(a)) assert.equal(pairs.get(a), b);
      else pairs.set(a, b);
    }
  }
  // image 4 has no panoptic entry: labels come from the instance masks over "photo"
  const l4 = await cocoLabels(coco, 4);
  assert.ok(l4.semantic.includes(CLASS_ID.person));
  assert.ok(l4.semantic.includes(CLASS_ID.photo));
});

test('paper-style triplets: person from one image pasted onto another; deterministic; balanced buckets', async () => {
  const coco = loadCocoIndex(PATHS);
  const opts = { height: 32, width: 32, split: 'test' as const, maxAttempts: 400 };
  for (let i = 0; i < 3; i++) {
    // buckets 0-10, 10-20, 20-30 % (the fixture's people are too small for 30-40 % at 32x32)
    const t = await makeCocoTriplet(coco, 5, i, opts);
    assert.equal(t.bucket, i);
    assert.equal(bucketOf(t.maskRatio), t.bucket);
    let inside = 0;
    for (let p = 0; p < 32 * 32; p++) {
      if (t.mask.data[p]) {
        inside++;
        assert.equal(t.labels.semantic[p], CLASS_ID.person);
        assert.equal(t.labels.instance[p], t.personInstance);
      } else {
        for (let c = 0; c < 3; c++) assert.equal(t.image.data[3 * p + c], t.background.data[3 * p + c]);
        assert.equal(t.labels.semantic[p], t.backgroundLabels.semantic[p]);
      }
    }
    assert.equal(inside / 1024, t.maskRatio);
    const again = await makeCocoTriplet(coco, 5, i, opts);
    assert.deepEqual(Buffer.from(again.image.data.buffer), Buffer.from(t.image.data.buffer));
    assert.deepEqual(Array.from(again.mask.data), Array.from(t.mask.data));
  }
});

test('missing files, malformed JSON and no persons give errors naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coco-bad-'));
  const missing = path.join(dir, 'nope.json');
  assert.throws(
    () => loadCocoIndex({ ...PATHS, instances: missing }),
    (e: Error) => e.message.includes(missing) && /not found/.test(e.message),
  );
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"images": [');
  assert.throws(
    () => loadCocoIndex({ ...PATHS, instances: bad }),
    (e: Error) => e.message.includes(bad) && /malformed JSON/.test(e.message),
  );
  const json = JSON.parse(fs.readFileSync(PATHS.instances, 'utf8'));
  json.annotations = json.annotations.filter(
    (a: { category_id: number; iscrowd: number }) => a.category_id !== 1 || a.iscrowd,
  );
  const noPerson = path.join(dir, 'no-person.json');
  fs.writeFileSync(noPerson, JSON.stringify(json));
  assert.throws(
    () => loadCocoIndex({ ...PATHS, instances: noPerson }),
    (e: Error) => e.message.includes(noPerson) && /no person annotations/.test(e.message),
  );
  const noImages = path.join(dir, 'no-images.json');
  fs.writeFileSync(noImages, JSON.stringify({ annotations: [], categories: [] }));
  assert.throws(() => loadCocoIndex({ ...PATHS, instances: noImages }), /no "images" list/);
  fs.rmSync(dir, { recursive: true });
});

test('makeCocoTriplet: a size of 0 or a bucket out of range is one clear error, before any image is read', async () => {
  const coco = loadCocoIndex(PATHS);
  await assert.rejects(
    makeCocoTriplet(coco, 5, 0, { height: 0, width: 64 }),
    /makeCocoTriplet: image size must be positive integers, got 0x64/,
  );
  await assert.rejects(
    makeCocoTriplet(coco, 5, 0, { height: 64, width: 64, bucket: 9 }),
    /makeCocoTriplet: bucket must be 0\.\.3, got 9/,
  );
});
