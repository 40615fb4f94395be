// The tfjs boundary: Raster <-> [H, W, C] float32 tensor, Mask <-> [H, W, 1] tensor.
import * as tf from '@tensorflow/tfjs';
import { type Raster, type Mask, assertRaster, assertBinaryMask } from './raster';

export function toTensor(r: Raster): tf.Tensor3D {
  assertRaster(r, 'toTensor');
  return tf.tensor3d(r.data, [r.height, r.width, r.channels], 'float32');
}

export async function fromTensor(t: tf.Tensor): Promise<Raster> {
  if (t.rank !== 3) throw new Error(`fromTensor: expected a [H, W, C] tensor, got shape [${t.shape}]`);
  const [height, width, channels] = t.shape as [number, number, number];
  const data = new Float32Array(await t.data());
  return { height, width, channels, data };
}

export function maskToTensor(m: Mask): tf.Tensor3D {
  assertBinaryMask(m, 'maskToTensor');
  return tf.tensor3d(Float32Array.from(m.data), [m.height, m.width, 1], 'float32');
}
