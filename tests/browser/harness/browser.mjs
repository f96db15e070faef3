// Shared by the browser tests: bundles harness/entry.tsx with esbuild, serves it and the frames
// the backend CLI wrote, drives Debian's Chromium through playwright-core, and keeps screenshots.
//
// Frames: MODELWATCH_FRAMES_DIR (default artifacts/frames) holds <view>.json, the output of
// `modelwatch query` ({"frames": [...]}), and for comparison also comparison-numeric.json.
// Frames not in MODELWATCH_FRAMES_DIR come from tests/browser/fixtures, which also holds frames
// the demo cannot produce (confusion20.json, built by manyClassFixture in src/test/panelFrames.ts).
// Screenshots: artifacts/screenshots/<view>-<theme>-<width>x<height>.png.
// Chromium: /usr/bin/chromium (Debian's package), or MODELWATCH_CHROMIUM.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const framesDir = path.resolve(root, process.env.MODELWATCH_FRAMES_DIR ?? 'artifacts/frames');
export const fixturesDir = path.join(root, 'tests', 'browser', 'fixtures');
export const screenshotDir = path.join(root, 'artifacts', 'screenshots');
export const chromiumPath = process.env.MODELWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const THEMES = ['dark', 'light'];
export const SIZES = [
  { width: 1200, height: 700 },
  { width: 600, height: 400 },
];

/** A test id as a CSS selector. */
export const byTestId = (id) => `[data-testid="${id}"]`;

/** The frames of a CLI output file under framesDir; fails with how to produce them. */
export function readFrames(name) {
  const produced = path.join(framesDir, `${name}.json`);
  const committed = path.join(fixturesDir, `${name}.json`);
  const file = existsSync(produced) || !existsSync(committed) ? produced : committed;
  assert.ok(
    existsSync(file),
    `frames file ${file} not found: produce it with the backend CLI (make test-browser), or set MODELWATCH_FRAMES_DIR`
  );
  const body = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(body) ? body : body.frames;
}

async function bundle(outDir, entry) {
  await esbuild.build({
    entryPoints: [path.join(root, 'tests', 'browser', 'harness', `${entry}.tsx`)],
    outfile: path.join(outDir, 'bundle.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    minify: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  });
}

const ICONS_PATH = '/public/build/img/icons/';
const uiIconsDir = path.join(root, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');

function serve(outDir) {
  const hasCss = existsSync(path.join(outDir, 'bundle.css'));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Modelwatch harness</title>${
    hasCss ? '<link rel="stylesheet" href="/bundle.css">' : ''
  }</head><body><div id="root"></div><script src="/bundle.js"></script></body></html>`;
  const inside = (dir, pathname) => {
    const file = path.join(dir, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    return file.startsWith(dir + path.sep) && existsSync(file) ? file : undefined;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    // Grafana's icons (the Models page's buttons and spinner), from @grafana/ui's own copies;
    // the spinner, which Grafana ships itself, as an empty image.
    if (url.pathname.startsWith(ICONS_PATH)) {
      const icon = inside(uiIconsDir, url.pathname.slice(ICONS_PATH.length));
      res.writeHead(icon || url.pathname.endsWith('/spinner.svg') ? 200 : 404, { 'content-type': 'image/svg+xml' });
      res.end(icon ? readFileSync(icon) : '<svg xmlns="http://www.w3.org/2000/svg"/>');
      return;
    }
    const name = url.pathname.slice('/frames/'.length);
    const frames = url.pathname.startsWith('/frames/') && (inside(framesDir, name) || inside(fixturesDir, name));
    const file = frames || inside(outDir, url.pathname);
    if (!file && url.pathname.startsWith('/frames/') && url.searchParams.has('optional')) {
      // A frames file the page can do without (a second query): no frames, and no 404 in the console.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"frames":[]}');
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.json')
      ? 'application/json'
      : file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.css')
          ? 'text/css'
          : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Builds the harness, serves it and starts Chromium. Returns { open, close }: open(query) loads
 * the harness page with those query parameters and waits until the view is drawn. entry names the
 * page's script under harness/: entry.tsx (the panel's views) or models.tsx (the app's Models page).
 */
export async function startHarness(entry = 'entry') {
  assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'modelwatch-browser-'));
  let server;
  let context;
  const close = async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const outDir = path.join(workDir, 'out');
    await bundle(outDir, entry);
    server = await serve(outDir);
    const baseUrl = `http://127.0.0.1:${server.address().port}`;
    context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    mkdirSync(screenshotDir, { recursive: true });

    /** Runs check(page) on the harness page for a view, theme and size, then keeps a screenshot. */
    const render = async ({ view, theme, size, params = {} }, check) => {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
      try {
        // The panel gets the viewport less the harness's 8 px padding on each side.
        await page.setViewportSize(size);
        const query = new URLSearchParams({
          view,
          theme,
          width: String(size.width - 16),
          height: String(size.height - 16),
          ...params,
        });
        await page.goto(`${baseUrl}/?${query}`);
        await page.waitForFunction(() => window.harnessState !== undefined, null, { timeout: 30_000 });
        const state = await page.evaluate(() => window.harnessState);
        assert.equal(state.status, 'ready', state.error);
        await check(page, state);
        const file = path.join(screenshotDir, `${view}-${theme}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        assert.ok(existsSync(file));
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    };
    return { render, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Declares one test per theme and size around a harness started once for the file. A failure
 * while starting is reported by every test, so that it counts as failed tests rather than as a
 * suite that ran none.
 */
export function harnessTests({ describe, test, before, after }, title, view, check, params, entry = 'entry') {
  describe(title, { timeout: 180_000 }, () => {
    let harness;
    let setupError;
    before(async () => {
      try {
        harness = await startHarness(entry);
      } catch (error) {
        setupError = error;
      }
    });
    after(async () => {
      await harness?.close();
    });
    for (const theme of THEMES) {
      for (const size of SIZES) {
        test(`${theme} theme, ${size.width}x${size.height}`, async () => {
          if (setupError) {
            throw setupError;
          }
          await harness.render({ view, theme, size, params }, (page, state) => check(page, state, { theme, size }));
        });
      }
    }
  });
}
