// Renders plotly figures to PNG/SVG with a headless Chromium (Debian's /usr/bin/chromium by default) and
// plotly.js from node_modules: no network, no plotly.js in the notebooks.
// One browser per process: launched on first use (~2-3 s), reused (~30 ms a figure), and closed after
// IDLE_MS without renders, because its pipe keeps Node's event loop alive: a script that forgets
// closeFigureRenderer() still exits, just IDLE_MS later.
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { type Figure, figureJson } from './figure';

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const IDLE_MS = 10_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface RenderOptions {
  width?: number; // CSS pixels
  height?: number;
  scale?: number; // PNG pixel density: the PNG is width*scale x height*scale
}

interface Session {
  browser: Browser;
  page: Page;
}
let session: Promise<Session> | null = null;
let idleTimer: NodeJS.Timeout | null = null;

async function openSession(): Promise<Session> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) {
    throw new Error(`no Chromium at ${exe}: install Debian's chromium (bash scripts/setup.sh) or set CHROMIUM_PATH`);
  }
  const { chromium } = await import('playwright-core');
  // playwright gives each launch a fresh, empty --user-data-dir and deletes it on close.
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: fs.readFileSync(require.resolve('plotly.js-dist'), 'utf8') });
  return { browser, page };
}

export async function closeFigureRenderer(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const s = session;
  session = null;
  const opened = s ? await s.catch(() => null) : null;
  await opened?.browser.close();
}

// Returns PNG bytes (format 'png') or SVG text (format 'svg').
export async function renderFigure(fig: Figure, format: 'png', opts?: RenderOptions): Promise<Buffer>;
export async function renderFigure(fig: Figure, format: 'svg', opts?: RenderOptions): Promise<string>;
export async function renderFigure(
  fig: Figure,
  format: 'png' | 'svg',
  opts: RenderOptions = {},
): Promise<Buffer | string> {
  const json = figureJson(fig);
  const { width = 700, height = 420, scale = 1 } = opts;
  if (idleTimer) clearTimeout(idleTimer);
  if (!session) {
    session = openSession();
    session.catch(() => {
      session = null;
    }); // a failed launch is retried on the next call
  }
  try {
    const url = await (await session).page.evaluate(
      ({ fig, opts }) =>
        (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly.toImage(
          fig,
          opts,
        ),
      { fig: json, opts: { format, width, height, scale } },
    );
    // toImage returns 'data:image/png;base64,...' or 'data:image/svg+xml,<url-encoded svg>'
    const body = url.slice(url.indexOf(',') + 1);
    return format === 'png' ? Buffer.from(body, 'base64') : decodeURIComponent(body);
  } finally {
    idleTimer = setTimeout(() => {
      void closeFigureRenderer();
    }, IDLE_MS);
    idleTimer.unref();
  }
}
