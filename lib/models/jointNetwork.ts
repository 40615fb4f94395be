// The joint segmentation-inpainting network (paper Fig. 2, Sec. III-C):
//   segmenter(I) -> S ; mask selection (largest overlap with m_G) -> M (differentiable, see differentiableMask.ts)
//   edge inpainter(gray(I), canny(I), M) -> E_I ; segmentation inpainter(S, M) -> S_I
//   image inpainter(I, E_I composited, S_I composited, M) -> I_I
// Every inpainter input that depends on M or S keeps a gradient path to the segmenter's weights, so the inpainting
// losses L_E + L_S + L_I train it. S enters the segmentation inpainter as a one-hot map (the form it is pretrained
// on) with a softmax straight-through gradient.
import * as tf from '@tensorflow/tfjs';
import { Segmenter, SegmenterOutput } from './segmenter';
import { EdgeInpainter, SegmentationInpainter, ImageInpainter, composite, assertMask } from './inpainters';
import { selectDifferentiableMask, straightThroughOneHot } from './differentiableMask';
import { Selection } from './maskSelection';
import { prefixed } from '../nn/params';

export interface JointParts {
  segmenter: Segmenter;
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
}

export interface JointOutput {
  segmenter: SegmenterOutput;
  selections: Selection[];
  /** m_hat [B,H,W,1]: soft mask of the selected segment (for L_B / L_X) */
  softMask: tf.Tensor4D;
  /** M [B,H,W,1]: binary mask fed to the inpainters, straight-through gradient of softMask */
  mask: tf.Tensor4D;
  /** S: the segmenter's one-hot segmentation [B,H,W,K] (straight-through) */
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
  constructor(readonly parts: JointParts, readonly windowRadius?: number) {
    const k = parts.segmenter.config.numClasses;
    if (parts.segmentation.numClasses !== k || parts.image.numClasses !== k) {
      throw new Error(`JointNetwork: class counts differ: segmenter ${k}, segmentation inpainter ` +
        `${parts.segmentation.numClasses}, image inpainter ${parts.image.numClasses}`);
    }
    this.numClasses = k;
  }

  apply({ image, gray, edges, maskGT }: JointInputs): JointOutput {
    assertMask(maskGT, image, 'JointNetwork (m_G)');
    const { segmenter, edge, segmentation, image: imageInpainter } = this.parts;
    const seg = segmenter.apply(image);
    const { mask, softMask, selections } = selectDifferentiableMask(seg, maskGT, this.windowRadius);
    const out = tf.tidy(() => {
      const s = straightThroughOneHot(seg.semanticLogits);
      const e = edge.apply({ gray, edges, mask });
      const eComp = composite(e, edges, mask);
      const { logits, probs } = segmentation.apply({ segmentation: s, mask });
      const sComp = composite(probs, s, mask);
      const i = imageInpainter.apply({ image, edges: eComp, segmentation: sComp, mask });
      return {
        segmentation: s, edges: e, edgesComposite: eComp, segmentationLogits: logits, segmentationProbs: probs,
        segmentationComposite: sComp, output: i, outputComposite: composite(i, image, mask),
      };
    });
    return { segmenter: seg, selections, softMask, mask, ...out };
  }

  /** Every variable of the four networks, name -> variable, prefixed 'seg.', 'edge.', 'segInpaint.', 'image.' */
  named(): Map<string, tf.Variable> {
    const { segmenter, edge, segmentation, image } = this.parts;
    return prefixed({ seg: segmenter.params.named(), edge: edge.params.named(),
      segInpaint: segmentation.params.named(), image: image.params.named() });
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
  seed: number;
  windowRadius?: number;
}

/** Fresh joint network; the four parts get seeds seed..seed+3. */
export function createJointNetwork(c: JointNetworkConfig): JointNetwork {
  const inp = (seed: number) => ({ width: c.inpainterWidth, numResBlocks: c.numResBlocks, seed });
  return new JointNetwork({
    segmenter: new Segmenter({ numClasses: c.numClasses, width: c.segmenterWidth, seed: c.seed }),
    edge: new EdgeInpainter(inp(c.seed + 1)),
    segmentation: new SegmentationInpainter(c.numClasses, inp(c.seed + 2)),
    image: new ImageInpainter(c.numClasses, inp(c.seed + 3)),
  }, c.windowRadius);
}
