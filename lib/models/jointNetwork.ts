// The joint segmentation-inpainting network (paper Fig. 2, Sec. III-C):
//   segmenter(I) -> S ; mask selection (largest overlap with m_G) -> M (differentiable, see differentiableMask.ts)
//   edge inpainter(gray(I), canny(I), M) -> E_I ; segmentation inpainter(S, M) -> S_I
//   image inpainter(I, E_I composited, S_I composited, M) -> I_I
// Every inpainter input that depends on M or S keeps a gradient path to the segmenter's weights, so the inpainting
// losses L_E + L_S + L_I train it. S enters the segmentation inpainter as a one-hot map (the form it is pretrained
// on) with a straight-through gradient.
// The segmenter is either ours from scratch (lib/models/segmenter.ts: classes + instance boundaries, its segments
// selected by differentiableMask.ts) or the pretrained person segmenter (lib/models/pretrainedSegmenter.ts: person
// logits, its connected components selected by selectPersonMask, S = person over the triplet's stuff labels, so
// it needs JointInputs.labels).
import * as tf from '@tensorflow/tfjs';
import { Segmenter, type SegmenterOutput } from './segmenter';
import { PretrainedSegmenter, selectPersonMask, personSegmentation } from './pretrainedSegmenter';
import { EdgeInpainter, SegmentationInpainter, ImageInpainter, composite, assertMask } from './inpainters';
import { selectDifferentiableMask, straightThroughOneHot, type MaskSelectionOutput } from './differentiableMask';
import type { Selection } from './maskSelection';
import { prefixed } from '../nn/params';
import type { ImageInpainterKind } from '../config/presets';

export interface JointParts {
  segmenter: Segmenter | PretrainedSegmenter;
  edge: EdgeInpainter;
  segmentation: SegmentationInpainter;
  image: ImageInpainter;
}

export interface JointInputs {
  /** I, the image with the object [B,H,W,3] in [0,1] */
  image: tf.Tensor4D;
  /** its gray version [B,H,W,1] */
  gray: tf.Tensor4D;
  /** its Canny edges [B,H,W,1] */
  edges: tf.Tensor4D;
  /** m_G [B,H,W,1], binary */
  maskGT: tf.Tensor4D;
  /** one-hot labels of I [B,H,W,K]: the stuff labels around the pretrained segmenter's people (unused otherwise) */
  labels?: tf.Tensor4D;
}

/** What the segmenter produced, for L_PS: the scratch segmenter's two heads, or the pretrained one's tempered
 *  person logits (PretrainedSegmenter.temperedLogits). */
export type JointSegmenterOutput =
  | { kind: 'scratch'; output: SegmenterOutput }
  | { kind: 'pretrained'; personLogits: tf.Tensor4D };

export interface JointOutput {
  segmenter: JointSegmenterOutput;
  selections: Selection[];
  /** m_hat [B,H,W,1]: soft mask of the selected segment (for L_B / L_X) */
  softMask: tf.Tensor4D;
  /** M [B,H,W,1]: binary mask fed to the inpainters, straight-through gradient of softMask */
  mask: tf.Tensor4D;
  /** S: the one-hot segmentation [B,H,W,K] (straight-through) */
  segmentation: tf.Tensor4D;
  /** E_I [B,H,W,1] and E_I composited with the known edges */
  edges: tf.Tensor4D;
  edgesComposite: tf.Tensor4D;
  /** S_I logits / probabilities [B,H,W,K] and probabilities composited with S */
  segmentationLogits: tf.Tensor4D;
  segmentationProbs: tf.Tensor4D;
  segmentationComposite: tf.Tensor4D;
  /** I_I [B,H,W,3] and I_I composited with I */
  output: tf.Tensor4D;
  outputComposite: tf.Tensor4D;
}

export class JointNetwork {
  readonly numClasses: number;

  /** windowRadius: reach of the soft mask beyond the selected segment (px; default H/8) */
  constructor(
    readonly parts: JointParts,
    readonly windowRadius?: number,
  ) {
    const k = parts.segmentation.numClasses;
    const kSegmenter = parts.segmenter instanceof Segmenter ? parts.segmenter.config.numClasses : k;
    if (kSegmenter !== k || parts.image.numClasses !== k) {
      throw new Error(
        `JointNetwork: class counts differ: segmenter ${kSegmenter}, segmentation inpainter ` +
          `${k}, image inpainter ${parts.image.numClasses}`,
      );
    }
    this.numClasses = k;
  }

  apply({ image, gray, edges, maskGT, labels }: JointInputs): JointOutput {
    assertMask(maskGT, image, 'JointNetwork (m_G)');
    const { segmenter: segmenterNet, edge, segmentation, image: imageInpainter } = this.parts;
    let segmenter: JointSegmenterOutput;
    let selected: MaskSelectionOutput;
    let s: tf.Tensor4D;
    if (segmenterNet instanceof PretrainedSegmenter) {
      if (!labels || !tf.util.arraysEqual(labels.shape, [...image.shape.slice(0, 3), this.numClasses])) {
        const want = [...image.shape.slice(0, 3), this.numClasses];
        throw new Error(
          `JointNetwork: the pretrained segmenter needs the one-hot labels of I [${want}] ` +
            `(JointInputs.labels), got ${labels ? `[${labels.shape}]` : 'none'}`,
        );
      }
      const personLogits = segmenterNet.temperedLogits(image);
      segmenter = { kind: 'pretrained', personLogits };
      selected = selectPersonMask(personLogits, maskGT, this.windowRadius);
      s = personSegmentation(personLogits, labels);
    } else {
      const output = segmenterNet.apply(image);
      segmenter = { kind: 'scratch', output };
      selected = selectDifferentiableMask(output, maskGT, this.windowRadius);
      s = straightThroughOneHot(output.semanticLogits);
    }
    const { mask, softMask, selections } = selected;
    const out = tf.tidy(() => {
      const e = edge.apply({ gray, edges, mask });
      const eComp = composite(e, edges, mask);
      const { logits, probs } = segmentation.apply({ segmentation: s, mask });
      const sComp = composite(probs, s, mask);
      const i = imageInpainter.apply({ image, edges: eComp, segmentation: sComp, mask });
      return {
        edges: e,
        edgesComposite: eComp,
        segmentationLogits: logits,
        segmentationProbs: probs,
        segmentationComposite: sComp,
        output: i,
        outputComposite: composite(i, image, mask),
      };
    });
    return { segmenter, selections, softMask, mask, segmentation: s, ...out };
  }

  /** Every variable of the four networks, name -> variable, prefixed 'seg.', 'edge.', 'segInpaint.', 'image.' */
  named(): Map<string, tf.Variable> {
    const { segmenter, edge, segmentation, image } = this.parts;
    return prefixed({
      seg: segmenter.params.named(),
      edge: edge.params.named(),
      segInpaint: segmentation.params.named(),
      image: image.params.named(),
    });
  }

  trainableVariables(): tf.Variable[] {
    const { segmenter, edge, segmentation, image } = this.parts;
    return [segmenter, edge, segmentation, image].flatMap((m) => m.params.trainableVariables());
  }
}

export interface JointNetworkConfig {
  numClasses: number;
  segmenterWidth: number;
  inpainterWidth: number;
  numResBlocks: number;
  /** default 'edgeconnect' */
  imageInpainter?: ImageInpainterKind;
  seed: number;
  windowRadius?: number;
  /** the pretrained person segmenter instead of a fresh scratch one (the inpainters keep seeds seed+1..seed+3) */
  pretrainedSegmenter?: PretrainedSegmenter;
}

/** Fresh joint network; the four parts get seeds seed..seed+3. */
export function createJointNetwork(c: JointNetworkConfig): JointNetwork {
  const inp = (seed: number) => ({ width: c.inpainterWidth, numResBlocks: c.numResBlocks, seed });
  return new JointNetwork(
    {
      segmenter:
        c.pretrainedSegmenter ?? new Segmenter({ numClasses: c.numClasses, width: c.segmenterWidth, seed: c.seed }),
      edge: new EdgeInpainter(inp(c.seed + 1)),
      segmentation: new SegmentationInpainter(c.numClasses, inp(c.seed + 2)),
      image: new ImageInpainter(c.numClasses, inp(c.seed + 3), c.imageInpainter),
    },
    c.windowRadius,
  );
}
