// A pretrained person segmenter that can be fine-tuned: MediaPipe's selfie segmentation (data/models/selfie, see
// its README for provenance and licences), rebuilt from its tfjs graph JSON with every convolution filter and bias
// a trainable tf.Variable, so gradients reach its weights as the paper fine-tunes PanopticFPN (Sec. III-C).
//
//   const seg = loadPretrainedSegmenter();                 // default: data/models/selfie
//   const z = seg.personLogits(images);                    // [B,H,W,3] in [0,1] -> [B,H,W,1] logit of P(person)
//   const p = seg.personProbability(images);               // [B,H,W,1] P(person), any H, W
//   seg.params.trainableVariables();                       // what an optimizer updates (lib/nn/params Params)
//   const { labels, components } = await personSegments(raster);   // connected person components
//   const hit = await segmentAtPoint(raster, x, y);        // the component under pixel (x, y), or null
//
// The network (a MobileNetV3-like encoder-decoder with squeeze-excitation gates) runs at its native 256x256:
// both resize the input to 256x256; personProbability resizes the graph's output back to H x W, personLogits the
// input of its final Sigmoid (at 64 px the two give masks that differ on a few boundary pixels: an average of
// probabilities is not the sigmoid of an average of logits). Both resizes and the
// graph's own up-samplings use resizeBilinearDifferentiable (interpolation matrices and matMul), because
// tfjs-core 4.22's ResizeBilinear gradient ignores halfPixelCenters (the graph's setting) and so does not match
// its forward pass. Depthwise-conv gradients on wasm come from lib/backend/depthwiseConv.ts.
// The graph is run node by node (its ops: Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput, Add/AddV2/AddN,
// Mul, Relu, Relu6, Sigmoid, AvgPool, ResizeBilinear); weights are the graph's float16 constants as float32.
// Convolution filters and rank-1 constants added to a conv output (biases) are variables; scalar constants
// (hard-swish's 3 and 1/6) and shape constants are fixed.
//
// In the joint network (lib/models/jointNetwork.ts, paper Sec. III-C) the tempered person logits
// z = personLogits / PERSON_LOGIT_TEMPERATURE (temperedLogits) stand in for PanopticFPN's output. The temperature
// keeps the masks (z > 0 is unchanged) but not the saturation: the model's raw logits reach -360..+180, and on cpu
// training batches (64 px) their median is -6 one pixel outside its person mask and -74 two pixels outside, where
// sigmoid' ~ 1e-32: L_X and L_I could move the mask's boundary by one pixel at most. Divided by 16: -0.4 and -4.6.
//   segments  the 4-connected components of {sigmoid(z) > 0.5}; the one overlapping m_G most is selected
//             (selectPersonSegment), as the paper selects among panoptic segments;
//   m_hat     sigmoid(z) inside a window around the selected component (dilated by windowRadius px; around m_G
//             when no component overlaps it), as differentiableMask.ts windows the scratch segmenter's class
//             probability; M = the binary component with m_hat's straight-through gradient;
//   S         the labels the segmentation inpainter needs: person where sigmoid(z) > 0.5, else the training
//             triplet's own stuff labels (its person pixels outside the predicted person: 'photo', no finer
//             label), one-hot with the gradient of p e_person + (1 - p) stuff (personSegmentation).
//   L_PS      the model has one output, P(person), and no instance-boundary head (touching people are one
//             component): L_PS = binary cross-entropy on the logits against the triplet's person mask (its
//             class-person pixels, the pasted person and people already in the scene), mean over pixels. No
//             boundary term: nothing predicts instance boundaries to train (personSegmentationLoss).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Params } from '../nn/params';
import { type Raster, type Mask, assertRaster } from '../image/raster';
import { type Selection, labelSegments, selectPersonSegment } from './maskSelection';
import { type MaskSelectionOutput, straightThrough, windowedSelection } from './differentiableMask';
import { binaryCrossEntropyWithLogits } from '../losses/crossEntropy';
import { CLASS_ID } from '../data/classes';
import { repoPath } from '../io/repoRoot';

export const SELFIE_INPUT_SIZE = 256;
/** raw logits / this = the logits the joint network and L_PS work on (see the header) */
export const PERSON_LOGIT_TEMPERATURE = 16;
export const DEFAULT_SELFIE_DIR = repoPath('data', 'models', 'selfie');

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { i?: string[] }; s?: string; b?: boolean }>;
}

interface GraphModelJson {
  format: string;
  modelTopology: { node: GraphNode[] };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature: { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
}

const SUPPORTED_OPS = new Set([
  'Placeholder',
  'Const',
  'Conv2D',
  'DepthwiseConv2dNative',
  'Conv2DBackpropInput',
  'Add',
  'AddV2',
  'AddN',
  'Mul',
  'Relu',
  'Relu6',
  'Sigmoid',
  'AvgPool',
  'ResizeBilinear',
]);

export class PretrainedSegmenter {
  /** trainable weights, named after the graph's constants ('/' -> '.'), e.g. 'Conv2D_41.filter' */
  readonly params = new Params(0);
  private readonly constants = new Map<string, tf.Tensor>();
  private readonly order: GraphNode[];
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly logitsName: string;

  constructor(graph: GraphModelJson, weights: tf.NamedTensorMap) {
    const nodes = new Map(graph.modelTopology.node.map((n) => [n.name, n]));
    this.inputName = Object.keys(graph.signature.inputs)[0].replace(/:0$/, '');
    this.outputName = Object.keys(graph.signature.outputs)[0].replace(/:0$/, '');
    const output = nodes.get(this.outputName);
    if (output?.op !== 'Sigmoid' || output.input?.length !== 1) {
      throw new Error(`PretrainedSegmenter: the graph's output ${this.outputName} is not a sigmoid (no logits)`);
    }
    this.logitsName = output.input[0].replace(/:0$/, '');
    this.order = topologicalOrder(nodes, this.logitsName);
    const trainable = new Set<string>();
    for (const n of this.order) {
      if (!SUPPORTED_OPS.has(n.op)) {
        throw new Error(`PretrainedSegmenter: graph op ${n.op} (node ${n.name}) is not supported`);
      }
      const inputs = n.input ?? [];
      const takesFilter = ['Conv2D', 'DepthwiseConv2dNative', 'Conv2DBackpropInput'].includes(n.op);
      if (takesFilter) trainable.add(inputs[1]);
      if (n.op === 'Add' || n.op === 'AddV2') for (const i of inputs) if (weights[i]?.rank === 1) trainable.add(i);
    }
    for (const n of this.order) {
      if (n.op !== 'Const') continue;
      const value = weights[n.name];
      if (!value) throw new Error(`PretrainedSegmenter: no weight for graph constant ${n.name}`);
      if (trainable.has(n.name)) this.params.zeros(variableName(n.name), value.shape).assign(value);
      else this.constants.set(n.name, tf.keep(value.clone()));
    }
  }

  /** logit of P(person) [B,H,W,1] for images [B,H,W,3] in [0,1]; differentiable w.r.t. the images and params. */
  personLogits(images: tf.Tensor4D): tf.Tensor4D {
    return this.resized(images, (x) => this.run(x));
  }

  /** f of the images resized to the graph's input size, resized back to theirs. */
  private resized(images: tf.Tensor4D, f: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`personProbability: images must be [B,H,W,3] in [0,1], got [${images.shape}]`);
    }
    const [, h, w] = images.shape;
    return tf.tidy(() =>
      resizeBilinearDifferentiable(f(resizeBilinearDifferentiable(images, SELFIE_INPUT_SIZE, SELFIE_INPUT_SIZE)), h, w),
    );
  }

  /** personLogits / PERSON_LOGIT_TEMPERATURE: the joint network's and L_PS's logits [B,H,W,1] (see the header). */
  temperedLogits(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.div(this.personLogits(images), PERSON_LOGIT_TEMPERATURE));
  }

  /** P(person) [B,H,W,1] for images [B,H,W,3] in [0,1]; differentiable w.r.t. the images and params. */
  personProbability(images: tf.Tensor4D): tf.Tensor4D {
    return this.resized(images, (x) => tf.sigmoid(this.run(x)));
  }

  /** The graph up to its final sigmoid: [B,256,256,3] -> logits [B,256,256,1]. */
  private run(x: tf.Tensor4D): tf.Tensor4D {
    const values = new Map<string, tf.Tensor>([[this.inputName, x]]);
    const get = (name: string): tf.Tensor => {
      const v = values.get(name) ?? this.constants.get(name) ?? this.params.trainable.get(variableName(name));
      if (!v) throw new Error(`PretrainedSegmenter: graph value ${name} is missing`);
      return v;
    };
    for (const n of this.order) {
      if (n.op === 'Const' || n.op === 'Placeholder') continue;
      values.set(n.name, applyNode(n, (n.input ?? []).map(get), x.shape[0]));
    }
    return get(this.logitsName) as tf.Tensor4D;
  }

  dispose(): void {
    this.params.dispose();
    tf.dispose([...this.constants.values()]);
    this.constants.clear();
  }
}

/** Loads the graph JSON and its weight files from `dir` (default data/models/selfie); synchronous file reads. */
export function loadPretrainedSegmenter(dir = DEFAULT_SELFIE_DIR): PretrainedSegmenter {
  const jsonFile = path.join(dir, 'selfie.json');
  if (!fs.existsSync(jsonFile)) {
    throw new Error(`loadPretrainedSegmenter: ${jsonFile} not found (data/models/selfie/README.md: where it is from)`);
  }
  const graph = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as GraphModelJson;
  if (graph.format !== 'graph-model') throw new Error(`loadPretrainedSegmenter: ${jsonFile} is not a tfjs graph model`);
  const specs = graph.weightsManifest.flatMap((g) => g.weights);
  const buffers = graph.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const bytes = Buffer.concat(buffers);
  const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), specs);
  try {
    return new PretrainedSegmenter(graph, weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/**
 * Bilinear resize [B,H,W,C] -> [B,h,w,C] as two matrix products (differentiable on every backend). Upsampling is
 * TF's half-pixel-centre bilinear (tf.image.resizeBilinear(x, size, false, true)); downsampling widens the
 * triangle filter to the scale (antialiased, as lib/image/resize.ts) instead of sampling 2 of every `scale` pixels.
 */
export function resizeBilinearDifferentiable(x: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const [b, H, W, c] = x.shape;
  if (H === h && W === w) return x.clone();
  return tf.tidy(() => {
    // rows: [H, B*W*C] -> [h, B*W*C]; columns: [W, B*h*C] -> [w, B*h*C]
    const rows = tf.matMul(interpolationMatrix(H, h), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [H, b * W * c]));
    const y = tf.transpose(tf.reshape(rows, [h, b, W, c]), [2, 1, 0, 3]); // [W, B, h, C]
    const cols = tf.matMul(interpolationMatrix(W, w), tf.reshape(y, [W, b * h * c]));
    return tf.transpose(tf.reshape(cols, [w, b, h, c]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** [out, in] weights of a triangle filter of radius max(in/out, 1) at half-pixel centres, rows summing to 1. */
function interpolationMatrix(inSize: number, outSize: number): tf.Tensor2D {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1);
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    let sum = 0;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inSize, Math.ceil(centre + support));
    for (let s = lo; s < hi; s++) sum += m[o * inSize + s] = Math.max(0, 1 - Math.abs(s + 0.5 - centre) / support);
    for (let s = lo; s < hi; s++) m[o * inSize + s] /= sum;
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

function applyNode(n: GraphNode, inputs: tf.Tensor[], batch: number): tf.Tensor {
  const [a, b] = inputs;
  const pair = (key: string): [number, number] => {
    const v = (n.attr?.[key]?.list?.i ?? ['1', '1', '1', '1']).map(Number);
    return [v[1], v[2]];
  };
  const pad = () =>
    Buffer.from(n.attr?.padding?.s ?? '', 'base64')
      .toString()
      .toLowerCase() as 'same' | 'valid';
  switch (n.op) {
    case 'Conv2D':
      return tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, pair('strides'), pad(), 'NHWC', pair('dilations'));
    case 'DepthwiseConv2dNative':
      return tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, pair('strides'), pad(), 'NHWC', pair('dilations'));
    case 'Conv2DBackpropInput': {
      // inputs: output size (batch 1 in the graph), filter, input; the batch follows the input
      const [, hOut, wOut, cOut] = Array.from(a.dataSync());
      return tf.conv2dTranspose(
        inputs[2] as tf.Tensor4D,
        b as tf.Tensor4D,
        [batch, hOut, wOut, cOut],
        pair('strides'),
        pad(),
      );
    }
    case 'Add':
    case 'AddV2':
      return tf.add(a, b);
    case 'AddN':
      return tf.addN(inputs);
    case 'Mul':
      return tf.mul(a, b);
    case 'Relu':
      return tf.relu(a);
    case 'Relu6':
      return tf.relu6(a);
    case 'Sigmoid':
      return tf.sigmoid(a);
    case 'AvgPool':
      return tf.avgPool(a as tf.Tensor4D, pair('ksize'), pair('strides'), pad());
    case 'ResizeBilinear': {
      if (!n.attr?.half_pixel_centers?.b || n.attr?.align_corners?.b) {
        throw new Error(`PretrainedSegmenter: ResizeBilinear ${n.name} is not half-pixel-centre bilinear`);
      }
      const [h, w] = Array.from(b.dataSync());
      return resizeBilinearDifferentiable(a as tf.Tensor4D, h, w);
    }
    default:
      throw new Error(`PretrainedSegmenter: no implementation of graph op ${n.op} (node ${n.name})`);
  }
}

/** The nodes the output depends on, each after its inputs. */
function topologicalOrder(nodes: Map<string, GraphNode>, output: string): GraphNode[] {
  const order: GraphNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`PretrainedSegmenter: the graph has a cycle at ${name}`);
    const n = nodes.get(name);
    if (!n) throw new Error(`PretrainedSegmenter: the graph has no node ${name}`);
    state.set(name, 'visiting');
    for (const i of n.input ?? []) visit(i.replace(/:0$/, ''));
    state.set(name, 'done');
    order.push(n);
  };
  visit(output);
  return order;
}

const variableName = (constName: string) => constName.replace(/\//g, '.');

export interface PersonComponent {
  /** its value in `labels` (components sorted by decreasing area: 0 = the largest) */
  id: number;
  /** pixels */
  area: number;
  /** bounding box, inclusive */
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface PersonSegments {
  height: number;
  width: number;
  /** component id per pixel (row-major [H*W]), -1 where P(person) <= threshold */
  labels: Int32Array;
  components: PersonComponent[];
  /** P(person) per pixel [H*W] */
  probability: Float32Array;
}

export interface PersonSegmentOptions {
  /** default: the model in data/models/selfie, loaded once */
  segmenter?: PretrainedSegmenter;
  /** P(person) above which a pixel is a person pixel (default 0.5) */
  threshold?: number;
}

let defaultSegmenter: PretrainedSegmenter | undefined;

/** The 4-connected components of {P(person) > threshold} of an RGB raster. */
export async function personSegments(raster: Raster, options: PersonSegmentOptions = {}): Promise<PersonSegments> {
  assertRaster(raster, 'personSegments', 3);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1)) {
    throw new Error(`personSegments: threshold must be in (0, 1), got ${threshold}`);
  }
  if (!options.segmenter) defaultSegmenter ??= loadPretrainedSegmenter();
  const segmenter = options.segmenter ?? (defaultSegmenter as PretrainedSegmenter);
  const { height, width } = raster;
  const p = tf.tidy(() => segmenter.personProbability(tf.tensor4d(raster.data, [1, height, width, 3])));
  const probability = (await p.data()) as Float32Array;
  p.dispose();
  const person = Uint8Array.from(probability, (v) => (v > threshold ? 1 : 0));
  const { ids, classOf } = labelSegments(
    person,
    person.map((v) => 1 - v),
    height,
    width,
  );
  // relabel by decreasing area (ties: scan order)
  const area = new Array<number>(classOf.length).fill(0);
  for (const id of ids) if (id >= 0) area[id]++;
  const byArea = area.map((_, i) => i).sort((i, j) => area[j] - area[i] || i - j);
  const newId = new Int32Array(classOf.length);
  byArea.forEach((old, rank) => (newId[old] = rank));
  const labels = Int32Array.from(ids, (id) => (id >= 0 ? newId[id] : -1));
  const components: PersonComponent[] = byArea.map((old, rank) => ({
    id: rank,
    area: area[old],
    box: { x0: width, y0: height, x1: -1, y1: -1 },
  }));
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    const box = components[labels[i]].box;
    const y = Math.floor(i / width);
    const x = i - y * width;
    box.x0 = Math.min(box.x0, x);
    box.x1 = Math.max(box.x1, x);
    box.y0 = Math.min(box.y0, y);
    box.y1 = Math.max(box.y1, y);
  }
  return { height, width, labels, components, probability };
}

/** The person component under pixel (x, y) (integers, 0-based) as a mask, or null if (x, y) is not a person pixel. */
export async function segmentAtPoint(
  raster: Raster,
  x: number,
  y: number,
  options: PersonSegmentOptions = {},
): Promise<{ mask: Mask; component: PersonComponent } | null> {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= raster.width || y >= raster.height) {
    throw new Error(`segmentAtPoint: point (${x}, ${y}) is outside the ${raster.width}x${raster.height} image`);
  }
  const s = await personSegments(raster, options);
  const id = s.labels[y * s.width + x];
  if (id < 0) return null;
  const mask: Mask = { height: s.height, width: s.width, data: Uint8Array.from(s.labels, (l) => (l === id ? 1 : 0)) };
  return { mask, component: s.components[id] };
}

/**
 * Mask selection on tempered person logits z [B,H,W,1] (see the header): M, m_hat and the selections.
 * maskGT: m_G [B,H,W,1] binary.
 * windowRadius: how far (px) m_hat reaches beyond the selected component (default H/8 rounded up).
 */
export function selectPersonMask(
  personLogits: tf.Tensor4D,
  maskGT: tf.Tensor4D,
  windowRadius?: number,
): MaskSelectionOutput {
  const [b, h, w] = personLogits.shape;
  if (personLogits.shape[3] !== 1 || !tf.util.arraysEqual(maskGT.shape, [b, h, w, 1])) {
    throw new Error(`selectPersonMask: logits [${personLogits.shape}] and m_G [${maskGT.shape}] must be [B,H,W,1]`);
  }
  const z = personLogits.dataSync();
  const gt = maskGT.dataSync();
  const n = h * w;
  const selections: Selection[] = [];
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < b; i++) {
    const person = Uint8Array.from(z.subarray(i * n, (i + 1) * n), (v) => (v > 0 ? 1 : 0)); // sigmoid(z) > 0.5
    const mG = gt.subarray(i * n, (i + 1) * n);
    const sel = selectPersonSegment(person, mG, h, w);
    selections.push(sel);
    seeds.push(sel.overlap > 0 ? sel.mask : Uint8Array.from(mG));
  }
  return windowedSelection(selections, seeds, h, w, windowRadius, () => tf.sigmoid(personLogits));
}

/** The triplet's labels [B,H,W,K] one-hot with the person class moved to 'photo' (stuff only). */
function stuffLabels(labels: tf.Tensor4D): tf.Tensor4D {
  const k = labels.shape[3];
  const move = new Float32Array(k * k); // [K_in, K_out]
  for (let c = 0; c < k; c++) move[c * k + (c === CLASS_ID.person ? CLASS_ID.photo : c)] = 1;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(labels, [-1, k]), tf.tensor2d(move, [k, k])), labels.shape));
}

/**
 * S for the segmentation inpainter from the person logits [B,H,W,1] and the triplet's one-hot labels [B,H,W,K]:
 * one-hot person where sigmoid(z) > 0.5, the stuff label elsewhere; gradient of p e_person + (1 - p) stuff.
 */
export function personSegmentation(personLogits: tf.Tensor4D, labels: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, k] = labels.shape;
  if (!tf.util.arraysEqual(personLogits.shape, [b, h, w, 1])) {
    throw new Error(`personSegmentation: logits [${personLogits.shape}] do not match labels [${labels.shape}]`);
  }
  return tf.tidy(() => {
    const p = tf.sigmoid(personLogits);
    const person = tf.oneHot(tf.fill([b, h, w], CLASS_ID.person, 'int32'), k).toFloat();
    const stuff = stuffLabels(labels);
    const soft = tf.add(tf.mul(p, person), tf.mul(tf.sub(1, p), stuff)) as tf.Tensor4D;
    const isPerson = tf.step(personLogits); // z > 0
    const hard = tf.add(tf.mul(isPerson, person), tf.mul(tf.sub(1, isPerson), stuff)) as tf.Tensor4D;
    return straightThrough(hard, soft);
  });
}

/** L_PS of the pretrained segmenter (see the header): BCE of the tempered logits against labels[..., person]. */
export function personSegmentationLoss(personLogits: tf.Tensor4D, labels: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.slice(labels, [0, 0, 0, CLASS_ID.person], [-1, -1, -1, 1]);
    return binaryCrossEntropyWithLogits(personLogits, target);
  });
}
