// Procedural background scenes with panoptic labels, deterministic by seed and resolution-independent.
// Four layouts, each built from textured "stuff" regions and a few "thing" instances:
//   landscape: sky with clouds, hills or mountains, grass or dirt ground in perspective, a path, trees
//   lake:      sky, a far shore of trees, water with ripples and sky reflection, a sandy or grassy bank
//   street:    sky, a row of brick / plaster facades with windows, road with perspective lane marks, pavement
//   indoor:    wallpaper / brick / plaster wall, optional window onto the sky, plank or tile floor in perspective
//   photo:     an imported photograph (data/backgrounds), one "photo" stuff region
// Things (boxes, balls, poles, cars; not on photos) and sometimes small background people are placed on the ground with
// perspective scale. A global tone (colour temperature, exposure) and faint sensor noise finish the image.
import { Prng, deriveSeed } from '../random/prng';
import { type Raster, assertRaster } from '../image/raster';
import { crop, resize } from '../image/resize';
import { CLASS_ID } from './classes';
import type { PanopticLabels } from './labels';
import { createFbm, valueNoise } from './noise';
import {
  type Canvas,
  type RGB,
  createCanvas,
  setPixel,
  canvasImage,
  canvasLabels,
  hsv,
  mix,
  scale,
  smoothstep,
} from './paint';
import { randomPerson, renderPerson, personExtentHeight } from './person';
import { eachPastedPixel } from './paste';

export type SceneKind = 'landscape' | 'lake' | 'street' | 'indoor' | 'photo';
export const SYNTHETIC_KINDS: readonly SceneKind[] = ['landscape', 'lake', 'street', 'indoor'];

export interface SceneOptions {
  /** Imported photographs to use as backgrounds (lib/data/backgrounds.ts). */
  photos?: readonly Raster[];
  /** Probability of a photo background when photos are given (default 0.5). */
  photoProbability?: number;
  /** Probability that the background already contains people (default 0.25). */
  backgroundPeopleProbability?: number;
}

export interface Scene {
  kind: SceneKind;
  image: Raster; // [H, W, 3]
  labels: PanopticLabels;
  horizon: number; // in [0, 1] of the height; where the ground starts
}

interface Ctx {
  c: Canvas;
  rng: Prng;
  H: number;
  W: number;
  nextInstance: number;
}

/** Run fn(u, v, i) for every pixel centre (u, v in [0, 1] image units, v down), optionally only inside the
 *  box [u0, u1] x [v0, v1] (small objects need not visit the whole image). */
function eachPixel(ctx: Ctx, fn: (u: number, v: number, i: number) => void, u0 = 0, v0 = 0, u1 = 1, v1 = 1): void {
  const y0 = Math.max(0, Math.floor(v0 * ctx.H));
  const y1 = Math.min(ctx.H, Math.ceil(v1 * ctx.H));
  const x0 = Math.max(0, Math.floor(u0 * ctx.W));
  const x1 = Math.min(ctx.W, Math.ceil(u1 * ctx.W));
  for (let y = y0; y < y1; y++) {
    const v = (y + 0.5) / ctx.H;
    for (let x = x0; x < x1; x++) fn((x + 0.5) / ctx.W, v, y * ctx.W + x);
  }
}

/** Tabulate a per-column curve once (f is evaluated at column centres), so per-pixel code can look it up. */
function columnProfile(ctx: Ctx, f: (u: number) => number): (u: number) => number {
  const values = new Float64Array(ctx.W);
  for (let x = 0; x < ctx.W; x++) values[x] = f((x + 0.5) / ctx.W);
  return (u) => values[Math.min(ctx.W - 1, Math.max(0, Math.floor(u * ctx.W)))];
}

function paintSky(ctx: Ctx, below: (u: number) => number): void {
  const rng = ctx.rng;
  const mood = rng.int(0, 4); // clear, hazy, overcast, sunset
  const top: RGB = [
    [0.2, 0.4, 0.8],
    [0.4, 0.55, 0.8],
    [0.55, 0.58, 0.62],
    [0.3, 0.3, 0.6],
  ][mood] as RGB;
  const bottom: RGB = [
    [0.65, 0.8, 0.95],
    [0.8, 0.85, 0.9],
    [0.75, 0.76, 0.78],
    [0.98, 0.6, 0.35],
  ][mood] as RGB;
  const clouds = createFbm(rng.uint32(), 5);
  const cover = rng.uniform(0.35, 0.65) + (mood === 2 ? 0.2 : 0);
  const stretch = rng.uniform(1.5, 3);
  eachPixel(ctx, (u, v, i) => {
    const limit = below(u);
    if (v >= limit) return;
    const base = mix(top, bottom, (v / Math.max(limit, 1e-3)) ** 0.8);
    const n = clouds(u * 4, v * 4 * stretch);
    const k = smoothstep(1 - cover, 1 - cover + 0.25, n);
    const cloud: RGB = mood === 3 ? [1, 0.8, 0.7] : [0.97, 0.97, 0.98];
    setPixel(ctx.c, i, mix(base, scale(cloud, 0.85 + 0.15 * n), k * 0.9), CLASS_ID.sky, 0);
  });
}

/** Ground plane below the horizon, textured in perspective coordinates (gx across, gz depth), painted where
 *  `inside(u, v)` holds (default: everywhere below the horizon). */
function paintGround(
  ctx: Ctx,
  horizon: number,
  classId: number,
  texture: (gx: number, gz: number, fade: number) => RGB,
  inside: (u: number, v: number) => boolean = (_u, v) => v >= horizon,
): void {
  eachPixel(ctx, (u, v, i) => {
    if (!inside(u, v)) return;
    const depth = Math.max(v - horizon, 0.004);
    const gz = 0.25 / depth; // distance along the ground
    const gx = (u - 0.5) * gz;
    const fade = smoothstep(0.0, 0.35, depth); // texture contrast fades into the distance (no aliasing)
    setPixel(ctx.c, i, texture(gx, gz, fade), classId, 0);
  });
}

function grassTexture(rng: Prng): (gx: number, gz: number, fade: number) => RGB {
  const base = hsv(rng.uniform(0.2, 0.3), rng.uniform(0.45, 0.75), rng.uniform(0.35, 0.6));
  const n = createFbm(rng.uint32(), 4);
  const blades = createFbm(rng.uint32(), 2);
  return (gx, gz, fade) => scale(base, 0.75 + 0.5 * n(gx * 3, gz * 3) + fade * 0.4 * (blades(gx * 60, gz * 12) - 0.5));
}

function dirtTexture(rng: Prng): (gx: number, gz: number, fade: number) => RGB {
  const base = rng.pick<RGB>([
    [0.55, 0.45, 0.32],
    [0.8, 0.72, 0.55],
    [0.45, 0.42, 0.4],
    [0.9, 0.9, 0.92],
  ]);
  const n = createFbm(rng.uint32(), 5);
  return (gx, gz, fade) => scale(base, 0.8 + 0.35 * n(gx * 4, gz * 4) + fade * 0.25 * (n(gx * 40, gz * 40) - 0.5));
}

function paintHills(ctx: Ctx, horizon: number): (u: number) => number {
  const rng = ctx.rng;
  const mountains = rng.chance(0.5);
  const amp = rng.uniform(0.05, mountains ? 0.25 : 0.12);
  const profile = createFbm(rng.uint32(), mountains ? 5 : 3, mountains ? 0.6 : 0.45);
  const freq = rng.uniform(2, 5);
  const colour = mountains
    ? hsv(rng.uniform(0.55, 0.65), rng.uniform(0.1, 0.3), rng.uniform(0.45, 0.65))
    : hsv(rng.uniform(0.22, 0.35), 0.5, rng.uniform(0.3, 0.45));
  const tex = createFbm(rng.uint32(), 4);
  const top = columnProfile(ctx, (u) => horizon - amp * profile(u * freq, 0.5) * 1.6);
  eachPixel(ctx, (u, v, i) => {
    if (v < top(u) || v >= horizon) return;
    const shade = 0.8 + 0.4 * tex(u * 10, v * 10) - (0.2 * (horizon - v)) / (amp + 1e-3);
    setPixel(ctx.c, i, scale(colour, shade), mountains ? CLASS_ID.ground : CLASS_ID.vegetation, 0);
  });
  return top;
}

function paintTree(ctx: Ctx, cx: number, base: number, size: number): void {
  const rng = ctx.rng;
  const trunk: RGB = [0.3 + rng.uniform(-0.05, 0.05), 0.2, 0.12];
  const leaves = hsv(rng.uniform(0.2, 0.38), rng.uniform(0.4, 0.8), rng.uniform(0.2, 0.45));
  const n = createFbm(rng.uint32(), 4);
  const crownY = base - size * 0.65;
  const rx = size * rng.uniform(0.25, 0.4);
  const ry = size * rng.uniform(0.35, 0.5);
  const aspect = ctx.W / ctx.H;
  eachPixel(
    ctx,
    (u, v, i) => {
      const dx = (u - cx) * aspect;
      const inTrunk = Math.abs(dx) < size * 0.05 && v <= base && v > crownY;
      const q = Math.hypot(dx / rx, (v - crownY) / ry);
      const wobble = 0.25 * (n(u * 30, v * 30) - 0.5);
      if (q + wobble < 1) {
        const lit = 0.7 + 0.5 * n(u * 40, v * 40) - 0.3 * ((v - crownY) / ry);
        setPixel(ctx.c, i, scale(leaves, lit), CLASS_ID.vegetation, 0);
      } else if (inTrunk) {
        setPixel(ctx.c, i, scale(trunk, 0.8 + 0.4 * n(u * 80, v * 10)), CLASS_ID.vegetation, 0);
      }
    },
    cx - (1.2 * rx) / aspect,
    crownY - 1.2 * ry,
    cx + (1.2 * rx) / aspect,
    base + 0.01,
  );
}

function landscape(ctx: Ctx): number {
  const rng = ctx.rng;
  const horizon = rng.uniform(0.3, 0.62);
  const hillTop = paintHills(ctx, horizon);
  paintSky(ctx, hillTop);
  const grass = rng.chance(0.6);
  paintGround(
    ctx,
    horizon,
    grass ? CLASS_ID.vegetation : CLASS_ID.ground,
    grass ? grassTexture(rng) : dirtTexture(rng),
  );
  if (rng.chance(0.6)) {
    // a path narrowing to a vanishing point on the horizon
    const vx = rng.uniform(0.2, 0.8);
    const bottomX = rng.uniform(0.1, 0.9);
    const halfWidth = rng.uniform(0.1, 0.3);
    paintGround(ctx, horizon, CLASS_ID.ground, dirtTexture(rng), (u, v) => {
      const t = (v - horizon) / (1 - horizon);
      return t >= 0 && Math.abs(u - (vx + (bottomX - vx) * t)) < halfWidth * t;
    });
  }
  const trees = rng.int(0, 4);
  for (let t = 0; t < trees; t++) {
    const base = horizon + rng.uniform(0.0, 0.25);
    paintTree(ctx, rng.uniform(0, 1), base, 0.25 + (base - horizon) * 2.2);
  }
  return horizon;
}

function lake(ctx: Ctx): number {
  const rng = ctx.rng;
  const horizon = rng.uniform(0.3, 0.55);
  const shoreTop = createFbm(rng.uint32(), 4);
  const shoreHeight = rng.uniform(0.03, 0.12);
  const top = columnProfile(ctx, (u) => horizon - shoreHeight * (0.4 + shoreTop(u * 8, 0.3)));
  paintSky(ctx, top);
  const trees = hsv(rng.uniform(0.22, 0.38), 0.5, rng.uniform(0.2, 0.35));
  const treeTex = createFbm(rng.uint32(), 4);
  eachPixel(ctx, (u, v, i) => {
    if (v >= top(u) && v < horizon)
      setPixel(ctx.c, i, scale(trees, 0.7 + 0.6 * treeTex(u * 40, v * 40)), CLASS_ID.vegetation, 0);
  });
  const bank = rng.uniform(0.7, 0.95); // where the near bank starts
  const bankEdge = createFbm(rng.uint32(), 3);
  const bankAt = columnProfile(ctx, (u) => bank + 0.08 * (bankEdge(u * 3, 0.7) - 0.5));
  const deep = hsv(rng.uniform(0.5, 0.6), rng.uniform(0.4, 0.8), rng.uniform(0.25, 0.45));
  const skyTint: RGB = [0.7, 0.8, 0.9];
  const ripples = createFbm(rng.uint32(), 3);
  paintGround(
    ctx,
    horizon,
    CLASS_ID.water,
    (gx, gz, fade) => {
      const r = ripples(gx * 2, gz * 18);
      return mix(deep, skyTint, Math.min(1, 0.2 + 0.35 * (1 - fade) + 0.5 * (r - 0.5) * (0.3 + fade)));
    },
    (u, v) => v >= horizon && v < bankAt(u),
  );
  const tex = rng.chance(0.5) ? dirtTexture(rng) : grassTexture(rng);
  paintGround(ctx, horizon, CLASS_ID.ground, tex, (u, v) => v >= bankAt(u));
  return horizon;
}

function brickWall(rng: Prng): (u: number, v: number) => RGB {
  const brick = rng.pick<RGB>([
    [0.6, 0.3, 0.22],
    [0.7, 0.45, 0.3],
    [0.5, 0.5, 0.52],
    [0.75, 0.7, 0.6],
  ]);
  const mortar: RGB = [0.78, 0.76, 0.72];
  const rows = rng.uniform(14, 30);
  const n = createFbm(rng.uint32(), 3);
  const brickSeed = rng.uint32();
  return (u, v) => {
    const by = v * rows;
    const row = Math.floor(by);
    const bx = u * rows * 0.5 + (row % 2) * 0.5;
    const col = Math.floor(bx);
    const fy = by - row;
    const fx = bx - col;
    if (fy < 0.12 || fx < 0.06) return scale(mortar, 0.9 + 0.2 * n(u * 50, v * 50));
    return scale(brick, 0.8 + 0.35 * valueNoise(brickSeed, col * 7.3, row * 3.1) + 0.15 * (n(u * 60, v * 60) - 0.5));
  };
}

function plasterWall(rng: Prng): (u: number, v: number) => RGB {
  const colour = hsv(rng.next(), rng.uniform(0.05, 0.4), rng.uniform(0.55, 0.9));
  const n = createFbm(rng.uint32(), 5);
  const stripes = rng.chance(0.5) ? rng.uniform(12, 30) : 0;
  const colour2 = scale(colour, rng.uniform(0.75, 0.9));
  return (u, v) => {
    const base = stripes && Math.sin(2 * Math.PI * stripes * u) > 0.3 ? colour2 : colour;
    return scale(base, 0.88 + 0.22 * n(u * 8, v * 8));
  };
}

function street(ctx: Ctx): number {
  const rng = ctx.rng;
  const horizon = rng.uniform(0.55, 0.75);
  // building tops along the width
  const tops: { x0: number; x1: number; top: number; wall: (u: number, v: number) => RGB; windows: boolean }[] = [];
  for (let x = 0; x < 1; ) {
    const w = rng.uniform(0.15, 0.45);
    tops.push({
      x0: x,
      x1: x + w,
      top: rng.uniform(0.03, horizon - 0.15),
      wall: rng.chance(0.5) ? brickWall(rng) : plasterWall(rng),
      windows: rng.chance(0.8),
    });
    x += w;
  }
  const building = (u: number) => tops.find((b) => u >= b.x0 && u < b.x1)!;
  paintSky(ctx, (u) => building(u).top);
  const winRows = rng.uniform(6, 12);
  const winCols = rng.uniform(8, 16);
  const glass: RGB = rng.pick<RGB>([
    [0.15, 0.2, 0.3],
    [0.5, 0.65, 0.8],
    [0.25, 0.25, 0.22],
  ]);
  eachPixel(ctx, (u, v, i) => {
    const b = building(u);
    if (v < b.top || v >= horizon) return;
    const fy = (v - b.top) * winRows;
    const fx = (u - b.x0) * winCols;
    const inWindow =
      b.windows &&
      fy - Math.floor(fy) > 0.35 &&
      fx - Math.floor(fx) > 0.3 &&
      fx - Math.floor(fx) < 0.8 &&
      v < horizon - 0.05;
    const col = inWindow ? scale(glass, 0.8 + 0.4 * (1 - (fy - Math.floor(fy)))) : b.wall(u, v);
    setPixel(ctx.c, i, scale(col, u - b.x0 < 0.01 ? 0.7 : 1), CLASS_ID.wall, 0);
  });
  const asphalt = createFbm(rng.uint32(), 4);
  const grey = rng.uniform(0.25, 0.45);
  const sidewalk = rng.uniform(0.05, 0.2);
  const pavement = dirtTexture(rng);
  paintGround(ctx, horizon, CLASS_ID.ground, (gx, gz, fade) => {
    if (gz > 0.25 / sidewalk) {
      // far part near the horizon: pavement in front of the buildings
      const tile = (Math.floor(gx * 2) + Math.floor(gz * 2)) % 2 === 0 ? 1 : 0.9;
      return scale(pavement(gx, gz, fade), tile);
    }
    const g = grey * (0.8 + 0.4 * asphalt(gx * 3, gz * 3)) + fade * 0.05 * (asphalt(gx * 50, gz * 50) - 0.5);
    const lane = Math.abs(gx) < 0.05 && Math.floor(gz * 1.5) % 2 === 0;
    return lane ? [0.9, 0.88, 0.7] : [g, g, g * 1.02];
  });
  return horizon;
}

function indoor(ctx: Ctx): number {
  const rng = ctx.rng;
  const floorLine = rng.uniform(0.5, 0.75);
  const wall = rng.chance(0.3) ? brickWall(rng) : plasterWall(rng);
  const hasWindow = rng.chance(0.5);
  const win = {
    x0: rng.uniform(0.05, 0.6),
    y0: rng.uniform(0.08, 0.2),
    w: rng.uniform(0.2, 0.35),
    h: rng.uniform(0.2, floorLine - 0.3),
  };
  const inWin = (u: number, v: number, pad: number) =>
    hasWindow && u > win.x0 - pad && u < win.x0 + win.w + pad && v > win.y0 - pad && v < win.y0 + win.h + pad;
  if (hasWindow) paintSky(ctx, () => 1);
  const frame: RGB = rng.pick<RGB>([
    [0.95, 0.95, 0.93],
    [0.4, 0.28, 0.18],
    [0.2, 0.2, 0.2],
  ]);
  const baseboard = scale(frame, 0.9);
  eachPixel(ctx, (u, v, i) => {
    if (v >= floorLine) return;
    if (inWin(u, v, 0)) {
      const mx = Math.abs(u - (win.x0 + win.w / 2)) < 0.008;
      if (mx) setPixel(ctx.c, i, frame, CLASS_ID.wall, 0);
      return; // sky stays
    }
    if (inWin(u, v, 0.025)) {
      setPixel(ctx.c, i, frame, CLASS_ID.wall, 0);
      return;
    }
    const shadow = 1 - 0.25 * smoothstep(0.3, 1, v / floorLine);
    setPixel(ctx.c, i, v > floorLine - 0.03 ? baseboard : scale(wall(u, v), shadow), CLASS_ID.wall, 0);
  });
  const planks = rng.chance(0.6);
  const wood = hsv(rng.uniform(0.06, 0.1), rng.uniform(0.4, 0.7), rng.uniform(0.35, 0.7));
  const tileA = hsv(rng.next(), rng.uniform(0, 0.3), rng.uniform(0.6, 0.9));
  const tileB = scale(tileA, rng.uniform(0.5, 0.8));
  const grain = createFbm(rng.uint32(), 3);
  const plankSeed = rng.uint32();
  // the floor's vanishing point is at the floor line; depth = 0.25 / (v - floorLine + offset)
  paintGround(
    ctx,
    floorLine - 0.08,
    CLASS_ID.ground,
    (gx, gz, fade) => {
      if (planks) {
        const p = Math.floor(gx * 3);
        const seam = gx * 3 - p < 0.06 * (0.3 + fade) ? 0.7 : 1;
        return scale(
          wood,
          seam * (0.8 + 0.3 * valueNoise(plankSeed, p * 5.1, 0) + 0.25 * fade * (grain(gx * 40, gz * 2) - 0.5)),
        );
      }
      const checker = (Math.floor(gx * 2) + Math.floor(gz * 2)) % 2 === 0;
      return scale(checker ? tileA : tileB, 0.9 + 0.15 * grain(gx * 10, gz * 10));
    },
    (_u, v) => v >= floorLine,
  );
  return floorLine;
}

function photo(ctx: Ctx, photos: readonly Raster[]): number {
  const rng = ctx.rng;
  const src = rng.pick(photos);
  assertRaster(src, 'scene photo', 3);
  // random crop of 60-100% of the shorter side, then resized to the scene size
  const side = Math.min(src.height, src.width);
  const cropSide = Math.max(1, Math.round(side * rng.uniform(0.6, 1)));
  const aspect = ctx.W / ctx.H;
  const ch = Math.min(src.height, Math.round(cropSide / Math.max(aspect, 1)));
  const cw = Math.min(src.width, Math.round(ch * aspect));
  const top = rng.int(0, src.height - ch + 1);
  const left = rng.int(0, src.width - cw + 1);
  const img = resize(crop(src, top, left, ch, cw), ctx.H, ctx.W);
  const flip = rng.chance(0.5);
  for (let y = 0; y < ctx.H; y++) {
    for (let x = 0; x < ctx.W; x++) {
      const s = (y * ctx.W + (flip ? ctx.W - 1 - x : x)) * 3;
      setPixel(ctx.c, y * ctx.W + x, [img.data[s], img.data[s + 1], img.data[s + 2]], CLASS_ID.photo, 0);
    }
  }
  return rng.uniform(0.5, 0.7);
}

/** Boxes, balls, poles and cars standing on the ground, scaled by perspective. */
function paintThing(ctx: Ctx, horizon: number): void {
  const rng = ctx.rng;
  // stand on ground or floor (not water, sky or a wall): a few tries, else skip the object
  let baseV = 0;
  let cx = 0;
  for (let tries = 0; ; tries++) {
    if (tries === 8) return;
    baseV = rng.uniform(horizon + 0.05, 1.02);
    cx = rng.uniform(0, 1);
    const py = Math.min(ctx.H - 1, Math.floor(baseV * ctx.H));
    const cls = ctx.c.semantic[py * ctx.W + Math.min(ctx.W - 1, Math.floor(cx * ctx.W))];
    if (cls === CLASS_ID.ground || cls === CLASS_ID.vegetation || cls === CLASS_ID.photo) break;
  }
  const size = 0.06 + 0.7 * (baseV - horizon); // nearer -> larger (image units)
  const kind = rng.pick(['box', 'ball', 'pole', 'car'] as const);
  const colour = hsv(rng.next(), rng.uniform(0.3, 0.9), rng.uniform(0.3, 0.9));
  const id = ctx.nextInstance++;
  const aspect = ctx.W / ctx.H;
  const n = createFbm(rng.uint32(), 3);
  const lightX = rng.uniform(-1, 1);
  eachPixel(
    ctx,
    (u, v, i) => {
      const x = ((u - cx) * aspect) / size; // object units: 1 = size, 0 at the centre
      const y = (v - baseV) / size; // 0 at the base, negative upwards
      let col: RGB | null = null;
      if (kind === 'box') {
        const front = Math.abs(x) < 0.35 && y < 0 && y > -0.6;
        const topFace = y <= -0.6 && y > -0.75 && x > -0.35 + (-0.6 - y) * 0.8 - 0.0 && x < 0.35 + (-0.6 - y) * 0.8;
        const side = x >= 0.35 && x < 0.47 && y < -(x - 0.35) * 1.25 && y > -0.6 - (x - 0.35) * 1.25;
        if (front) col = scale(colour, 0.75 + 0.1 * n(x * 5, y * 5));
        else if (topFace) col = scale(colour, 1.05);
        else if (side) col = scale(colour, 0.5);
      } else if (kind === 'ball') {
        const r = Math.hypot(x, y + 0.3);
        if (r < 0.3) {
          const nz = Math.sqrt(1 - (r / 0.3) ** 2);
          col = scale(colour, 0.35 + 0.7 * Math.max(0, ((lightX * x) / 0.3 - ((y + 0.3) / 0.3) * 0.5 + nz) / 1.6));
        }
      } else if (kind === 'pole') {
        if (Math.abs(x) < 0.04 && y < 0 && y > -1.6)
          col = scale([0.3, 0.3, 0.32], 0.7 + 0.5 * (1 - Math.abs(x) / 0.04));
        else if (Math.hypot(x, y + 1.65) < 0.12) col = [1, 0.95, 0.7];
      } else {
        const body = Math.abs(x) < 0.9 && y < -0.12 && y > -0.5;
        const cabin = Math.abs(x) < 0.55 - (-0.5 - y) * 0.6 && y <= -0.5 && y > -0.8;
        const wheel = Math.hypot(Math.abs(x) - 0.55, y + 0.14) < 0.16;
        if (wheel) col = [0.06, 0.06, 0.06];
        else if (cabin) col = Math.abs(x) < 0.5 - (-0.5 - y) * 0.6 - 0.05 && y > -0.76 ? [0.2, 0.28, 0.35] : colour;
        else if (body) col = scale(colour, 0.7 + (0.4 * (-y - 0.12)) / 0.38);
      }
      if (col) setPixel(ctx.c, i, col, CLASS_ID.thing, id);
    },
    cx - size / aspect,
    baseV - 1.8 * size,
    cx + size / aspect,
    baseV + 0.05 * size,
  );
}

/** A smaller person already in the background (a "person" instance in I_G). */
function paintBackgroundPerson(ctx: Ctx, horizon: number): void {
  const rng = ctx.rng;
  const spec = randomPerson(rng);
  const baseV = rng.uniform(horizon + 0.02, 1);
  const heightPx = Math.max(4, (0.1 + 0.6 * (baseV - horizon)) * ctx.H);
  const sprite = renderPerson(spec, heightPx / personExtentHeight(spec));
  const left = Math.round(rng.uniform(0, 1) * ctx.W - sprite.width / 2);
  const top = Math.round(baseV * ctx.H - sprite.height);
  const id = ctx.nextInstance++;
  eachPastedPixel(sprite, top, left, ctx.H, ctx.W, (s, t) => {
    setPixel(ctx.c, t, [sprite.rgb[3 * s], sprite.rgb[3 * s + 1], sprite.rgb[3 * s + 2]], CLASS_ID.person, id);
  });
}

/** Colour temperature, exposure, a soft vignette and faint per-pixel noise over the whole image. */
function finishTone(ctx: Ctx): void {
  const rng = ctx.rng;
  const warm = rng.uniform(-0.06, 0.06);
  const exposure = rng.uniform(0.85, 1.1);
  const vignette = rng.uniform(0, 0.25);
  const noiseSeed = rng.uint32();
  const gain: RGB = [exposure * (1 + warm), exposure, exposure * (1 - warm)];
  eachPixel(ctx, (u, v, i) => {
    const vig = 1 - vignette * ((u - 0.5) ** 2 + (v - 0.5) ** 2) * 2;
    const grain = (valueNoise(noiseSeed, u * ctx.W * 0.99, v * ctx.H * 0.99) - 0.5) * 0.03;
    for (let k = 0; k < 3; k++) ctx.c.rgb[3 * i + k] = ctx.c.rgb[3 * i + k] * gain[k] * vig + grain;
  });
}

/** A background scene, deterministic in (seed, height, width, options). */
export function generateScene(seed: number, height: number, width: number, opts: SceneOptions = {}): Scene {
  const rng = new Prng(deriveSeed(seed, 0x5ce4e));
  const ctx: Ctx = { c: createCanvas(height, width), rng, H: height, W: width, nextInstance: 1 };
  const usePhoto = opts.photos && opts.photos.length > 0 && rng.chance(opts.photoProbability ?? 0.5);
  const kind: SceneKind = usePhoto ? 'photo' : rng.pick(SYNTHETIC_KINDS);
  const horizon =
    kind === 'photo'
      ? photo(ctx, opts.photos!)
      : kind === 'landscape'
        ? landscape(ctx)
        : kind === 'lake'
          ? lake(ctx)
          : kind === 'street'
            ? street(ctx)
            : indoor(ctx);
  const things = kind === 'photo' ? 0 : rng.int(0, 4); // boxes and cars floating on a photo look wrong
  for (let t = 0; t < things; t++) paintThing(ctx, horizon);
  if (rng.chance(opts.backgroundPeopleProbability ?? 0.25)) {
    const people = rng.int(1, 3);
    for (let p = 0; p < people; p++) paintBackgroundPerson(ctx, horizon);
  }
  finishTone(ctx);
  return { kind, image: canvasImage(ctx.c), labels: canvasLabels(ctx.c), horizon };
}
