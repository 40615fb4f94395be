// Mask selection (paper Sec. III-C): among the segments of the segmentation S, take the one whose overlap with the
// ground-truth object mask m_G is the largest. Segments of our segmenter = 4-connected components of the argmax
// class map after cutting out the pixels predicted as instance boundary; segments of the pretrained person
// segmenter = 4-connected components of {P(person) > 0.5} (selectPersonSegment). Plain typed-array code: selection
// is a discrete choice, it has no gradient (lib/models/differentiableMask.ts and selectPersonMask in
// lib/models/pretrainedSegmenter.ts make the selected mask differentiable).
// All maps are one image, row-major [H*W].

import { CLASS_ID } from '../data/classes';

export interface Segments {
  /** segment id per pixel, -1 for cut (instance-boundary) pixels */
  ids: Int32Array;
  /** class of each segment */
  classOf: number[];
}

/** 4-connected components of equal labels; pixels with cut[i] = 1 belong to no segment. */
export function labelSegments(
  labels: ArrayLike<number>,
  cut: ArrayLike<number> | null,
  height: number,
  width: number,
): Segments {
  const n = height * width;
  if (labels.length !== n) throw new Error(`labelSegments: ${labels.length} labels for a ${height}x${width} image`);
  if (cut && cut.length !== n) throw new Error(`labelSegments: cut map has ${cut.length} pixels, expected ${n}`);
  const ids = new Int32Array(n).fill(-1);
  const classOf: number[] = [];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (ids[start] !== -1 || cut?.[start]) continue;
    const id = classOf.length;
    const cls = labels[start];
    classOf.push(cls);
    let top = 0;
    stack[top++] = start;
    ids[start] = id;
    while (top > 0) {
      const i = stack[--top];
      const y = Math.floor(i / width);
      const x = i - y * width;
      const visit = (j: number) => {
        if (ids[j] === -1 && !cut?.[j] && labels[j] === cls) {
          ids[j] = id;
          stack[top++] = j;
        }
      };
      if (x > 0) visit(i - 1);
      if (x < width - 1) visit(i + 1);
      if (y > 0) visit(i - width);
      if (y < height - 1) visit(i + width);
    }
  }
  return { ids, classOf };
}

/** The segment with the largest overlap with the binary mask (ties: the lowest id), or -1 if none overlaps. */
export function largestOverlapSegment(
  segments: Segments,
  mask: ArrayLike<number>,
): { segment: number; overlap: number } {
  const { ids, classOf } = segments;
  if (mask.length !== ids.length)
    throw new Error(`largestOverlapSegment: mask has ${mask.length} pixels, expected ${ids.length}`);
  const overlap = new Float64Array(classOf.length);
  let area = 0;
  for (let i = 0; i < ids.length; i++) {
    if (mask[i] !== 0 && mask[i] !== 1)
      throw new Error(`largestOverlapSegment: mask is not binary (value ${mask[i]} at pixel ${i})`);
    area += mask[i];
    if (mask[i] && ids[i] >= 0) overlap[ids[i]] += 1;
  }
  if (area === 0) throw new Error('largestOverlapSegment: the ground-truth mask m_G is empty');
  let best = -1;
  for (let s = 0; s < overlap.length; s++) if (overlap[s] > 0 && (best < 0 || overlap[s] > overlap[best])) best = s;
  return { segment: best, overlap: best < 0 ? 0 : overlap[best] };
}

export interface Selection {
  /** selected segment as a binary map [H*W] */
  mask: Uint8Array;
  /** its class */
  classIndex: number;
  /** number of m_G pixels it covers */
  overlap: number;
}

/**
 * Select the segment of largest overlap with m_G. Cut pixels of the same class that touch the selected segment are
 * added to it (they are the seam between two instances, and an object mask should cover its own seam). If every
 * m_G pixel is a cut pixel (no segment overlaps), the selection is made again without cuts.
 */
export function selectSegment(
  labels: ArrayLike<number>,
  cut: ArrayLike<number> | null,
  maskGT: ArrayLike<number>,
  height: number,
  width: number,
): Selection {
  let segments = labelSegments(labels, cut, height, width);
  let best = largestOverlapSegment(segments, maskGT);
  if (best.segment < 0) {
    segments = labelSegments(labels, null, height, width);
    best = largestOverlapSegment(segments, maskGT);
  }
  const classIndex = segments.classOf[best.segment];
  const mask = new Uint8Array(height * width);
  for (let i = 0; i < mask.length; i++) mask[i] = segments.ids[i] === best.segment ? 1 : 0;
  if (cut) {
    const seam: number[] = [];
    for (let i = 0; i < mask.length; i++) {
      if (!cut[i] || labels[i] !== classIndex) continue;
      const y = Math.floor(i / width);
      const x = i - y * width;
      if (
        (x > 0 && mask[i - 1]) ||
        (x < width - 1 && mask[i + 1]) ||
        (y > 0 && mask[i - width]) ||
        (y < height - 1 && mask[i + width])
      )
        seam.push(i);
    }
    for (const i of seam) mask[i] = 1;
  }
  return { mask, classIndex, overlap: best.overlap };
}

/**
 * The person segment of largest overlap with m_G: person [H*W] is 1 on person pixels (P(person) > threshold), its
 * 4-connected components are the segments. If no person pixel lies in m_G the selection is empty (overlap 0): the
 * segmenter missed the object, and the joint network then removes nothing (its L_I penalises that).
 */
export function selectPersonSegment(
  person: ArrayLike<number>,
  maskGT: ArrayLike<number>,
  height: number,
  width: number,
): Selection {
  const notPerson = Uint8Array.from(person as ArrayLike<number>, (v) => (v ? 0 : 1));
  const segments = labelSegments(person, notPerson, height, width);
  const best = largestOverlapSegment(segments, maskGT);
  const mask = Uint8Array.from(segments.ids, (id) => (best.segment >= 0 && id === best.segment ? 1 : 0));
  return { mask, classIndex: CLASS_ID.person, overlap: best.overlap };
}
