// The built plugin in Chromium, loaded as Grafana loads it, against the real backend binary
// behind the Grafana stand-in (tests/standin): the three dist/ bundles are the plugin objects
// Grafana expects; the query editor of every family builds its query as a user does, its pickers
// filled from the real resource routes, and the query it runs returns the binary's frames; every
// Modelwatch panel of the provisioned dashboards (and the comparison view) draws from
// /api/ds/query with the dashboards' variables; both editors work with the keyboard alone; the
// app's Models page draws every model from the real summary route, over the demo store and over
// one ending now; the config page's Save & test succeeds on the demo store and fails, with the
// plugin's message, on a missing one. Every page is scanned with axe-core (reports in
// artifacts/axe/). Screenshots in both themes: artifacts/screenshots/standin-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { THEMES, byTestId } from './harness/browser.mjs';
import {
  DASHBOARD_VARIABLES,
  FAMILY_CASES,
  buildFamilyQuery,
  buildQueryWithKeyboard,
  checkPanel,
  configureWithKeyboard,
  panelCases,
} from './standin/checks.mjs';
import { startStandinHost } from './standin/standin.mjs';

/** The alerting routes the Models page reads: the stand-in imitates no alerting (404). */
const ALERTING = [/\/api\/(ruler|prometheus)\/grafana\/api\/v1\/rules$/];

describe('the built plugin in the Grafana stand-in', { timeout: 600_000 }, () => {
  let host;
  let setupError;
  before(async () => {
    try {
      host = await startStandinHost();
    } catch (error) {
      setupError = error;
    }
  });
  after(async () => host?.close());
  const ready = () => {
    if (setupError) {
      throw setupError;
    }
    return host;
  };

  test('every bundle is the plugin object Grafana expects', async () => {
    await ready().open({ view: 'bundles' }, async (_page, state) => {
      assert.deepEqual(state.bundles, {
        'mlops-modelwatch-app': 'AppPlugin',
        'mlops-modelwatch-datasource': 'DataSourcePlugin',
        'mlops-modelwatch-panel': 'PanelPlugin',
      });
    });
  });

  for (const theme of THEMES) {
    for (const familyCase of FAMILY_CASES) {
      test(`the ${familyCase.family} query editor: pickers from the resources, a query run (${theme})`, async () => {
        await ready().open(
          { view: 'query', theme },
          async (page) => familyCase.expect(await buildFamilyQuery(page, familyCase)),
          `standin-query-${familyCase.family.toLowerCase().replace(/\W+/g, '-')}-${theme}`
        );
      });
    }

    for (const panel of panelCases()) {
      test(`the panel "${panel.title}" from /api/ds/query (${theme})`, async () => {
        await ready().open(
          {
            view: 'panel',
            theme,
            query: JSON.stringify(panel.target),
            options: JSON.stringify(panel.options),
            vars: JSON.stringify(DASHBOARD_VARIABLES),
          },
          (page, state) => checkPanel(page, state, panel),
          `standin-panel-${panel.name}-${theme}`
        );
      });
    }

    test(`the query editor with the keyboard alone (${theme})`, async () => {
      await ready().open(
        { view: 'query', theme },
        async (page) => {
          const { query, result } = await buildQueryWithKeyboard(page);
          assert.equal(query.queryType, 'drift');
          assert.equal(query.model, 'basket-forecaster');
          assert.deepEqual(query.features, ['age']);
          assert.deepEqual(query.reference, { type: 'shift', shift: '14d' });
          assert.equal(result.error, undefined);
          assert.deepEqual(result.frames[0].text.feature, ['age']);
        },
        `standin-keyboard-query-${theme}`
      );
    });

    test(`the config page with the keyboard alone (${theme})`, async () => {
      await ready().open(
        { view: 'config', theme },
        async (page) => {
          const state = await configureWithKeyboard(page);
          assert.equal(state.jsonData.maxSeries, 500, JSON.stringify(state.jsonData));
          assert.equal(state.health.status, 'OK', JSON.stringify(state.health));
        },
        `standin-keyboard-config-${theme}`
      );
    });

    test(`the app's Models page from the real summary route (${theme})`, async () => {
      await ready().open(
        { view: 'app', theme },
        async (page) => {
          await page.waitForSelector(byTestId('modelwatch-models-card'));
          const cards = await page.locator(byTestId('modelwatch-models-card')).allTextContents();
          for (const model of ['basket-forecaster', 'churn-classifier', 'search-ranker']) {
            assert.ok(
              cards.some((text) => text.includes(model)),
              `no card of ${model}`
            );
          }
          // The binary's summary: each model's versions; the demo store ends on 2026-03-31, so
          // the last 24 hours of today hold no prediction and every model is flagged as stopped.
          const versions = await page.locator(byTestId('modelwatch-models-versions')).allTextContents();
          const expected = [
            ['v1', 'v2'],
            ['A', 'B'],
            ['r1', 'r2'],
          ];
          assert.equal(versions.length, 3);
          versions.forEach((text, i) =>
            assert.ok(
              expected[i].every((v) => text.includes(v)),
              text
            )
          );
          assert.equal(await page.locator(byTestId('modelwatch-models-stopped')).count(), 3);
        },
        `standin-models-${theme}`,
        // The stand-in imitates no alerting: the page says the rules cannot be read.
        ALERTING
      );
    });

    test(`the app's Models page over a store whose predictions end now (${theme})`, async () => {
      await ready().open(
        { view: 'app', theme, uid: 'modelwatch-live' },
        async (page) => {
          await page.waitForSelector(byTestId('modelwatch-models-card'));
          const read = (id) => page.locator(byTestId(id)).allInnerTexts();
          // The binary's summary of the last 24 hours: every model serving, with its volume, its
          // label coverage and its inputs checked for drift; none stopped.
          const volumes = await read('modelwatch-models-volume');
          assert.equal(volumes.length, 3);
          assert.ok(
            volumes.every((text) => Number(text.replace(/,/g, '')) > 0),
            JSON.stringify(volumes)
          );
          const coverage = await read('modelwatch-models-coverage');
          assert.ok(
            coverage.every((text) => /^\d+\.\d% \([\d,]+ of [\d,]+ labelled\)$/.test(text)),
            JSON.stringify(coverage)
          );
          const drift = await read('modelwatch-models-drift');
          assert.ok(
            drift.every((text) => /of 5 inputs/.test(text)),
            JSON.stringify(drift)
          );
          assert.equal(await page.locator(byTestId('modelwatch-models-stopped')).count(), 0);
        },
        `standin-models-live-${theme}`,
        ALERTING
      );
    });

    test(`the config page's Save & test, working and missing store (${theme})`, async () => {
      for (const [uid, severity] of [
        ['modelwatch-demo', 'OK'],
        ['modelwatch-missing', 'ERROR'],
      ]) {
        await ready().open(
          { view: 'config', theme, uid },
          async (page) => {
            await page.click(byTestId('standin-save-test'));
            await page.waitForSelector(byTestId('standin-health'));
            const state = await page.evaluate(() => window.standinState);
            assert.equal(state.health.status, severity, JSON.stringify(state.health));
            assert.ok(state.health.message.length > 0);
          },
          `standin-config-${uid === 'modelwatch-demo' ? 'ok' : 'missing'}-${theme}`,
          [/\/api\/datasources\/uid\/modelwatch-missing\/health$/]
        );
      }
    });
  }
});
