// COCO run-length encoding, a port of pycocotools' common/maskApi.c (rleEncode, rleDecode, rleToString,
// rleFrString, rleFrPoly). COCO runs are column-major (Fortran order) and start with a run of zeros;
// our Masks are row-major, so encode/decode transpose on the fly.
import { type Mask, createMask, assertBinaryMask } from '../image/raster';

export interface Rle {
  height: number;
  width: number;
  counts: number[]; // alternating runs of 0s and 1s, column-major, first run is 0s (may be 0 long)
}

export function rleEncode(m: Mask): Rle {
  assertBinaryMask(m, 'rleEncode');
  const { height: h, width: w } = m;
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = m.data[y * w + x];
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { height: h, width: w, counts };
}

export function rleDecode(r: Rle, where = 'rleDecode'): Mask {
  const { height: h, width: w } = r;
  const m = createMask(h, w);
  let p = 0;
  let v = 0;
  for (const c of r.counts) {
    if (!Number.isInteger(c) || c < 0) throw new Error(`${where}: RLE count ${c} is not a non-negative integer`);
    if (p + c > h * w) throw new Error(`${where}: RLE counts sum beyond ${h}x${w} = ${h * w} pixels`);
    if (v) for (let k = p; k < p + c; k++) m.data[(k % h) * w + Math.floor(k / h)] = 1;
    p += c;
    v = 1 - v;
  }
  if (p !== h * w) throw new Error(`${where}: RLE counts sum to ${p}, expected ${h}x${w} = ${h * w}`);
  return m;
}

/** maskApi.c rleToString: LEB128-like, 6 bits a char (5 data + continuation) in ASCII 48..111, counts after the
 *  third stored as differences to the count two before. */
export function rleToString(r: Rle): string {
  let s = '';
  for (let i = 0; i < r.counts.length; i++) {
    let x = r.counts[i];
    if (i > 2) x -= r.counts[i - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5; // arithmetic shift, as on C's signed long
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

export function rleFromString(s: string, height: number, width: number, where = 'rleFromString'): Rle {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error(`${where}: truncated compressed RLE string`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`${where}: invalid character "${s[p]}" in compressed RLE string`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return { height, width, counts };
}

/** maskApi.c rleFrPoly: rasterise one polygon [x0, y0, x1, y1, ...] (pixel coordinates) exactly as COCO does
 *  (boundary upsampled 5x, y-boundary crossings downsampled, runs between crossings filled). */
export function rleFromPolygon(xy: readonly number[], height: number, width: number): Rle {
  const h = height;
  const w = width;
  const k = Math.floor(xy.length / 2);
  const scale = 5;
  const cInt = (v: number) => Math.trunc(v); // C's (int) cast
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) x.push(cInt(scale * xy[2 * j] + 0.5));
  for (let j = 0; j < k; j++) y.push(cInt(scale * xy[2 * j + 1] + 0.5));
  x.push(x[0]);
  y.push(y[0]);
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j],
      xe = x[j + 1],
      ys = y[j],
      ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(cInt(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(cInt(xs + s * t + 0.5));
      }
    }
  }
  // points along the y-boundary, downsampled
  const bx: number[] = [];
  const by: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = Math.min(v[j], v[j - 1]);
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    bx.push(xd);
    by.push(yd);
  }
  // runs from the sorted boundary positions (column-major linear indices)
  const a: number[] = bx.map((xv, j) => xv * h + by[j]);
  a.push(h * w);
  a.sort((p, q) => p - q);
  let prev = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j];
    a[j] -= prev;
    prev = t;
  }
  const b: number[] = [];
  let j = 0;
  b.push(a[j++]);
  while (j < a.length) {
    if (a[j] > 0) b.push(a[j++]);
    else {
      j++;
      if (j < a.length) b[b.length - 1] += a[j++];
    }
  }
  return { height, width, counts: b };
}

/** Union of masks of the same size. */
export function unionMasks(masks: readonly Mask[], height: number, width: number): Mask {
  const out = createMask(height, width);
  for (const m of masks) for (let i = 0; i < out.data.length; i++) out.data[i] |= m.data[i];
  return out;
}

/** A COCO "segmentation" field (polygons, uncompressed RLE with a counts list, or compressed RLE with a counts
 *  string) as a mask of the image's size. */
export function segmentationToMask(seg: unknown, height: number, width: number, where: string): Mask {
  if (Array.isArray(seg)) {
    if (seg.length === 0) throw new Error(`${where}: empty polygon list`);
    const parts = seg.map((poly, k) => {
      if (!Array.isArray(poly) || poly.length < 6 || poly.some((c) => typeof c !== 'number')) {
        throw new Error(`${where}: polygon ${k} must be a list of at least 3 x,y number pairs`);
      }
      return rleDecode(rleFromPolygon(poly as number[], height, width), where);
    });
    return unionMasks(parts, height, width);
  }
  if (seg && typeof seg === 'object' && 'counts' in seg) {
    const r = seg as { counts: unknown; size?: unknown };
    const size = Array.isArray(r.size) && r.size.length === 2 ? (r.size as number[]) : [height, width];
    if (size[0] !== height || size[1] !== width) {
      throw new Error(`${where}: RLE size [${size}] does not match the image size [${height}, ${width}]`);
    }
    if (typeof r.counts === 'string') return rleDecode(rleFromString(r.counts, height, width, where), where);
    if (Array.isArray(r.counts)) return rleDecode({ height, width, counts: r.counts as number[] }, where);
  }
  throw new Error(`${where}: segmentation is neither a polygon list nor an RLE object with "counts"`);
}
