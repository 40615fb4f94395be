// Person-like foreground objects: an articulated stick skeleton (head, neck, torso, hips, two-segment arms and
// legs, hands, feet) fleshed out with tapered capsules, in one of several pose families, with clothing
// texture (stripes, checks, fabric noise, denim), hair, skin tones and per-part cylinder/sphere shading from a
// light direction, plus dark contours where parts overlap. Removing one is therefore a real inpainting problem:
// the hole must be filled with the background's texture, not a flat colour.
//
// Body units: y grows downwards, the top of the head is near y = 0 and the soles near y = 1.
import type { Prng } from '../random/prng';
import { createFbm, type Noise2D } from './noise';
import { type RGB, hsv, mix, scale, segmentDistance } from './paint';

type Pattern = 'plain' | 'stripes' | 'checks' | 'noise';
type Material = 'skin' | 'hair' | 'shirt' | 'pants' | 'shoes' | 'dress';

interface Part {
  ax: number;
  ay: number;
  bx: number;
  by: number; // axis segment (a circle when a == b)
  r0: number;
  r1: number; // radius at a and at b
  material: Material;
  shade: number; // extra darkening for limbs on the far side
}

export interface PersonSpec {
  parts: Part[]; // drawing order: later parts are in front
  skin: RGB;
  hair: RGB;
  shirt: RGB;
  shirt2: RGB;
  pants: RGB;
  shoes: RGB;
  dress: RGB;
  pattern: Pattern;
  patternFreq: number;
  light: [number, number, number]; // unit vector, z towards the viewer
  textureSeed: number;
}

export interface PersonSprite {
  height: number;
  width: number;
  rgb: Float32Array; // [h * w * 3]
  mask: Uint8Array; // [h * w], 1 on the person
}

const SKIN_TONES: RGB[] = [
  [0.96, 0.8, 0.69],
  [0.92, 0.72, 0.56],
  [0.8, 0.58, 0.42],
  [0.63, 0.43, 0.29],
  [0.45, 0.3, 0.2],
  [0.33, 0.22, 0.15],
];
const HAIR_COLOURS: RGB[] = [
  [0.08, 0.06, 0.05],
  [0.25, 0.15, 0.08],
  [0.45, 0.3, 0.15],
  [0.75, 0.6, 0.35],
  [0.55, 0.55, 0.55],
  [0.5, 0.18, 0.08],
];

type PoseFamily = 'stand' | 'walk' | 'run' | 'wave' | 'armsOut' | 'crouch';
const POSES: PoseFamily[] = ['stand', 'walk', 'run', 'wave', 'armsOut', 'crouch'];

/** Joint angles in radians measured from "straight down", positive = towards +x. */
function samplePose(rng: Prng, family: PoseFamily) {
  const u = (a: number, b: number) => rng.uniform(a, b);
  const side = rng.chance(0.5) ? 1 : -1;
  let armL = -u(0.05, 0.25),
    armR = u(0.05, 0.25),
    elbowL = u(-0.3, 0.3),
    elbowR = u(-0.3, 0.3);
  let legL = -u(0.02, 0.1),
    legR = u(0.02, 0.1),
    kneeL = 0,
    kneeR = 0,
    lean = u(-0.06, 0.06);
  if (family === 'walk' || family === 'run') {
    const k = family === 'run' ? 1.6 : 1;
    const swing = u(0.15, 0.35) * k;
    legL = -swing * side;
    legR = swing * side;
    armL = swing * side * 1.2;
    armR = -swing * side * 1.2;
    kneeL = side > 0 ? u(0.1, 0.5) * k : u(0, 0.15);
    kneeR = side > 0 ? u(0, 0.15) : u(0.1, 0.5) * k;
    if (family === 'run') {
      elbowL = 1.3 * side;
      elbowR = 1.3 * side;
      lean = 0.15 * side;
    }
  } else if (family === 'wave') {
    if (rng.chance(0.5)) {
      armR = u(2.2, 2.9);
      elbowR = u(0.2, 0.8);
    } else {
      armL = -u(2.2, 2.9);
      elbowL = -u(0.2, 0.8);
    }
  } else if (family === 'armsOut') {
    armL = -u(1.1, 1.7);
    armR = u(1.1, 1.7);
    elbowL = u(-0.4, 0.2);
    elbowR = u(-0.2, 0.4);
  } else if (family === 'crouch') {
    legL = -u(0.35, 0.7);
    legR = u(0.35, 0.7);
    kneeL = u(0.9, 1.4);
    kneeR = -u(0.9, 1.4);
    armL = -u(0.3, 0.8);
    armR = u(0.3, 0.8);
    elbowL = -u(0.5, 1.2);
    elbowR = u(0.5, 1.2);
    lean = u(-0.1, 0.1);
  }
  return { armL, armR, elbowL, elbowR, legL, legR, kneeL, kneeR, lean, headTilt: u(-0.15, 0.15), side };
}

export function randomPerson(rng: Prng): PersonSpec {
  const family = rng.pick(POSES);
  const p = samplePose(rng, family);
  const ws = rng.uniform(0.8, 1.15); // body width
  const dir = (a: number): [number, number] => [Math.sin(a), Math.cos(a)];
  const parts: Part[] = [];
  const cap = (a: [number, number], b: [number, number], r0: number, r1: number, material: Material, shade = 0) =>
    parts.push({ ax: a[0], ay: a[1], bx: b[0], by: b[1], r0, r1, material, shade });
  const add = (a: [number, number], d: [number, number], len: number): [number, number] => [
    a[0] + d[0] * len,
    a[1] + d[1] * len,
  ];

  const pelvis: [number, number] = [0, 0.53];
  const up: [number, number] = [Math.sin(p.lean), -Math.cos(p.lean)];
  const across: [number, number] = [Math.cos(p.lean), Math.sin(p.lean)];
  const neck = add(pelvis, up, 0.36);
  const head = add(neck, [Math.sin(p.lean + p.headTilt), -Math.cos(p.lean + p.headTilt)], 0.095);
  const shoulder = (s: number) => add(add(neck, across, s * 0.1 * ws), up, -0.035);
  const hip = (s: number) => add(pelvis, across, s * 0.058 * ws);
  const longHair = rng.chance(0.4);
  const dress = rng.chance(0.2);
  const longSleeves = rng.chance(0.5);
  const shorts = !dress && rng.chance(0.2);
  const crouchDrop = family === 'crouch' ? 0.22 : 0;
  const shift = (q: [number, number]): [number, number] => [q[0], q[1] + crouchDrop];

  // far-to-near drawing order
  if (longHair) cap(shift(head), shift(add(head, up, -0.13)), 0.07, 0.075, 'hair', 0.1);
  for (const s of [-1, 1]) {
    const hipAngle = s < 0 ? p.legL : p.legR;
    const knee = add(hip(s), dir(hipAngle), 0.25);
    const ankle = add(knee, dir(hipAngle + (s < 0 ? p.kneeL : p.kneeR)), 0.235);
    const far = s === p.side ? 0.12 : 0;
    cap(shift(hip(s)), shift(knee), 0.05 * ws, 0.04, 'pants', far);
    cap(shift(knee), shift(ankle), 0.038, 0.028, shorts ? 'skin' : 'pants', far);
    cap(shift(ankle), shift([ankle[0] + 0.055 * p.side, ankle[1] + 0.012]), 0.028, 0.024, 'shoes', far);
  }
  cap(shift(hip(-1)), shift(hip(1)), 0.062 * ws, 0.062 * ws, 'pants');
  if (dress) cap(shift(pelvis), shift(add(pelvis, up, -0.22)), 0.075 * ws, 0.11 * ws, 'dress');
  cap(shift(add(neck, up, -0.06)), shift(add(pelvis, up, 0.03)), 0.098 * ws, 0.078 * ws, dress ? 'dress' : 'shirt');
  cap(shift(neck), shift(add(neck, up, 0.05)), 0.032, 0.03, 'skin');
  for (const s of [-1, 1]) {
    const a = s < 0 ? p.armL : p.armR;
    const elbow = add(shoulder(s), dir(a), 0.165);
    const wrist = add(elbow, dir(a + (s < 0 ? p.elbowL : p.elbowR)), 0.15);
    const hand = add(wrist, dir(a + (s < 0 ? p.elbowL : p.elbowR)), 0.03);
    const far = s === p.side ? 0.1 : 0;
    cap(shift(shoulder(s)), shift(elbow), 0.036 * ws, 0.029, dress && !longSleeves ? 'skin' : 'shirt', far);
    cap(shift(elbow), shift(wrist), 0.028, 0.022, longSleeves ? 'shirt' : 'skin', far);
    cap(shift(hand), shift(hand), 0.03, 0.03, 'skin', far);
  }
  cap(shift(head), shift(head), 0.068, 0.068, 'skin');
  // hair cap: a circle offset upwards, clipped to the head by being smaller than head + offset
  cap(shift(add(head, up, 0.022)), shift(add(head, up, 0.022)), 0.058, 0.058, 'hair');

  const shirtHue = rng.next();
  const pants = rng.pick<RGB>([
    [0.15, 0.2, 0.4],
    [0.08, 0.08, 0.1],
    [0.55, 0.47, 0.33],
    [0.35, 0.35, 0.38],
    hsv(rng.next(), 0.5, 0.4),
  ]);
  const lightAngle = rng.uniform(0, 2 * Math.PI);
  const lz = rng.uniform(0.5, 0.9);
  const lxy = Math.sqrt(1 - lz * lz);
  return {
    parts,
    skin: rng.pick(SKIN_TONES),
    hair: rng.pick(HAIR_COLOURS),
    shirt: hsv(shirtHue, rng.uniform(0.3, 0.9), rng.uniform(0.35, 0.95)),
    shirt2: hsv(shirtHue + rng.uniform(0.2, 0.6), rng.uniform(0.1, 0.8), rng.uniform(0.2, 1)),
    pants,
    shoes: rng.pick<RGB>([
      [0.05, 0.05, 0.05],
      [0.9, 0.9, 0.88],
      [0.35, 0.2, 0.1],
    ]),
    dress: hsv(rng.next(), rng.uniform(0.4, 0.9), rng.uniform(0.4, 0.9)),
    pattern: rng.pick<Pattern>(['plain', 'stripes', 'checks', 'noise']),
    patternFreq: rng.uniform(10, 22),
    light: [Math.cos(lightAngle) * lxy, Math.sin(lightAngle) * lxy, lz],
    textureSeed: rng.uint32(),
  };
}

function materialColour(spec: PersonSpec, m: Material, x: number, y: number, fabric: Noise2D): RGB {
  const n = fabric(x * 25, y * 25) - 0.5;
  switch (m) {
    case 'skin':
      return scale(spec.skin, 1 + 0.1 * n);
    case 'hair':
      return scale(spec.hair, 1 + 0.6 * (fabric(x * 60, y * 8) - 0.5));
    case 'shoes':
      return spec.shoes;
    case 'pants':
      return scale(spec.pants, 1 + 0.35 * n + 0.15 * (fabric(x * 80, y * 80) - 0.5));
    case 'dress':
      return scale(spec.dress, 1 + 0.3 * n);
    case 'shirt': {
      const f = spec.patternFreq;
      let t = 0;
      if (spec.pattern === 'stripes') t = Math.sin(2 * Math.PI * f * y) > 0 ? 1 : 0;
      else if (spec.pattern === 'checks')
        t = Math.sin(2 * Math.PI * f * x) > 0 !== Math.sin(2 * Math.PI * f * y) > 0 ? 1 : 0;
      else if (spec.pattern === 'noise') t = fabric(x * 12, y * 12);
      return scale(mix(spec.shirt, spec.shirt2, t * 0.8), 1 + 0.25 * n);
    }
  }
}

/** Bounding box of the figure in body units. */
function extent(spec: PersonSpec) {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const p of spec.parts) {
    const r = Math.max(p.r0, p.r1);
    x0 = Math.min(x0, p.ax - r, p.bx - r);
    x1 = Math.max(x1, p.ax + r, p.bx + r);
    y0 = Math.min(y0, p.ay - r, p.by - r);
    y1 = Math.max(y1, p.ay + r, p.by + r);
  }
  return { x0, y0, x1, y1 };
}

/** Height of the figure's bounding box in body units (so pixelsPerUnit * this = sprite height). */
export function personExtentHeight(spec: PersonSpec): number {
  const e = extent(spec);
  return e.y1 - e.y0;
}

/** Rasterise the person at `pixelsPerUnit` pixels per body unit (1 unit ~ standing height). */
export function renderPerson(spec: PersonSpec, pixelsPerUnit: number): PersonSprite {
  if (!(pixelsPerUnit > 0)) throw new Error(`renderPerson: pixelsPerUnit must be > 0, got ${pixelsPerUnit}`);
  const e = extent(spec);
  const width = Math.max(1, Math.ceil((e.x1 - e.x0) * pixelsPerUnit));
  const height = Math.max(1, Math.ceil((e.y1 - e.y0) * pixelsPerUnit));
  const rgb = new Float32Array(width * height * 3);
  const mask = new Uint8Array(width * height);
  const fabric = createFbm(spec.textureSeed, 3);
  const [lx, ly, lz] = spec.light;
  const contour = 1.2 / pixelsPerUnit; // ~1 px dark rim where a part's edge lies over the figure
  for (let py = 0; py < height; py++) {
    const y = e.y0 + (py + 0.5) / pixelsPerUnit;
    for (let px = 0; px < width; px++) {
      const x = e.x0 + (px + 0.5) / pixelsPerUnit;
      let hit = -1;
      let under = false; // is another part below the top one at this pixel?
      let nx = 0,
        ny = 0,
        edge = 0;
      for (let k = spec.parts.length - 1; k >= 0; k--) {
        const p = spec.parts[k];
        const { dist, t } = segmentDistance(x, y, p.ax, p.ay, p.bx, p.by);
        const r = p.r0 + (p.r1 - p.r0) * t;
        if (dist > r) continue;
        if (hit < 0) {
          hit = k;
          const cx = p.ax + (p.bx - p.ax) * t;
          const cy = p.ay + (p.by - p.ay) * t;
          nx = (x - cx) / r;
          ny = (y - cy) / r;
          edge = r - dist;
        } else {
          under = true;
          break;
        }
      }
      if (hit < 0) continue;
      const p = spec.parts[hit];
      const nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
      const diffuse = Math.max(0, nx * lx + ny * ly + nz * lz);
      let shade = (0.4 + 0.65 * diffuse) * (1 - p.shade) * (1 - (0.15 * (y - e.y0)) / (e.y1 - e.y0));
      if (under && edge < contour) shade *= 0.6;
      const col = materialColour(spec, p.material, x, y, fabric);
      const i = py * width + px;
      mask[i] = 1;
      // shade reaches 1.05 on highlights: clip, images are in [0, 1]
      rgb[3 * i] = Math.min(1, col[0] * shade);
      rgb[3 * i + 1] = Math.min(1, col[1] * shade);
      rgb[3 * i + 2] = Math.min(1, col[2] * shade);
    }
  }
  return { height, width, rgb, mask };
}
