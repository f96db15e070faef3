// The stand-in suite catches a broken build: the built dist/ is copied and broken as a change
// to the plugin could break it, the Grafana stand-in serves the broken copy, and the checks of
// standin.test.mjs run on it and must fail, each for the reason the break gives.
//
// - A missing external: the data source bundle asks Grafana's loader for a module Grafana does
//   not share with plugins (@grafana/plugin-ui, which a plugin must bundle itself).
// - An editor that throws on a real resource answer: the data source reads the columns route's
//   answer as an object with a columns list, which the binary's answer (a list) is not.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { root } from './harness/browser.mjs';
import { FAMILY_CASES, buildFamilyQuery } from './standin/checks.mjs';
import { startStandinHost } from './standin/standin.mjs';

const DATASOURCE_MODULE = path.join('datasource', 'module.js');

/** A copy of dist/ (without the backend binaries) with one text replaced in the data source bundle. */
function brokenDist(name, from, to) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `modelwatch-broken-${name}-`));
  cpSync(path.join(root, 'dist'), dir, {
    recursive: true,
    filter: (source) => !path.basename(source).startsWith('gpx_'),
  });
  const file = path.join(dir, DATASOURCE_MODULE);
  const source = readFileSync(file, 'utf8');
  assert.ok(source.includes(from), `the built ${DATASOURCE_MODULE} no longer holds ${from}: update this break`);
  writeFileSync(file, source.replace(from, to));
  return dir;
}

/** Runs `check` against a stand-in serving the broken copy and returns the error it fails with. */
async function failureOn(dist, check) {
  const host = await startStandinHost({ dist });
  try {
    await check(host);
  } catch (error) {
    return error;
  } finally {
    await host.close();
  }
  return assert.fail('the checks passed on a broken build');
}

const classification = FAMILY_CASES.find((c) => c.family === 'Classification');

describe('a broken build fails the stand-in checks', { timeout: 600_000 }, () => {
  const dirs = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('a missing external: the bundles do not load', async () => {
    // The AMD bundle's dependency list, as webpack writes it: its first external is @grafana/data.
    const dist = brokenDist('external', 'define(["@grafana/data",', 'define(["@grafana/plugin-ui","@grafana/data",');
    dirs.push(dist);
    const error = await failureOn(dist, (host) => host.open({ view: 'bundles' }, () => {}));
    assert.match(error.message, /@grafana\/plugin-ui/);
  });

  test('an editor that throws on the real columns answer: its pickers offer nothing', async () => {
    const dist = brokenDist(
      'columns',
      'this.getResource("columns")',
      'this.getResource("columns").then((answer) => answer.columns.slice())'
    );
    dirs.push(dist);
    const error = await failureOn(dist, (host) =>
      host.open({ view: 'query', theme: 'dark' }, async (page) =>
        classification.expect(await buildFamilyQuery(page, classification))
      )
    );
    // The picker has only what was typed, as a custom value: the columns never arrived.
    assert.match(error.message, /^Sample weight offers \["ageUse custom value"\] for age$/);
  });
});
