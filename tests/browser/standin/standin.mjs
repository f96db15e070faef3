// Starts what the stand-in tests need: the host page (tests/browser/standin/host.tsx bundled
// with esbuild, SystemJS and its AMD extra from node_modules, Grafana's boot data), the Grafana
// stand-in (tests/standin/cmd/standin, built here) in front of the built plugin (dist/ and its
// backend binary) over the demo store and a demo store ending now (written here with the CLI),
// and Chromium.
//
// Needs: dist/ built (make frontend) with its backend binary (make backend), the CLI (make
// build), and the demo store make test-browser writes (artifacts/test-demo.duckdb), or
// MODELWATCH_STANDIN_STORE.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

import { CHROMIUM_FLAGS, chromiumPath, root, screenshotDir } from '../harness/browser.mjs';

const axeDir = path.join(root, 'artifacts', 'axe');
const store = path.resolve(root, process.env.MODELWATCH_STANDIN_STORE ?? 'artifacts/test-demo.duckdb');
const cli = path.join(root, 'bin', 'modelwatch');
const pluginBinary = path.join(
  root,
  'dist',
  'datasource',
  `gpx_modelwatch_linux_${os.arch() === 'arm64' ? 'arm64' : 'amd64'}`
);

/** Grafana's boot data, read by @grafana/runtime's config when it loads. */
const BOOT = {
  settings: {
    featureToggles: {},
    appSubUrl: '',
    buildInfo: { version: '12.4.0', edition: 'Open Source' },
    datasources: {},
    panels: {},
  },
  user: { theme: 'dark', orgId: 1, orgRole: 'Admin', isSignedIn: true, login: 'admin' },
  navTree: [],
  assets: {},
};

async function writeHost(dir) {
  await esbuild.build({
    entryPoints: [path.join(root, 'tests', 'browser', 'standin', 'host.tsx')],
    outfile: path.join(dir, 'host.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  });
  assert.ok(existsSync(path.join(dir, 'host.css')), 'the host bundle has no styles: @grafana/ui imports uPlot.min.css');
  const systemjs = path.join(root, 'node_modules', 'systemjs', 'dist');
  copyFileSync(path.join(systemjs, 'system.js'), path.join(dir, 'system.js'));
  copyFileSync(path.join(systemjs, 'extras', 'amd.js'), path.join(dir, 'amd.js'));
  // As Grafana's index: the styles its own bundle carries (uPlot's, imported by @grafana/ui),
  // SystemJS and its AMD extra, then the global define hidden from the libraries (the loader
  // hands it to plugin bundles only), then the page (which draws Grafana's global styles with
  // its theme).
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Modelwatch in the Grafana stand-in</title>
<link rel="stylesheet" href="/host.css">
<script>window.grafanaBootData = ${JSON.stringify(BOOT)};</script>
<script src="/system.js"></script><script src="/amd.js"></script>
<script>window.__grafana_amd_define = window.define; window.define = undefined;</script>
</head><body><div id="root"></div><script src="/host.js"></script></body></html>`
  );
}

/**
 * Writes the demo data set ending now, for the views that read the last hours, beside the demo
 * store (the folder the plugin may open), under a name of its own: suites running at once each
 * have theirs. Returns its path and a function that removes it.
 */
function writeLiveStore() {
  const file = path.join(path.dirname(store), `test-live-${process.pid}-${Date.now()}.duckdb`);
  const remove = () => [file, `${file}.wal`].forEach((f) => rmSync(f, { force: true }));
  const written = spawnSync(cli, ['demo', '--db', file, '--end', 'now'], { cwd: root, encoding: 'utf8' });
  if (written.status !== 0) {
    remove();
  }
  assert.equal(written.status, 0, `modelwatch demo --end now: ${written.stderr}`);
  return { file, remove };
}

function buildStandin(dir) {
  const out = path.join(dir, 'standin');
  const built = spawnSync('go', ['build', '-o', out, './tests/standin/cmd/standin'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, `go build ./tests/standin/cmd/standin: ${built.stderr}`);
  return out;
}

/** Starts the stand-in and resolves with its URL once it listens. */
function startStandin(binary, host, dist, liveStore) {
  const child = spawn(
    binary,
    [
      '-binary',
      pluginBinary,
      '-dist',
      dist,
      '-host',
      host,
      '-store',
      store,
      '-live',
      liveStore,
      '-icons',
      path.join(root, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons'),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] }
  );
  const logs = [];
  child.stderr.on('data', (chunk) => logs.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^listening on (\S+)$/.exec(line);
      if (match) {
        resolve({ url: match[1], child, logs });
      }
    });
    child.on('exit', (code) => reject(new Error(`the stand-in exited (${code}): ${logs.join('').slice(-2000)}`)));
  });
}

const axeScript = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Scans the page as drawn with axe-core (WCAG 2.x A and AA rules and axe's best practices):
 * every violation is written to artifacts/axe/<name>.json, and a serious or critical one fails.
 * What the stand-in draws in Grafana's place (its Run query and Save & test buttons, the health
 * message, the answers it prints; marked data-standin-host) is left out: it is not the plugin.
 */
async function assertAccessible(page, name) {
  await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(
      { include: [['body']], exclude: [['[data-standin-host]']] },
      { resultTypes: ['violations'] }
    );
    return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
      id,
      impact,
      help,
      helpUrl,
      nodes: nodes.map((node) => ({ target: node.target, html: node.html, summary: node.failureSummary })),
    }));
  });
  mkdirSync(axeDir, { recursive: true });
  writeFileSync(path.join(axeDir, `${name}.json`), `${JSON.stringify(violations, null, 1)}\n`);
  const serious = violations.filter((violation) => ['serious', 'critical'].includes(violation.impact));
  assert.deepEqual(
    serious.map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.length} nodes, first ${violation.nodes[0]?.html})`
    ),
    [],
    `axe-core on ${name}`
  );
}

/**
 * Starts the host page, the stand-in and Chromium. Returns { open, close, url }: open(params,
 * check, screenshot, allowed) loads the host page's view and waits for its state, runs the check,
 * scans the page with axe-core and takes the screenshot, failing on any page error, console error
 * or failed request (but those `allowed`). `dist` serves another build of the frontend (the
 * backend binary stays dist/'s).
 */
export async function startStandinHost({ dist = path.join(root, 'dist') } = {}) {
  for (const [file, how] of [
    [path.join(root, 'dist', 'module.js'), 'make frontend'],
    [pluginBinary, 'make backend'],
    [store, 'make test-browser (it writes the demo store), or set MODELWATCH_STANDIN_STORE'],
    [chromiumPath, 'apt-get install -y chromium'],
    [cli, 'make build'],
  ]) {
    assert.ok(existsSync(file), `${file} not found: ${how}`);
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'modelwatch-standin-'));
  let standin;
  let context;
  let live;
  const close = async () => {
    await context?.close();
    if (standin) {
      standin.child.stdin.end();
      await new Promise((resolve) => (standin.child.exitCode !== null ? resolve() : standin.child.on('exit', resolve)));
    }
    live?.remove();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const host = path.join(workDir, 'host');
    mkdirSync(host);
    await writeHost(host);
    live = writeLiveStore();
    standin = await startStandin(buildStandin(workDir), host, dist, live.file);
    context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    mkdirSync(screenshotDir, { recursive: true });
    const open = async (params, check, screenshot, allowed = []) => {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      // A failed request is reported with its URL (the console's own line has none); the page
      // expects some (a failing health check, a query the test makes fail), which it reads itself.
      // Grafana's fonts are not in its npm packages: the stand-in answers 404 and the page falls
      // back to the system's sans-serif.
      const expected = [/\/public\/fonts\//, ...allowed];
      page.on('response', (response) => {
        if (response.status() >= 400 && !expected.some((pattern) => pattern.test(response.url()))) {
          problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
        }
      });
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          problems.push(`console: ${message.text()}`);
        }
      });
      try {
        await page.setViewportSize({ width: 1200, height: 800 });
        await page.goto(`${standin.url}/?${new URLSearchParams(params)}`);
        await page.waitForFunction(() => window.standinState !== undefined, null, { timeout: 60_000 });
        const state = await page.evaluate(() => window.standinState);
        assert.equal(state.status, 'ready', state.error);
        await check(page, state);
        await assertAccessible(page, screenshot ?? params.view);
        if (screenshot) {
          await page.screenshot({ path: path.join(screenshotDir, `${screenshot}.png`), fullPage: true });
        }
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    };
    return { open, close, url: standin.url };
  } catch (error) {
    await close();
    if (standin) {
      error.message += `\nstand-in log:\n${standin.logs.join('').slice(-3000)}`;
    }
    throw error;
  }
}
