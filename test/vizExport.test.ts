// lib/viz static export through headless Chromium. Skipped (with the reason) only when /usr/bin/chromium
// is absent; install it with `bash scripts/setup.sh`.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { closeFigureRenderer, exportFigure, type Figure, renderFigure } from '../lib/viz';

const skip = fs.existsSync('/usr/bin/chromium')
  ? false
  : '/usr/bin/chromium is absent (Debian package chromium; bash scripts/setup.sh)';
after(closeFigureRenderer);

// A thick pure-red line: if plotly really drew the trace, the PNG has many pure-red pixels.
const fig: Figure = {
  data: [{ y: new Float32Array([3, 1, 2, 0.5]), type: 'scatter', mode: 'lines', line: { color: '#ff0000', width: 6 } }],
  layout: { title: { text: 'render check' }, xaxis: { title: { text: 'step' } } },
};

async function redPixels(png: Buffer): Promise<{ width: number; height: number; red: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let red = 0;
  for (let i = 0; i < data.length; i += 3) if (data[i] > 230 && data[i + 1] < 30 && data[i + 2] < 30) red++;
  return { width: info.width, height: info.height, red };
}

test('renderFigure draws the trace into a PNG of the requested size, and SVG with the title', { skip }, async () => {
  let t = Date.now();
  const png = await renderFigure(fig, 'png', { width: 300, height: 200, scale: 2 });
  const first = Date.now() - t;
  t = Date.now();
  const again = await renderFigure(fig, 'png', { width: 300, height: 200, scale: 2 });
  console.log(`# first PNG (browser launch included) ${first} ms, next PNG ${Date.now() - t} ms`);
  const { width, height, red } = await redPixels(png);
  assert.deepEqual([width, height], [600, 400]);
  assert.ok(red > 500, `expected the red trace in the PNG, found ${red} red pixels`);
  assert.equal((await redPixels(again)).red, red, 'same figure, same rendering');
  const svg = await renderFigure(fig, 'svg', { width: 300, height: 200 });
  assert.match(svg, /^<svg/);
  assert.match(svg, /render check/);
  assert.match(svg, /font-family: ?"?'?DejaVu Sans/, 'in the named font, not whatever arial resolves to');
  assert.doesNotMatch(svg, /Open Sans/);
});

test('renderFigure rejects a string title before launching anything', { skip }, async () => {
  await assert.rejects(renderFigure({ data: [], layout: { title: 'x' } }, 'png'), /layout\.title is the string/);
});

test('exportFigure writes <name>.png and <name>.svg into FIGURES_DIR, no temp files left', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-export-'));
  const saved = process.env.FIGURES_DIR;
  process.env.FIGURES_DIR = dir;
  try {
    const written = await exportFigure(fig, 'check', { width: 320, height: 240 });
    assert.deepEqual(written, [path.join(dir, 'check.png'), path.join(dir, 'check.svg')]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['check.png', 'check.svg']);
    const meta = await sharp(fs.readFileSync(written[0])).metadata();
    assert.deepEqual([meta.width, meta.height], [640, 480]); // default scale 2
    await assert.rejects(exportFigure(fig, '../escape'), /figure name "\.\.\/escape"/);
  } finally {
    if (saved === undefined) delete process.env.FIGURES_DIR;
    else process.env.FIGURES_DIR = saved;
    fs.rmSync(dir, { recursive: true });
  }
});
