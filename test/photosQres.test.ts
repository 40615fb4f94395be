// lib/data/qres.ts on a Qt resource file built here byte by byte, following Qt's rcc writer (RCCResourceLibrary):
// version 3 header, a root with one directory holding a raw and a qCompress'd (zlib) file, UTF-16 names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { readQres } from '../lib/data/qres';

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

/** names: [len u16][hash u32][utf16be]; data: [size u32][bytes]; tree nodes of 22 bytes (version >= 2). */
function buildRcc(version: number): { file: Buffer; raw: Buffer; packed: Buffer } {
  const raw = Buffer.from('plain bytes, stored as they are');
  const packed = Buffer.from('compressed '.repeat(50));
  const names: Buffer[] = [];
  const nameOffset = (s: string) => {
    const at = names.reduce((n, b) => n + b.length, 0);
    const utf16 = Buffer.from(s, 'utf16le').swap16();
    names.push(Buffer.concat([u16(s.length), u32(0), utf16]));
    return at;
  };
  const dirName = nameOffset('resource');
  const rawName = nameOffset('a.txt');
  const zName = nameOffset('b.txt');
  const qCompressed = Buffer.concat([u32(packed.length), zlib.deflateSync(packed)]);
  const data = Buffer.concat([u32(raw.length), raw, u32(qCompressed.length), qCompressed]);
  const time = version >= 2 ? Buffer.alloc(8) : Buffer.alloc(0);
  const node = (name: number, flags: number, a: Buffer, b: Buffer) =>
    Buffer.concat([u32(name), u16(flags), a, b, time]);
  const tree = Buffer.concat([
    node(0, 2, u32(1), u32(1)), // root: 1 child starting at node 1
    node(dirName, 2, u32(2), u32(2)), // resource/: 2 children at nodes 2, 3
    node(rawName, 0, Buffer.concat([u16(0), u16(0)]), u32(0)),
    node(zName, 1, Buffer.concat([u16(0), u16(0)]), u32(4 + raw.length)),
  ]);
  const headerSize = version >= 3 ? 24 : 20;
  const treeAt = headerSize;
  const dataAt = treeAt + tree.length;
  const namesAt = dataAt + data.length;
  const header = Buffer.concat([
    Buffer.from('qres'),
    u32(version),
    u32(treeAt),
    u32(dataAt),
    u32(namesAt),
    version >= 3 ? u32(0) : Buffer.alloc(0),
  ]);
  return { file: Buffer.concat([header, tree, data, ...names]), raw, packed };
}

for (const version of [1, 3]) {
  test(`readQres: version ${version}: paths, raw and zlib entries read back byte for byte`, () => {
    const { file, raw, packed } = buildRcc(version);
    const entries = readQres(file);
    assert.deepEqual(
      entries.map((e) => e.path),
      ['resource/a.txt', 'resource/b.txt'],
    );
    assert.deepEqual(
      entries.map((e) => e.compressed),
      [false, true],
    );
    assert.ok(entries[0].read().equals(raw));
    assert.ok(entries[1].read().equals(packed));
  });
}

test('readQres: not a resource file, or a truncated one, is one clear error', () => {
  assert.throws(
    () => readQres(Buffer.from('PK\u0003\u0004 zip file, not qres.......'), 'x.rcc'),
    /x\.rcc: not a Qt resource file/,
  );
  const { file } = buildRcc(3);
  assert.throws(() => readQres(file.subarray(0, 60), 'cut.rcc'), /cut\.rcc: .*outside the file/);
});
