// What the stand-in suite checks, one function per view, shared by the suite over the built
// plugin (standin.test.mjs) and the suite that breaks the built plugin on purpose and expects
// these same checks to fail (standin-broken.test.mjs).
import assert from 'node:assert/strict';

import { byTestId } from '../harness/browser.mjs';

/** A label's text as a pattern anchored at its start (labels are followed by their tooltips). */
const named = (label) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** The texts of the open picker's options (each a label, then its description, if any). */
async function optionTexts(page) {
  await page.getByRole('option').first().waitFor();
  return page.getByRole('option').allTextContents();
}

/** Whether an option is `value` itself, not the value typed offered as a custom one. */
const isOption = (text, value) => text.startsWith(value) && !/custom value/i.test(text);

/**
 * Opens the picker labelled `label`, checks it offers every value of `offers` (read from the
 * stand-in's resource routes, so from the plugin binary; each typed to filter, as a long list
 * draws only its first rows) and chooses `value`, if given.
 */
export async function choose(page, label, value, offers = value === undefined ? [] : [value]) {
  const box = page.getByRole('combobox', { name: named(label) });
  await box.click();
  for (const offer of offers) {
    await box.fill(offer);
    const texts = await optionTexts(page);
    assert.ok(
      texts.some((text) => isOption(text, offer)),
      `${label} offers ${JSON.stringify(texts)} for ${offer}`
    );
  }
  if (value !== undefined) {
    await box.fill(value);
    const texts = await optionTexts(page);
    const index = texts.findIndex((text) => isOption(text, value));
    assert.ok(index >= 0, `${label} offers ${JSON.stringify(texts)} for ${value}`);
    await page.getByRole('option').nth(index).click();
  }
  // A picker of several values stays open: the typed text is cleared and Escape closes it (on a
  // closed single picker Escape would clear the value, as Grafana's Combobox does).
  if ((await box.getAttribute('aria-expanded')) === 'true') {
    await box.fill('');
    await page.keyboard.press('Escape');
  }
  // The pointer leaves where the option was (a tooltip it opened there would cover the next field).
  await page.mouse.move(0, 0);
}

/**
 * Runs the editor's query with the Run button and waits for its answer (the latest run's: an
 * earlier run the editor started, still answering, is dropped). Returns { query, result }.
 */
export async function runQuery(page) {
  await page.click(byTestId('standin-run'));
  await page.waitForFunction(
    () => window.standinState?.runs > 0 && window.standinState.runs === window.standinRunsStarted,
    null,
    { timeout: 60_000 }
  );
  return page.evaluate(() => ({ query: window.standinState.query, result: window.standinState.result }));
}

/** The frames' names, sorted: one per series. */
export const frameNames = (result) => result.frames.map((frame) => frame.name).sort();

/** Each series as "<name> <version>", sorted. */
const seriesKeys = (result) => result.frames.map((frame) => `${frame.name} ${frame.labels[0].version}`).sort();

/** The hourly buckets of the week the query view asks for (the request's interval is 1h). */
const HOURS = 168;

/**
 * Every family of the query editor as a user builds its query: the family and the model chosen
 * from the pickers (the models from the resources route), each picker the family reads from the
 * store checked to offer the store's values and one of them chosen, then the query run. `expect`
 * checks the saved query and the binary's frames.
 */
export const FAMILY_CASES = [
  {
    family: 'Classification',
    model: 'churn-classifier',
    picks: [
      ['Versions', 'B', ['A', 'B']],
      ['Positive class', 'churn', ['churn', 'stay']],
    ],
    offers: [
      ['Sample weight', ['age', 'tenure_months']],
      ['Group by', ['plan', 'country', 'is_mobile']],
    ],
    expect: ({ query, result }) => {
      assert.deepEqual(query.versions, ['B']);
      assert.equal(query.positiveClass, 'churn', JSON.stringify(query));
      assert.deepEqual(seriesKeys(result), ['f1 B', 'precision B', 'recall B']);
      assert.ok(result.frames.every((f) => f.rows === HOURS));
    },
  },
  {
    family: 'Confusion matrix',
    model: 'churn-classifier',
    picks: [
      ['Versions', 'A', ['A', 'B']],
      ['Positive class', 'churn', ['churn', 'stay']],
    ],
    expect: ({ query, result }) => {
      assert.deepEqual([query.queryType, query.versions, query.positiveClass], ['confusion', ['A'], 'churn']);
      // One matrix: version A's two classes, four cells.
      assert.deepEqual(result.frames, [
        {
          name: 'churn-classifier',
          fields: ['model', 'version', 'actual', 'predicted', 'count'],
          rows: 4,
          text: {
            model: ['churn-classifier'],
            version: ['A'],
            actual: ['churn', 'stay'],
            predicted: ['churn', 'stay'],
          },
        },
      ]);
    },
  },
  {
    family: 'Regression',
    model: 'basket-forecaster',
    picks: [['Versions', 'v2', ['v1', 'v2']]],
    offers: [['Sample weight', ['age', 'tenure_months']]],
    expect: ({ query, result }) => {
      assert.deepEqual(query.versions, ['v2']);
      assert.deepEqual(frameNames(result), ['mae', 'rmse']);
      assert.ok(result.frames.every((f) => f.rows === HOURS && f.labels[0].version === 'v2'));
    },
  },
  {
    family: 'Operations',
    model: 'churn-classifier',
    picks: [],
    offers: [
      ['Versions', ['A', 'B']],
      ['Column', ['age', 'tenure_months']],
    ],
    expect: ({ query, result }) => {
      // The family's default metrics, one series per version served (the store's A and B).
      assert.deepEqual(seriesKeys(result), [
        'error_rate A',
        'error_rate B',
        'latency_p95 A',
        'latency_p95 B',
        'throughput A',
        'throughput B',
      ]);
    },
  },
  {
    family: 'Label coverage',
    model: 'churn-classifier',
    picks: [['Versions', 'A', ['A', 'B']]],
    expect: ({ query, result }) => {
      assert.deepEqual(seriesKeys(result), ['label_coverage A']);
    },
  },
  {
    family: 'Data quality',
    model: 'basket-forecaster',
    picks: [['Features', 'age', ['age', 'plan', 'is_mobile', 'score']]],
    expect: ({ query, result }) => {
      assert.deepEqual(query.features, ['age']);
      // A table of the feature's quality, a row per version.
      assert.equal(result.frames.length, 1);
      assert.deepEqual(result.frames[0].text, {
        model: ['basket-forecaster'],
        version: ['v1', 'v2'],
        feature: ['age'],
      });
      assert.ok(result.frames[0].fields.includes('missing_share'));
    },
  },
  {
    family: 'Drift',
    model: 'basket-forecaster',
    picks: [
      ['Features', 'age', ['age', 'country', 'tenure_months']],
      ['Features', 'country'],
    ],
    expect: ({ query, result }) => {
      assert.deepEqual(query.features, ['age', 'country']);
      // auto picks a method per feature: Wasserstein for the number, Jensen-Shannon for the category.
      assert.equal(result.frames.length, 1);
      assert.equal(result.frames[0].rows, 4);
      assert.deepEqual(result.frames[0].text, {
        model: ['basket-forecaster'],
        version: ['v1', 'v2'],
        feature: ['age', 'country'],
        method: ['jensenshannon', 'wasserstein'],
      });
    },
  },
  {
    family: 'Champion vs challenger',
    model: 'churn-classifier',
    picks: [
      ['Champion', 'A', ['A', 'B']],
      ['Challenger', 'B', ['A', 'B']],
      ['Positive class', 'churn', ['churn', 'stay']],
    ],
    expect: ({ query, result }) => {
      assert.deepEqual(query.versions, ['A', 'B']);
      assert.equal(result.frames.length, 1);
      assert.deepEqual(result.frames[0].text, { model: ['churn-classifier'], version: ['A vs B'] });
      assert.ok(
        ['champion', 'challenger', 'delta', 'ci_low', 'ci_high', 'p_value'].every((f) =>
          result.frames[0].fields.includes(f)
        )
      );
    },
  },
  {
    family: 'Outcomes',
    model: 'search-ranker',
    picks: [['Outcome', 'clicked', ['clicked', 'age']]],
    offers: [['Versions', ['r1', 'r2']]],
    expect: ({ query, result }) => {
      assert.equal(query.outcome, 'clicked');
      assert.deepEqual(seriesKeys(result), [
        'count r1',
        'count r2',
        'coverage r1',
        'coverage r2',
        'rate r1',
        'rate r2',
      ]);
    },
  },
  {
    family: 'Estimated performance',
    model: 'churn-classifier',
    picks: [
      ['Versions', 'A', ['A', 'B']],
      ['Positive class', 'churn', ['churn', 'stay']],
    ],
    expect: ({ query, result }) => {
      // Every estimated metric with its band and the realized value where labels have arrived.
      const metrics = new Set(result.frames.map((f) => f.labels[0].metric));
      assert.deepEqual([...metrics].sort(), ['accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'specificity']);
      assert.equal(result.frames.length, 4 * metrics.size);
      assert.ok(result.frames.every((f) => f.rows === HOURS && f.labels[0].version === 'A'));
    },
  },
  {
    family: 'Multivariate drift',
    model: 'churn-classifier',
    picks: [
      ['Versions', 'A', ['A', 'B']],
      ['Features', 'age', ['age', 'tenure_months', 'plan']],
      ['Features', 'tenure_months'],
    ],
    expect: ({ query, result }) => {
      assert.deepEqual(query.features, ['age', 'tenure_months']);
      assert.deepEqual(frameNames(result), [
        'lower',
        'reconstruction_error',
        'threshold_lower',
        'threshold_upper',
        'upper',
      ]);
      assert.ok(result.frames.every((f) => f.rows === HOURS && f.labels[0].version === 'A'));
    },
  },
];

/** Builds and runs one family's query in the editor; returns what runQuery returns. */
export async function buildFamilyQuery(page, { family, model, picks, offers = [] }) {
  await choose(page, 'Query type', family);
  await choose(page, 'Model', model, ['basket-forecaster', 'churn-classifier', 'search-ranker']);
  for (const [label, value, offered] of picks) {
    await choose(page, label, value, offered);
  }
  for (const [label, offered] of offers) {
    await choose(page, label, undefined, offered);
  }
  return runQuery(page);
}
