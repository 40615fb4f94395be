// Training checkpoints: all tensors in one binary file plus a JSON manifest (names, shapes, offsets, a SHA-256 of
// the binary, and the run's metadata). Both are written atomically, the binary first under a step-numbered name
// and the manifest last, so a run killed at any moment leaves the previous manifest pointing at the previous,
// complete binary; older binaries are deleted only after the new manifest is in place.
//   <dir>/ckpt.json            manifest (the checkpoint's identity: pass this file or <dir> to --resume / --init)
//   <dir>/ckpt-000120.bin      float32 little-endian tensors, concatenated
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomicWrite';

export const CHECKPOINT_FORMAT = 'inpainting-mask-optimization/train-checkpoint';
export const MANIFEST = 'ckpt.json';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** byte offset in the binary */
  offset: number;
}

export interface CheckpointManifest<M> {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** run metadata (stage, preset, architecture, options, step, optimizer steps, ...) */
  meta: M;
  bin: string;
  byteLength: number;
  sha256: string;
  tensors: TensorEntry[];
}

export interface LoadedCheckpoint<M> {
  file: string;
  meta: M;
  /** SHA-256 of the tensor file (verified) */
  sha256: string;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

/** A run directory or a manifest path -> the manifest path. */
export function manifestPath(p: string): string {
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, MANIFEST) : p;
}

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

export function saveCheckpoint<M>(dir: string, step: number, meta: M, tensors: Map<string, tf.Tensor>): string {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.dtype !== 'float32') throw new Error(`saveCheckpoint: '${name}' is ${t.dtype}, only float32 is stored`);
    entries.push({ name, shape: t.shape, offset });
    offset += t.size * 4;
  }
  const bytes = new Uint8Array(offset);
  const view = new Float32Array(bytes.buffer);
  for (const e of entries) view.set(tensors.get(e.name)!.dataSync() as Float32Array, e.offset / 4);
  const bin = `ckpt-${String(step).padStart(6, '0')}.bin`;
  writeFileAtomic(path.join(dir, bin), bytes);
  const manifest: CheckpointManifest<M> = {
    format: CHECKPOINT_FORMAT, version: 1, meta, bin, byteLength: bytes.length, sha256: sha256(bytes), tensors: entries,
  };
  const file = path.join(dir, MANIFEST);
  writeJsonAtomic(file, manifest);
  for (const f of fs.readdirSync(dir)) if (/^ckpt-\d+\.bin$/.test(f) && f !== bin) fs.rmSync(path.join(dir, f), { force: true });
  return file;
}

/** The tensor file a manifest names (beside it), checked against the manifest's byte length and SHA-256; `kind`
 *  names the format in the errors. Shared by checkpoints and exported weights (lib/inpaint/shippedWeights.ts). */
export function readVerifiedTensorFile(manifestFile: string, m: { bin: string; byteLength: number; sha256: string }, kind: string): Uint8Array {
  const binFile = path.join(path.dirname(manifestFile), m.bin);
  if (!fs.existsSync(binFile)) throw new Error(`${kind} ${manifestFile}: its tensor file ${binFile} is missing`);
  const bytes = new Uint8Array(fs.readFileSync(binFile));
  if (bytes.length !== m.byteLength) {
    throw new Error(`${kind} ${binFile} is corrupt: ${bytes.length} bytes, the manifest ${manifestFile} says ${m.byteLength}`);
  }
  if (sha256(bytes) !== m.sha256) throw new Error(`${kind} ${binFile} is corrupt: its SHA-256 does not match the manifest ${manifestFile}`);
  return bytes;
}

/** Reads and verifies a checkpoint (run directory or manifest path); any damage is an error naming the file. */
export function loadCheckpoint<M>(p: string): LoadedCheckpoint<M> {
  const file = manifestPath(p);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${file}: not found`);
  let m: CheckpointManifest<M>;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`checkpoint ${file} is corrupt: not valid JSON (${(e as Error).message})`);
  }
  if (m?.format !== CHECKPOINT_FORMAT || m.version !== 1) {
    throw new Error(`checkpoint ${file}: not a training checkpoint (format ${String(m?.format)}, version ${String(m?.version)})`);
  }
  const bytes = readVerifiedTensorFile(file, m, 'checkpoint');
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of m.tensors) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    tensors.set(e.name, { shape: e.shape, values: all.subarray(e.offset / 4, e.offset / 4 + n) });
  }
  return { file, meta: m.meta, tensors, sha256: m.sha256 };
}

/**
 * Assigns checkpoint tensors to variables: `names` maps checkpoint name -> variable. Every variable must be in the
 * checkpoint with its exact shape; with `exact`, the checkpoint must also hold nothing else.
 */
export function assignTensors(ckpt: LoadedCheckpoint<unknown>, vars: Map<string, tf.Variable>, exact: boolean): void {
  for (const [name, v] of vars) {
    const t = ckpt.tensors.get(name);
    if (!t) throw new Error(`checkpoint ${ckpt.file} does not match this run: it has no tensor '${name}'`);
    if (!tf.util.arraysEqual(t.shape, v.shape)) {
      throw new Error(`checkpoint ${ckpt.file} does not match this run: '${name}' is [${t.shape}], this run's is [${v.shape}]`);
    }
  }
  if (exact) {
    for (const name of ckpt.tensors.keys()) {
      if (!vars.has(name)) throw new Error(`checkpoint ${ckpt.file} does not match this run: unexpected tensor '${name}'`);
    }
  }
  for (const [name, v] of vars) {
    const t = ckpt.tensors.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(t.values, t.shape, 'float32')));
  }
}
