// The built plugin in Chromium, loaded as Grafana loads it, against the real backend binary
// behind the Grafana stand-in (tests/standin): the three dist/ bundles are the plugin objects
// Grafana expects; the query editor's pickers fill from the real resource routes and a query
// run from it returns the binary's frames; the config page's Save & test succeeds on the demo
// store and fails, with the plugin's message, on a missing one. Screenshots in both themes:
// artifacts/screenshots/standin-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { THEMES, byTestId } from './harness/browser.mjs';
import { startStandinHost } from './standin/standin.mjs';

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
    test(`the query editor fills its pickers from the resources and runs a query (${theme})`, async () => {
      const query = {
        queryType: 'classification',
        model: 'churn-classifier',
        positiveClass: 'churn',
        threshold: 0.5,
        metrics: ['precision', 'recall', 'f1'],
        format: 'timeseries',
      };
      await ready().open(
        { view: 'query', theme, query: JSON.stringify(query) },
        async (page) => {
          // The model picker offers the store's models, read from the resources route.
          await page.getByRole('combobox', { name: /^Model/ }).click();
          const options = await page.getByRole('option').allTextContents();
          assert.ok(
            options.some((o) => o.startsWith('basket-forecaster')),
            `model options ${options}`
          );
          await page.keyboard.press('Escape');
          await page.click(byTestId('standin-run'));
          await page.waitForSelector(byTestId('standin-result'));
          const state = await page.evaluate(() => window.standinState);
          assert.equal(state.result.error, undefined);
          // One series per version served that week (A and B) and metric: 168 hourly buckets each.
          const names = state.result.frames.map((f) => f.name).sort();
          assert.deepEqual(
            names,
            ['f1', 'f1', 'precision', 'precision', 'recall', 'recall'],
            JSON.stringify(state.result)
          );
          assert.ok(state.result.frames.every((f) => f.rows === 168 && f.fields[0] === 'time'));
        },
        `standin-query-classification-${theme}`
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
