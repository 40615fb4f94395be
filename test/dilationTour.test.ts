// lib/viz/dilationTour.ts dilationCurve / psnrVsDPanel, the chart of notebooks/07: the learned mask's point is the
// shipped joint network's mask given M_G (as Table IV runs it), at its mean dilation from M_G (Table IV's measure),
// with the PSNR of the joint network's own fill; the axis is shared with the curve's d because M_G dilated by d px
// measures about d. Tiny preset (one procedural test image per bucket), two dilations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../lib/backend/index';
import { makeTriplet } from '../lib/data/triplets';
import { TEST_SEED } from '../lib/eval/experiments';
import { maskMetrics } from '../lib/eval/maskMetrics';
import { psnr } from '../lib/eval/psnr';
import { dilate } from '../lib/image/morphology';
import { jointRemover } from '../lib/pipeline/jointRemoval';
import { dilationCurve, dilationInpainters, psnrVsDPanel, tripletSweep } from '../lib/viz/dilationTour';

test("dilationCurve: the joint network's mask at its mean dilation, scored with its own fill", async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const { nets, joint } = dilationInpainters();
  try {
    const ds = [0, 2];
    const c = await dilationCurve(nets, joint, 'tiny', ds);
    assert.deepEqual(c.items, [0, 1, 2, 3]);
    const expected = { d: [] as number[], psnr: [] as number[] };
    for (const item of c.items) {
      const t = makeTriplet(TEST_SEED, item, { height: nets.size, width: nets.size, split: 'test' });
      const r = await jointRemover(joint)(t.image, t.mask, t.labels);
      if (!r.mask.data.some((v) => v)) continue;
      expected.d.push(maskMetrics(r.mask, t.mask).meanOffset);
      expected.psnr.push(psnr(r.output, t.background, { protocol: 'paper' }).value);
      // the shared axis: M_G dilated by 2 px measures about 2 px
      assert.ok(Math.abs(maskMetrics(dilate(t.mask, 2), t.mask).meanOffset - 2) < 0.5, `item ${item}: d = 2`);
    }
    assert.ok(expected.d.length >= 3, 'the joint network finds the person in most of the 4 images');
    assert.deepEqual(c.learned.d, expected.d);
    assert.deepEqual(c.learned.psnr, expected.psnr);
    assert.equal(c.learned.psnrShipped.length, expected.d.length);
    assert.ok(c.lines.some((l) => l.startsWith("the joint network's mask: mean dilation")));

    const one = await tripletSweep(nets, 5, ds);
    const traces = psnrVsDPanel(c, one).figure.data as { name: string; x: number[]; y: number[] }[];
    const own = traces.find((t) => t.name.startsWith("learned mask (joint network), the joint network's fill"));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(own, 'the learned mask is drawn');
    assert.ok(Math.abs(own.x[0] - mean(expected.d)) < 1e-9 && Math.abs(own.y[0] - mean(expected.psnr)) < 1e-9);
  } finally {
    nets.dispose();
    joint.dispose();
  }
});
