// Renders the panel's confusion matrix in real Chromium from frames the backend returned, checks
// what a user sees, and keeps screenshots for review.
//
// Input: MODELWATCH_FRAMES (default artifacts/frames/confusion.json), the output of the backend
// CLI: {"frames": [<SDK frame JSON>, ...]} with a confusion frame holding every version of the query.
// Output: artifacts/screenshots/confusion-dark.png and confusion-light.png.
// Chromium: /usr/bin/chromium (Debian's package), or MODELWATCH_CHROMIUM.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const framesPath = path.resolve(root, process.env.MODELWATCH_FRAMES ?? 'artifacts/frames/confusion.json');
const screenshotDir = path.join(root, 'artifacts', 'screenshots');
const chromiumPath = process.env.MODELWATCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Must match formatCount in src/panel/views/ConfusionMatrix.tsx.
const formatCount = (count) => new Intl.NumberFormat('en-US').format(count);
const CELL = '[data-testid="modelwatch-confusion-cell"]';
const COUNT = '[data-testid="modelwatch-confusion-count"]';
const MATRIX = '[data-testid="modelwatch-confusion-matrix"]';

/**
 * The expected matrices, computed from the raw SDK JSON independently of the panel code: one
 * per (model, version) of each confusion frame (the backend puts every version in one frame).
 */
function expectedMatrices(frames) {
  const matrices = [];
  for (const frame of frames.filter((f) => f.schema?.meta?.custom?.kind === 'confusion')) {
    const names = frame.schema.fields.map((field) => field.name);
    const column = (name) => frame.data.values[names.indexOf(name)];
    const [actual, predicted, count, versions] = ['actual', 'predicted', 'count', 'version'].map(column);
    const model = frame.schema.meta.custom.model;
    const byVersion = new Map();
    actual.forEach((a, i) => {
      const version = versions ? versions[i] : frame.schema.meta.custom.version;
      if (!byVersion.has(version)) {
        byVersion.set(version, []);
      }
      byVersion.get(version).push(i);
    });
    for (const [version, rows] of byVersion) {
      const labels = [...(frame.schema.meta.custom.labels ?? [])];
      for (const i of rows) {
        for (const label of [actual[i], predicted[i]]) {
          if (!labels.includes(label)) {
            labels.push(label);
          }
        }
      }
      const counts = labels.map(() => labels.map(() => 0));
      for (const i of rows) {
        counts[labels.indexOf(actual[i])][labels.indexOf(predicted[i])] += Number(count[i] ?? 0);
      }
      matrices.push({ labels, counts, model, version });
    }
  }
  return matrices;
}

function readFrames() {
  assert.ok(
    existsSync(framesPath),
    `frames file ${framesPath} not found: produce it with the backend CLI, or set MODELWATCH_FRAMES`
  );
  const body = JSON.parse(readFileSync(framesPath, 'utf8'));
  return Array.isArray(body) ? body : body.frames;
}

describe('confusion matrix in Chromium', { timeout: 180_000 }, () => {
  let frames;
  let expected;
  let workDir;
  let server;
  let baseUrl;
  let context;
  // A failure while setting up is reported by every test, so that it counts as failed tests
  // rather than as a suite that ran none.
  let setupError;

  before(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  });

  async function setUp() {
    frames = readFrames();
    expected = expectedMatrices(frames);
    assert.ok(expected.length > 0, `no frame with meta.custom.kind "confusion" in ${framesPath}`);
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);

    workDir = mkdtempSync(path.join(os.tmpdir(), 'modelwatch-browser-'));
    const outDir = path.join(workDir, 'out');
    await esbuild.build({
      entryPoints: [path.join(root, 'tests', 'browser', 'harness', 'entry.tsx')],
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
    const hasCss = existsSync(path.join(outDir, 'bundle.css'));
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Modelwatch harness</title>${
      hasCss ? '<link rel="stylesheet" href="/bundle.css">' : ''
    }</head><body><div id="root"></div><script src="/bundle.js"></script></body></html>`;
    const framesJson = JSON.stringify({ frames });

    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (url.pathname === '/frames.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(framesJson);
      } else {
        const file = path.join(outDir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
        if (file.startsWith(outDir) && existsSync(file)) {
          const type = file.endsWith('.js')
            ? 'text/javascript'
            : file.endsWith('.css')
              ? 'text/css'
              : 'application/octet-stream';
          res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
        } else {
          res.writeHead(404).end();
        }
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${server.address().port}`;

    context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 800, height: 560 },
    });
    mkdirSync(screenshotDir, { recursive: true });
  }

  after(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  for (const mode of ['dark', 'light']) {
    test(`${mode} theme: one N x N matrix per frame with the backend's counts`, async () => {
      if (setupError) {
        throw setupError;
      }
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
      try {
        await page.goto(`${baseUrl}/?theme=${mode}`);
        await page.waitForFunction(() => window.harnessState !== undefined, null, { timeout: 30_000 });
        const state = await page.evaluate(() => window.harnessState);
        assert.equal(state.status, 'ready', state.error);
        assert.equal(state.matrices, expected.length);

        const matrices = page.locator(MATRIX);
        assert.equal(await matrices.count(), expected.length, 'one matrix per confusion frame');
        for (const [i, want] of expected.entries()) {
          const matrix = matrices.nth(i);
          const cells = matrix.locator(CELL);
          const n = want.labels.length;
          assert.equal(await cells.count(), n * n, `matrix ${i} has labels² cells`);
          let visible = 0;
          for (let c = 0; c < n * n; c++) {
            if (await cells.nth(c).isVisible()) {
              visible++;
            }
          }
          assert.equal(visible, n * n, `all ${n * n} cells of matrix ${i} are visible`);

          const shown = await matrix.locator(COUNT).allTextContents();
          assert.deepEqual(shown, want.counts.flat().map(formatCount), `matrix ${i} shows the frame's counts in order`);
          const text = await matrix.innerText();
          for (const label of want.labels) {
            assert.ok(text.includes(label), `label ${label} is shown`);
          }
          for (const word of ['Actual', 'Predicted']) {
            assert.ok(text.includes(word), `axis title ${word} is shown`);
          }
          if (want.model) {
            assert.ok(text.includes(want.model), `title names model ${want.model}`);
          }
        }
        const file = path.join(screenshotDir, `confusion-${mode}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(existsSync(file));
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    });
  }
});
