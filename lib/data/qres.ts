// Reader of Qt resource files (.rcc, the "qres" format written by Qt's rcc tool), used to pull the photographs out
// of gcompris-qt-data (scripts/fetch-photos.ts). Layout (big-endian), per Qt's qresource.cpp:
//   header   "qres", version (1-3), tree offset, data offset, names offset, [version >= 3: flags]
//   tree     nodes of 14 bytes (version 1) or 22 (version >= 2, + 8-byte modification time); node 0 is the root:
//            name offset u32, flags u16 (1 = zlib, 2 = directory, 4 = zstd), then
//            directory: child count u32, index of the first child u32;
//            file: country u16, language u16, data offset u32
//   names    u16 length, u32 hash, length UTF-16 code units
//   data     u32 size, then the bytes; zlib entries are qCompress output: u32 uncompressed size + a zlib stream
import * as zlib from 'node:zlib';

const FLAG_ZLIB = 1;
const FLAG_DIRECTORY = 2;
const FLAG_ZSTD = 4;

export interface QresEntry {
  path: string; // '/'-separated, no leading slash
  compressed: boolean;
  read(): Buffer; // the entry's bytes, decompressed
}

/** Every file in the resource file's bytes, depth first, children in stored order. */
export function readQres(buf: Buffer, name = 'rcc file'): QresEntry[] {
  if (buf.length < 20 || buf.toString('latin1', 0, 4) !== 'qres')
    throw new Error(`${name}: not a Qt resource file (no 'qres' magic)`);
  const version = buf.readUInt32BE(4);
  if (version < 1 || version > 3) throw new Error(`${name}: unsupported qres version ${version} (expected 1-3)`);
  const tree = buf.readUInt32BE(8);
  const data = buf.readUInt32BE(12);
  const names = buf.readUInt32BE(16);
  const nodeSize = version >= 2 ? 22 : 14;
  const nameAt = (offset: number): string => {
    const at = names + offset;
    const length = buf.readUInt16BE(at);
    const chars: number[] = [];
    for (let i = 0; i < length; i++) chars.push(buf.readUInt16BE(at + 6 + 2 * i));
    return String.fromCharCode(...chars);
  };
  const out: QresEntry[] = [];
  const visit = (node: number, prefix: string): void => {
    const at = tree + node * nodeSize;
    if (at + nodeSize > buf.length) throw new Error(`${name}: tree node ${node} lies outside the file`);
    const flags = buf.readUInt16BE(at + 4);
    const here = node === 0 ? '' : prefix + nameAt(buf.readUInt32BE(at));
    if (flags & FLAG_DIRECTORY) {
      const count = buf.readUInt32BE(at + 6);
      const first = buf.readUInt32BE(at + 10);
      for (let c = 0; c < count; c++) visit(first + c, here === '' ? '' : `${here}/`);
      return;
    }
    const offset = data + buf.readUInt32BE(at + 10);
    const size = buf.readUInt32BE(offset);
    if (offset + 4 + size > buf.length) throw new Error(`${name}: data of '${here}' lies outside the file`);
    const path = here;
    out.push({
      path,
      compressed: (flags & (FLAG_ZLIB | FLAG_ZSTD)) !== 0,
      read: () => {
        const bytes = buf.subarray(offset + 4, offset + 4 + size);
        if (flags & FLAG_ZSTD)
          throw new Error(`${name}: '${path}' is zstd-compressed, which this reader does not support`);
        return flags & FLAG_ZLIB ? zlib.inflateSync(bytes.subarray(4)) : Buffer.from(bytes);
      },
    });
  };
  visit(0, '');
  return out;
}
