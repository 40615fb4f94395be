// npm run remove -- --input PHOTO --output OUT (--mask MASK | --point X,Y) [--dilate PX] [--method ours|telea]
//                   [--weights DIR]
//
// Removes an object from a photograph of any size (lib/pipeline/photoRemoval.ts): the hole is the mask's white
// pixels, or the person segment under a point (the paper's Sec. III-E: the object "selected by a user"; the segments
// are those of the pretrained person segmenter, lib/models/pretrainedSegmenter.ts),
// optionally dilated by a constant number of pixels; everything outside the hole keeps its bytes. Relative paths
// are taken from the directory npm was started in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCli, runCli, numberArg, choiceArg, type CliSpec } from './args';
import { initBackend } from '../backend/index';
import { readImageBytes, writeImageBytes } from '../image/io';
import { loadLearnedInpainters } from '../pipeline/learnedInpainters';
import { shippedWeightsPaths } from '../io/shippedWeights';
import { MASK_THRESHOLD, REMOVAL_METHODS, photoHole, removeFromPhoto } from '../pipeline/photoRemoval';
import { repoPath } from '../io/repoRoot';

const OUTPUT_TYPES = ['.png', '.webp', '.jpg', '.jpeg'];

const SPEC: CliSpec = {
  name: 'remove',
  usage: '--input PHOTO --output OUT (--mask MASK | --point X,Y) [options]',
  summary:
    'Removes an object from a photo of any size; pixels outside the hole keep their values (bit-identical in ' +
    'a PNG or WebP output; a JPEG output re-encodes the whole photo).',
  options: {
    input: { type: 'string', value: 'PHOTO', help: 'the photo (JPEG, PNG or WebP)' },
    output: { type: 'string', value: 'OUT', help: 'where to write the result: .png, .webp (lossless), .jpg or .jpeg' },
    mask: { type: 'string', value: 'MASK', help: `an image of the photo's size, white (> ${MASK_THRESHOLD}) = remove` },
    point: {
      type: 'string',
      value: 'X,Y',
      help: 'remove the person under pixel (X, Y), counted from the top left (MediaPipe selfie segmenter)',
    },
    dilate: { type: 'string', value: 'PX', help: 'dilate the hole by PX pixels first (default 0)' },
    method: {
      type: 'string',
      value: 'NAME',
      help: `${REMOVAL_METHODS.join(' | ')} (default ours: the learned inpainters)`,
    },
    weights: {
      type: 'string',
      value: 'DIR',
      help: 'exported weights with edge/, seg/ and image/ (default checkpoints/cpu)',
    },
  },
};

/** A path as the user typed it: relative to where npm was started, not to the repository. */
const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

/** X,Y as two whole numbers (whether it lies in the photo is checked with the photo). */
function parsePoint(text: string): { x: number; y: number } {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--point must be two whole numbers X,Y (pixels from the top left), got '${text}'`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

runCli('remove', async () => {
  const parsed = parseCli(SPEC, process.argv.slice(2));
  if (!parsed) return;
  const v = parsed.values;
  if (typeof v.input !== 'string') throw new Error('--input PHOTO is required (see --help)');
  if (typeof v.output !== 'string') throw new Error('--output OUT is required (see --help)');
  if ((v.mask === undefined) === (v.point === undefined))
    throw new Error('give either --mask MASK or --point X,Y (see --help)');
  const ext = path.extname(v.output).toLowerCase();
  if (!OUTPUT_TYPES.includes(ext)) throw new Error(`--output ${v.output}: use one of ${OUTPUT_TYPES.join(', ')}`);
  const dilate = numberArg('dilate', v.dilate as string | undefined, { min: 0 }) ?? 0;
  const method = choiceArg('method', v.method as string | undefined, REMOVAL_METHODS) ?? 'ours';
  const point = typeof v.point === 'string' ? parsePoint(v.point) : undefined;
  const input = userPath(v.input);
  if (!fs.existsSync(input)) throw new Error(`--input ${v.input}: no such file`);

  const t0 = Date.now();
  const photo = await readImageBytes(input);
  await initBackend({ log: false });
  if (v.point !== undefined)
    process.stderr.write('remove: finding the person under the point (MediaPipe selfie segmenter)\n');
  const mask = await photoHole(photo, typeof v.mask === 'string' ? { maskFile: userPath(v.mask) } : { point: point! });
  const weights = typeof v.weights === 'string' ? userPath(v.weights) : repoPath('checkpoints', 'cpu');
  const nets = method === 'ours' ? loadLearnedInpainters(shippedWeightsPaths(weights)) : undefined;
  try {
    const r = await removeFromPhoto(photo, mask, {
      method,
      nets,
      dilate,
      onProgress: (line) => process.stderr.write(`remove: ${line}\n`),
    });
    await writeImageBytes(userPath(v.output), r.output, 95);
    const holePx = r.hole.data.reduce((s, x) => s + x, 0);
    process.stderr.write(
      `remove: wrote ${v.output} (${photo.width}x${photo.height} px, ${holePx} px filled by ${method}) ` +
        `in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    nets?.dispose();
  }
});
