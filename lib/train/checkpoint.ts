// Training checkpoints: all tensors in one binary file plus a JSON manifest (names, shapes, offsets, a SHA-256 of
// the binary, and the run's metadata). Both are written atomically, the binary first under a step-numbered name
// and the manifest last, so a run killed at any moment leaves the previous manifest pointing at the previous,
// complete binary; older binaries are deleted only after the new manifest is in place. A write that fails (a full
// disk) removes its half-written file and says which checkpoint is still good.
// The manifest is trusted no further than it is checked: validateTensorTable requires the layout saveCheckpoint
// writes (tensors contiguous in manifest order, covering the whole file), so a damaged or edited table (swapped
// offsets, a tensor outside the file, overlaps) is refused with the file named, like a damaged tensor file.
// checkOutputFolder is the one place that refuses to write into a folder holding something else (a run, exported
// weights, experiment results, other files).
//   <dir>/ckpt.json            manifest (the checkpoint's identity: pass this file or <dir> to --resume / --init)
//   <dir>/ckpt-000120.bin      float32 little-endian tensors, concatenated
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomicWrite';
import { withRecordedStageNames } from '../config/presets';

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

/** One tensor table entry's values start at `offset` and take `size * bytesPerValue` bytes. */
export function validateTensorTable(
  file: string,
  m: { tensors?: unknown; byteLength?: unknown },
  bytesPerValue: number,
): TensorEntry[] {
  const bad = (what: string) =>
    new Error(`${file} is corrupt: ${what}; restore it from a copy or use another checkpoint`);
  if (!Array.isArray(m.tensors)) throw bad('it has no tensor table (tensors)');
  if (!Number.isSafeInteger(m.byteLength)) throw bad('it has no valid byteLength');
  const seen = new Set<string>();
  let next = 0;
  for (const [k, e] of (m.tensors as TensorEntry[]).entries()) {
    const name = typeof e?.name === 'string' ? e.name : '';
    if (!name || seen.has(name)) throw bad(`tensor ${k} has ${name ? `the duplicate name '${name}'` : 'no name'}`);
    seen.add(name);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw bad(`tensor '${name}' has no valid shape`);
    if (e.offset !== next)
      throw bad(
        `tensor '${name}' starts at byte ${String(e.offset)}, expected ${next} ` +
          `(tensors are stored contiguously in table order)`,
      );
    next += e.shape.reduce((a, b) => a * b, 1) * bytesPerValue;
  }
  if (next !== m.byteLength) throw bad(`its tensors take ${next} bytes, the tensor file ${m.byteLength}`);
  return m.tensors as TensorEntry[];
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
  const manifest: CheckpointManifest<M> = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    meta,
    bin,
    byteLength: bytes.length,
    sha256: sha256(bytes),
    tensors: entries,
  };
  const file = path.join(dir, MANIFEST);
  try {
    writeFileAtomic(path.join(dir, bin), bytes);
    writeJsonAtomic(file, manifest);
  } catch (e) {
    removeTemporaryFiles(dir);
    const kept = hasCheckpoint(dir)
      ? `${file} (step ${readManifestStep(file)}) is still the good checkpoint`
      : 'no checkpoint is kept there';
    throw new Error(`writing the checkpoint of step ${step} into ${dir} failed (${(e as Error).message}); ${kept}`);
  }
  for (const f of fs.readdirSync(dir))
    if (/^ckpt-\d+\.bin$/.test(f) && f !== bin) fs.rmSync(path.join(dir, f), { force: true });
  return file;
}

/** Deletes the half-written files a failed or killed write left in `dir` (writeFileAtomic's '<name>.<pid>.tmp'). */
export function removeTemporaryFiles(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) if (/\.\d+\.tmp$/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
}

function readManifestStep(file: string): string {
  try {
    return String(JSON.parse(fs.readFileSync(file, 'utf8')).meta.step);
  } catch {
    return '?';
  }
}

/** The tensor file a manifest names (beside it), checked against the manifest's byte length and SHA-256; `kind`
 *  names the format in the errors. Shared by checkpoints and exported weights (lib/io/shippedWeights.ts). */
export function readVerifiedTensorFile(
  manifestFile: string,
  m: { bin: string; byteLength: number; sha256: string },
  kind: string,
): Uint8Array {
  const binFile = path.join(path.dirname(manifestFile), m.bin);
  if (!fs.existsSync(binFile)) throw new Error(`${kind} ${manifestFile}: its tensor file ${binFile} is missing`);
  const bytes = new Uint8Array(fs.readFileSync(binFile));
  if (bytes.length !== m.byteLength) {
    throw new Error(
      `${kind} ${binFile} is corrupt: ${bytes.length} bytes, the manifest ${manifestFile} says ${m.byteLength}`,
    );
  }
  if (sha256(bytes) !== m.sha256)
    throw new Error(`${kind} ${binFile} is corrupt: its SHA-256 does not match the manifest ${manifestFile}`);
  return bytes;
}

/** Parses a manifest; a tensor file or other non-JSON file passed in its place is named as such. */
export function readJsonManifest(file: string, kind: string): unknown {
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('utf8');
  if (/\.bin$/.test(file) || bytes.subarray(0, 4096).includes(0)) {
    throw new Error(`${file} is a tensor file, not a ${kind} manifest: give its folder or the .json beside it`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${kind} ${file} is corrupt: not valid JSON (${oneLineMessage(e)}); restore it from a copy`);
  }
}

const oneLineMessage = (e: unknown) => (e as Error).message.split('\n')[0];

/** Reads and verifies a checkpoint (run directory or manifest path); any damage is an error naming the file. */
export function loadCheckpoint<M>(p: string): LoadedCheckpoint<M> {
  const file = manifestPath(p);
  if (!fs.existsSync(file)) {
    const folder = fs.existsSync(p) ? describeFolder(p) : null;
    throw new Error(
      folder && folder.kind !== 'empty'
        ? `${p} holds ${folder.what}, not a training checkpoint: ` +
            `give a run folder (with ${MANIFEST}) or its ${MANIFEST}`
        : `checkpoint ${file}: not found (give a run folder holding ${MANIFEST}, or the ${MANIFEST} itself)`,
    );
  }
  const m = readJsonManifest(file, 'checkpoint') as CheckpointManifest<M>;
  if (m?.format !== CHECKPOINT_FORMAT || m.version !== 1) {
    throw new Error(
      `checkpoint ${file}: not a training checkpoint (format ${String(m?.format)}, version ${String(m?.version)})`,
    );
  }
  const entries = validateTensorTable(file, m, 4);
  const bytes = readVerifiedTensorFile(file, m, 'checkpoint');
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    tensors.set(e.name, { shape: e.shape, values: all.subarray(e.offset / 4, e.offset / 4 + n) });
  }
  return { file, meta: withRecordedStageNames(m.meta), tensors, sha256: m.sha256 };
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
      throw new Error(
        `checkpoint ${ckpt.file} does not match this run: '${name}' is [${t.shape}], this run's is [${v.shape}]`,
      );
    }
  }
  if (exact) {
    for (const name of ckpt.tensors.keys()) {
      if (!vars.has(name))
        throw new Error(`checkpoint ${ckpt.file} does not match this run: unexpected tensor '${name}'`);
    }
  }
  for (const [name, v] of vars) {
    const t = ckpt.tensors.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(t.values, t.shape, 'float32')));
  }
}

export type FolderKind =
  | 'missing'
  | 'empty'
  | 'file'
  | 'checkpoint'
  | 'average'
  | 'unfinished-run'
  | 'weights'
  | 'results'
  | 'other';

/** What a path holds, as the writers of this project see it; `what` says it in words for the errors. */
export function describeFolder(dir: string): { kind: FolderKind; what: string } {
  if (!fs.existsSync(dir)) return { kind: 'missing', what: 'nothing' };
  if (!fs.statSync(dir).isDirectory()) return { kind: 'file', what: 'a file' };
  const files = fs.readdirSync(dir);
  const has = (f: string) => files.includes(f);
  if (files.length === 0) return { kind: 'empty', what: 'nothing' };
  if (has(MANIFEST)) {
    let averaged = false;
    try {
      averaged = Boolean(JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'))?.meta?.averagedFrom);
    } catch {
      // unreadable: still a checkpoint folder, loadCheckpoint names the damage
    }
    return averaged
      ? { kind: 'average', what: 'an averaged checkpoint' }
      : { kind: 'checkpoint', what: 'a training run (ckpt.json)' };
  }
  if (has('weights.json')) {
    let stage = '?';
    try {
      stage = String(JSON.parse(fs.readFileSync(path.join(dir, 'weights.json'), 'utf8'))?.stage);
    } catch {
      // unreadable
    }
    return { kind: 'weights', what: `exported ${stage} weights (weights.json)` };
  }
  if (has('spec.json') || has('per_image.jsonl')) return { kind: 'results', what: 'experiment results (spec.json)' };
  if (files.every((f) => ['log.jsonl', 'lock', 'snapshots'].includes(f) || /\.tmp$/.test(f) || /^lock\./.test(f))) {
    return { kind: 'unfinished-run', what: 'a run stopped before its first checkpoint' };
  }
  return { kind: 'other', what: `other files (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''})` };
}

/**
 * Refuses to write `writer`'s output into `dir` unless it is missing, empty or of a kind in `replaces`; the error
 * names the flag, the folder, what it holds and what to do. Creates the folder (a read-only or missing parent is
 * named as such).
 */
export function checkOutputFolder(dir: string, flag: string, replaces: FolderKind[]): void {
  const { kind, what } = describeFolder(dir);
  if (kind === 'file') throw new Error(`${flag} ${dir} is a file; give a folder`);
  if (kind !== 'missing' && kind !== 'empty' && !replaces.includes(kind)) {
    throw new Error(`${flag} ${dir} holds ${what}; choose another folder (it is not replaced)`);
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    let parent = path.dirname(path.resolve(dir));
    while (!fs.existsSync(parent)) parent = path.dirname(parent);
    let why = oneLineMessage(e);
    try {
      fs.accessSync(parent, fs.constants.W_OK); // names a read-only file system as such (mkdir may say ENOENT)
    } catch (denied) {
      why = `${parent} is not writable (${(denied as NodeJS.ErrnoException).code})`;
    }
    throw new Error(`${flag} ${dir}: cannot create the folder: ${why}`);
  }
}
