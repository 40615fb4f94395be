// What each training stage trains and with which losses (paper Sec. III-B, III-C, Eq. 1-10).
// Checkpoint names are the same in every stage, so a joint run loads its parts from the pretraining checkpoints:
//   'seg.*' segmenter, 'edge.*' / 'segInpaint.*' / 'image.*' the three inpainters' generators,
//   'D_E.*' / 'D_S.*' / 'D_I.*' their discriminators.
// Choices where the paper is vague:
// - edge:  input gray(source), Canny(source), mask; target E_G = Canny(I_G); D_E sees [edges, gray(I_G)] (Eq. 2).
//          The raw output goes to D_E, as EdgeConnect does.
// - segInpainter: input the one-hot ground-truth labels of the source (the segmenter is trained separately), mask;
//          target the labels of I_G; D_S sees [probabilities, gray(I_G)].
// - image: independent pretraining with the ground-truth cues (Canny(I_G), labels of I_G), as EdgeConnect trains its
//          inpainting model on ground-truth edges before joint training. Its losses see either the raw output
//          (EdgeConnect; preset imageLoss 'output') or the output composited with the known pixels ('composite', the
//          image the user gets, as in the joint stage): see lib/config/presets.ts for why the cpu preset composites.
//          With --cues inpainted it trains instead on the cues the pipeline gives it at test time, from the frozen
//          pretrained edge and seg inpainters (EdgeConnect's model 3, "edge-inpaint").
// - segmenter: L_PS on I with its own panoptic labels. Two segmenters (StageOptions.segmenter, `--segmenter`):
//          'scratch', ours (lib/models/segmenter.ts), L_PS = CE on the classes + BCE on instance boundaries;
//          'pretrained', MediaPipe's selfie segmenter rebuilt with trainable weights
//          (lib/models/pretrainedSegmenter.ts, starting from its shipped weights, as the paper starts from a pretrained
//          PanopticFPN), L_PS = BCE of its tempered person logits against the triplet's person pixels (no boundary
//          head, so no boundary term; see that file).
//          The default is pretrained (DEFAULT_SEGMENTER), except at the tiny preset, whose CI runs cannot afford its
//          256x256 pass.
// - joint: L_SN = L_PS + L_E + L_S + L_I + lambda_X L_X (Eq. 10), differentiated w.r.t. all four networks (as in
//          EdgeConnect's joint model, the inpainting losses also reach the upstream inpainters). L_E and L_S are
//          computed as in pretraining; L_I is computed on the composited output I_I * M + I * (1 - M), the image the
//          user gets: it is the term in which object pixels left outside M count as errors, which is what drives M
//          (through its straight-through gradient) to cover m_G. N_M in L_IR counts m_G's pixels (Eq. 7).
import * as tf from '@tensorflow/tfjs';
import type { Preset, PresetName, StageName, ImageLossTarget, ImageCues } from '../config/presets';
import type { Discriminator } from '../models/discriminator';
import { Segmenter } from '../models/segmenter';
import {
  EdgeInpainter,
  SegmentationInpainter,
  ImageInpainter,
  createEdgeDiscriminator,
  createSegmentationDiscriminator,
  createImageDiscriminator,
  conditionalDiscriminatorInput as cond,
  composite,
} from '../models/inpainters';
import { type JointSegmenterOutput, createJointNetwork } from '../models/jointNetwork';
import { PretrainedSegmenter, loadPretrainedSegmenter, personSegmentationLoss } from '../models/pretrainedSegmenter';
import { edgeInpainterLoss, segmentationInpainterLoss, imageInpainterLoss } from '../losses/inpainting';
import { segmentationNetworkLoss } from '../losses/segmentationNetwork';
import { panopticSegmentationLoss } from '../losses/panoptic';
import { maskExpansionLoss } from '../losses/boundary';
import type { L1Normalisation } from '../losses/reconstruction';
import { prefixed } from '../nn/params';
import type { Batch } from './batches';

export interface CriticInput {
  /** the discriminator's input on the ground truth and on the generator's output (kept for the D step) */
  real: tf.Tensor4D;
  fake: tf.Tensor4D;
}

export interface GeneratorPass {
  loss: tf.Scalar;
  /** loss terms to log, by name */
  terms: Record<string, tf.Scalar>;
  /** one per critic, in the order of StageModel.critics */
  critics: CriticInput[];
}

export interface StageModel {
  stage: StageName;
  /** every model variable (trainable + spectral-norm state), by checkpoint name */
  variables: Map<string, tf.Variable>;
  /** what the generator-side optimizer updates */
  generatorTrainable: Map<string, tf.Variable>;
  critics: { name: string; D: Discriminator }[];
  /** forward + generator-side losses; runs inside the gradient tape */
  pass(b: Batch): GeneratorPass;
  dispose(): void;
}

export interface StageOptions {
  /** use L_X in the joint stage (false = the paper's "w/o MEL" ablation) */
  mel: boolean;
  alpha: number;
  /** what the image stage's losses see (the preset's imageLoss) */
  imageLoss: ImageLossTarget;
  /** N_M of L_IR per batch or per image, image and joint stages (the preset's l1Per) */
  l1Per: L1Normalisation;
  /** image stage: train on ground-truth or inpainted cues (default 'gt') */
  imageCues?: ImageCues;
  /** segmenter and joint stages: which segmenter (default 'scratch'; runs default to DEFAULT_SEGMENTER) */
  segmenter?: SegmenterKind;
}

export const SEGMENTER_KINDS = ['pretrained', 'scratch'] as const;
export type SegmenterKind = (typeof SEGMENTER_KINDS)[number];

/** The segmenter a run uses when none is chosen: tiny is CI's preset, too small for the pretrained net's cost. */
export const DEFAULT_SEGMENTER: Record<PresetName, SegmenterKind> = {
  tiny: 'scratch',
  cpu: 'pretrained',
  paper: 'pretrained',
};

const run = (D: Discriminator, x: tf.Tensor4D) => D.apply(x, { training: true });

export function buildStage(stage: StageName, p: Preset, o: StageOptions): StageModel {
  const a = p.architecture;
  const w = { ...p.weights, alpha: o.alpha };
  const seed = p.modelSeed;
  const inp = (s: number) => ({ width: a.inpainterWidth, numResBlocks: a.numResBlocks, seed: seed + s });
  const dis = (s: number) => ({ width: a.discriminatorWidth, seed: seed + s });
  // the same seeds in every stage, so a part initialised alone equals that part of a fresh joint network
  const newSegmenter = () =>
    o.segmenter === 'pretrained'
      ? loadPretrainedSegmenter()
      : new Segmenter({ numClasses: a.numClasses, width: a.segmenterWidth, seed });
  /** L_PS of either segmenter on the batch's labels of I, and its terms to log (the pretrained one's: none) */
  const segmenterLoss = (
    out: JointSegmenterOutput,
    b: Batch,
  ): { loss: tf.Scalar; terms: Record<string, tf.Scalar> } => {
    if (out.kind === 'pretrained') return { loss: personSegmentationLoss(out.personLogits, b.segmentation), terms: {} };
    const l = panopticSegmentationLoss(out.output, { semantic: b.segmentation, boundary: b.boundary }, p.panoptic);
    return { loss: l.loss, terms: { ce: l.terms.semantic, boundary: l.terms.boundary } };
  };
  const trainable = (m: Map<string, tf.Variable>) => new Map([...m].filter(([, v]) => v.trainable));
  // `frozen`: networks checkpointed with the stage but never updated
  const make = (
    named: Record<string, { params: { named(): Map<string, tf.Variable> } }>,
    critics: StageModel['critics'],
    pass: StageModel['pass'],
    frozen: string[] = [],
  ): StageModel => {
    const gen = prefixed(Object.fromEntries(Object.entries(named).map(([k, m]) => [k, m.params.named()])));
    const updated = prefixed(
      Object.fromEntries(
        Object.entries(named)
          .filter(([k]) => !frozen.includes(k))
          .map(([k, m]) => [k, m.params.named()]),
      ),
    );
    const variables = new Map([
      ...gen,
      ...prefixed(Object.fromEntries(critics.map((c) => [c.name, c.D.params.named()]))),
    ]);
    return {
      stage,
      variables,
      generatorTrainable: trainable(updated),
      critics,
      pass,
      dispose: () => {
        tf.dispose([...variables.values()]);
        for (const m of Object.values(named)) if (m instanceof PretrainedSegmenter) m.dispose(); // its constants
      },
    };
  };

  if (stage === 'edge') {
    const G = new EdgeInpainter(inp(1));
    const D = createEdgeDiscriminator(dis(11));
    return make({ edge: G }, [{ name: 'D_E', D }], (b) => {
      const e = G.apply({ gray: b.gray, edges: b.edges, mask: b.mask });
      const c = { real: cond(b.targetEdges, b.targetGray), fake: cond(e, b.targetGray) };
      const l = edgeInpainterLoss(run(D, c.fake), run(D, c.real).features, w);
      return { loss: l.loss, terms: { gan: l.terms.gan, fm: l.terms.featureMatching }, critics: [c] };
    });
  }
  if (stage === 'segInpainter') {
    const G = new SegmentationInpainter(a.numClasses, inp(2));
    const D = createSegmentationDiscriminator(a.numClasses, dis(12));
    return make({ segInpaint: G }, [{ name: 'D_S', D }], (b) => {
      const { logits, probs } = G.apply({ segmentation: b.segmentation, mask: b.mask });
      const c = { real: cond(b.targetSegmentation, b.targetGray), fake: cond(probs, b.targetGray) };
      const l = segmentationInpainterLoss(run(D, c.fake), logits, b.targetSegmentation, w);
      return { loss: l.loss, terms: { gan: l.terms.gan, ce: l.terms.crossEntropy }, critics: [c] };
    });
  }
  if (stage === 'image') {
    const G = new ImageInpainter(a.numClasses, inp(3), a.imageInpainter);
    const D = createImageDiscriminator(dis(13));
    // inpainted cues: the frozen pretrained inpainters, fed as lib/pipeline/inpaintingNetwork.ts
    // feeds them at test time
    const cueNets =
      o.imageCues === 'inpainted'
        ? { edge: new EdgeInpainter(inp(1)), segInpaint: new SegmentationInpainter(a.numClasses, inp(2)) }
        : null;
    const cues = (b: Batch) =>
      tf.tidy(() => {
        if (!cueNets) return { edges: b.targetEdges, segmentation: b.targetSegmentation };
        const e = cueNets.edge.apply({ gray: b.gray, edges: b.knownEdges, mask: b.mask }); // [B,H,W,1]
        const s = cueNets.segInpaint.apply({ segmentation: b.segmentation, mask: b.mask }).probs; // [B,H,W,K]
        return { edges: composite(e, b.knownEdges, b.mask), segmentation: composite(s, b.segmentation, b.mask) };
      });
    return make(
      { image: G, ...(cueNets ?? {}) },
      [{ name: 'D_I', D }],
      (b) => {
        const cue = cues(b);
        const raw = G.apply({ image: b.image, edges: cue.edges, segmentation: cue.segmentation, mask: b.mask });
        const out = o.imageLoss === 'composite' ? composite(raw, b.image, b.mask) : raw; // [B,H,W,3]
        const c = { real: b.target, fake: out };
        const l = imageInpainterLoss(run(D, c.fake), run(D, c.real).features, out, b.target, b.mask, w, o.l1Per);
        const t = l.terms;
        return {
          loss: l.loss,
          terms: { gan: t.gan, fm: t.featureMatching, style: t.style, l1: t.reconstruction },
          critics: [c],
        };
      },
      Object.keys(cueNets ?? {}),
    );
  }
  if (stage === 'segmenter') {
    const S = newSegmenter();
    return make({ seg: S }, [], (b) => {
      const out: JointSegmenterOutput =
        S instanceof Segmenter
          ? { kind: 'scratch', output: S.apply(b.image) }
          : { kind: 'pretrained', personLogits: S.temperedLogits(b.image) };
      return { ...segmenterLoss(out, b), critics: [] };
    });
  }
  const net = createJointNetwork({
    numClasses: a.numClasses,
    segmenterWidth: a.segmenterWidth,
    inpainterWidth: a.inpainterWidth,
    numResBlocks: a.numResBlocks,
    imageInpainter: a.imageInpainter,
    seed,
    pretrainedSegmenter: o.segmenter === 'pretrained' ? loadPretrainedSegmenter() : undefined,
  });
  const critics = [
    { name: 'D_E', D: createEdgeDiscriminator(dis(11)) },
    { name: 'D_S', D: createSegmentationDiscriminator(a.numClasses, dis(12)) },
    { name: 'D_I', D: createImageDiscriminator(dis(13)) },
  ];
  const { segmenter, edge, segmentation, image } = net.parts;
  return make({ seg: segmenter, edge, segInpaint: segmentation, image }, critics, (b) => {
    const [dE, dS, dI] = critics.map((c) => c.D);
    const out = net.apply({ image: b.image, gray: b.gray, edges: b.edges, maskGT: b.mask, labels: b.segmentation });
    const ps = segmenterLoss(out.segmenter, b).loss;
    const cE = { real: cond(b.targetEdges, b.targetGray), fake: cond(out.edges, b.targetGray) };
    const lE = edgeInpainterLoss(run(dE, cE.fake), run(dE, cE.real).features, w).loss;
    const cS = { real: cond(b.targetSegmentation, b.targetGray), fake: cond(out.segmentationProbs, b.targetGray) };
    const lS = segmentationInpainterLoss(run(dS, cS.fake), out.segmentationLogits, b.targetSegmentation, w).loss;
    const cI = { real: b.target, fake: out.outputComposite };
    const lI = imageInpainterLoss(
      run(dI, cI.fake),
      run(dI, cI.real).features,
      out.outputComposite,
      b.target,
      b.mask,
      w,
      o.l1Per,
    );
    const x = o.mel ? maskExpansionLoss(b.phi, out.softMask, o.alpha) : tf.scalar(0);
    const loss = segmentationNetworkLoss({ ps, e: lE, s: lS, i: lI.loss, x }, w);
    return { loss, terms: { ps, E: lE, S: lS, I: lI.loss, l1: lI.terms.reconstruction, X: x }, critics: [cE, cS, cI] };
  });
}
