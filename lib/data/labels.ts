// Panoptic labels: a semantic class per pixel (lib/data/classes.ts) and an instance id per pixel
// (0 for stuff; 1, 2, ... for each thing instance, unique within the image), and what is derived from them: the
// one-hot map the segmentation inpainter takes, the instance-boundary target of the scratch segmenter, colours.
import type { Mask, Raster } from '../image/raster';
import { NUM_CLASSES, CLASS_ID, CLASS_COLOURS, CLASS_NAMES } from './classes';

export interface PanopticLabels {
  height: number;
  width: number;
  semantic: Uint8Array; // [H * W] class ids
  instance: Uint16Array; // [H * W] instance ids, 0 = stuff
}

export function createLabels(height: number, width: number, classId: number): PanopticLabels {
  return {
    height,
    width,
    semantic: new Uint8Array(height * width).fill(classId),
    instance: new Uint16Array(height * width),
  };
}

export function cloneLabels(l: PanopticLabels): PanopticLabels {
  return { height: l.height, width: l.width, semantic: l.semantic.slice(), instance: l.instance.slice() };
}

export function maxInstanceId(l: PanopticLabels): number {
  let m = 0;
  for (let i = 0; i < l.instance.length; i++) if (l.instance[i] > m) m = l.instance[i];
  return m;
}

/** Labels of the image with a person pasted under `mask`: a new "person" instance on top of the old labels. */
export function pasteInstance(
  l: PanopticLabels,
  mask: Mask,
  classId = CLASS_ID.person,
): { labels: PanopticLabels; instanceId: number } {
  if (mask.height !== l.height || mask.width !== l.width) {
    throw new Error(`pasteInstance: mask ${mask.height}x${mask.width} does not match labels ${l.height}x${l.width}`);
  }
  const out = cloneLabels(l);
  const instanceId = maxInstanceId(l) + 1;
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i]) {
      out.semantic[i] = classId;
      out.instance[i] = instanceId;
    }
  }
  return { labels: out, instanceId };
}

/** One-hot semantic map [H, W, NUM_CLASSES] for the segmentation inpainter. */
export function semanticOneHot(l: PanopticLabels): Raster {
  const data = new Float32Array(l.height * l.width * NUM_CLASSES);
  for (let i = 0; i < l.semantic.length; i++) {
    const c = l.semantic[i];
    if (c >= NUM_CLASSES)
      throw new Error(`semanticOneHot: class id ${c} at pixel ${i} is >= NUM_CLASSES (${NUM_CLASSES})`);
    data[i * NUM_CLASSES + c] = 1;
  }
  return { height: l.height, width: l.width, channels: NUM_CLASSES, data };
}

/**
 * Instance-boundary target of one image from its instance-id map [H*W] (0 = no instance, e.g. stuff): 1 on pixels
 * of an instance with a 4-neighbour in a different instance (id > 0). Cutting these pixels out of the class map
 * splits touching instances into separate connected components.
 */
export function instanceBoundaryTarget(instanceIds: ArrayLike<number>, height: number, width: number): Uint8Array {
  if (instanceIds.length !== height * width) {
    throw new Error(`instanceBoundaryTarget: ${instanceIds.length} ids for a ${height}x${width} image`);
  }
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = instanceIds[i];
      if (id <= 0) continue;
      const differs = (j: number) => instanceIds[j] > 0 && instanceIds[j] !== id;
      if (
        (x > 0 && differs(i - 1)) ||
        (x < width - 1 && differs(i + 1)) ||
        (y > 0 && differs(i - width)) ||
        (y < height - 1 && differs(i + width))
      )
        out[i] = 1;
    }
  }
  return out;
}

/** Semantic classes as colours; instance boundaries darkened so separate things stay visible. [H, W, 3] */
export function labelsToRaster(l: PanopticLabels): Raster {
  const data = new Float32Array(l.height * l.width * 3);
  for (let y = 0; y < l.height; y++) {
    for (let x = 0; x < l.width; x++) {
      const i = y * l.width + x;
      const col = CLASS_COLOURS[CLASS_NAMES[l.semantic[i]]] ?? [0, 0, 0];
      const edge =
        (x + 1 < l.width && l.instance[i + 1] !== l.instance[i]) ||
        (y + 1 < l.height && l.instance[i + l.width] !== l.instance[i]);
      for (let c = 0; c < 3; c++) data[3 * i + c] = edge ? col[c] * 0.4 : col[c];
    }
  }
  return { height: l.height, width: l.width, channels: 3, data };
}
