// What the stand-in suite checks, one function per view, shared by the suite over the built
// plugin (standin.test.mjs) and the suite that breaks the built plugin on purpose and expects
// these same checks to fail (standin-broken.test.mjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { byTestId, root } from '../harness/browser.mjs';

/** A label's text as a pattern anchored at its start (labels are followed by their tooltips). */
const named = (label) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** Whether an option is `value` itself, not the value typed offered as a custom one. */
const isOption = (text, value) => text.startsWith(value) && !/custom value/i.test(text);

/**
 * Types `text` into the open picker `box` (a long list draws only its first rows) and returns
 * the index of the option that is `text`, failing when the picker does not offer it.
 */
async function filterTo(page, box, label, text) {
  await box.fill(text);
  await page.getByRole('option').first().waitFor();
  const texts = await page.getByRole('option').allTextContents();
  const index = texts.findIndex((option) => isOption(option, text));
  assert.ok(index >= 0, `${label} offers ${JSON.stringify(texts)} for ${text}`);
  return index;
}

/**
 * Opens the picker labelled `label`, checks it offers every value of `offers` (read from the
 * stand-in's resource routes, so from the plugin binary) and chooses `value`, if given.
 */
export async function choose(page, label, value, offers = []) {
  const box = page.getByRole('combobox', { name: named(label) });
  await box.click();
  for (const offer of offers.filter((offer) => offer !== value)) {
    await filterTo(page, box, label, offer);
  }
  if (value !== undefined) {
    await page
      .getByRole('option')
      .nth(await filterTo(page, box, label, value))
      .click();
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
 * Waits for the answer of the latest query the query view started, once it has started more than
 * `before` (an earlier run still answering is dropped). Returns { query, result }.
 */
async function latestAnswer(page, before) {
  await page.waitForFunction(
    (started) => window.standinRunsStarted > started && window.standinState?.runs === window.standinRunsStarted,
    before,
    { timeout: 60_000 }
  );
  return page.evaluate(() => ({ query: window.standinState.query, result: window.standinState.result }));
}

const runsStarted = (page) => page.evaluate(() => window.standinRunsStarted ?? 0);

/** Runs the editor's query with the Run button and returns its answer: { query, result }. */
export async function runQuery(page) {
  const before = await runsStarted(page);
  await page.click(byTestId('standin-run'));
  return latestAnswer(page, before);
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

/** The provisioned dashboards' variables, at values the demo store has. */
export const DASHBOARD_VARIABLES = { model: 'churn-classifier', version: ['A', 'B'], feature: 'age' };

/** What each view of the panel draws, found by its test id. */
const VIEW_TEST_IDS = {
  confusion: 'modelwatch-confusion-matrix',
  drift: 'modelwatch-drift-chart',
  comparison: 'modelwatch-comparison',
  estimation: 'modelwatch-estimation',
  multivariate: 'modelwatch-multivariate',
};

/**
 * Every Modelwatch panel of the provisioned dashboards (one of each query and options), with its
 * query and saved options, and the view it draws; and the comparison view, which no dashboard
 * draws with the panel, from the drift dashboard's champion / challenger time series query.
 */
export function panelCases() {
  const dir = path.join(root, 'provisioning', 'dashboards', 'modelwatch');
  const cases = new Map();
  for (const file of readdirSync(dir).sort()) {
    const dashboard = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    for (const panel of dashboard.panels ?? []) {
      const { datasource: _datasource, ...target } = panel.targets?.[0] ?? {};
      const isPanel = panel.type === 'mlops-modelwatch-panel';
      const isComparison = target.queryType === 'comparison' && target.format === 'timeseries';
      if (!isPanel && !isComparison) {
        continue;
      }
      const drawn = isPanel ? target.queryType : 'comparison';
      // A panel of another type is drawn with the Modelwatch panel's default options.
      const options = isPanel ? panel.options : { view: 'auto', normalize: 'row', showCounts: true, optionsVersion: 2 };
      const key = JSON.stringify([target, options]);
      if (!cases.has(key)) {
        cases.set(key, {
          name: `${drawn}-${file.replace('.json', '')}`,
          title: panel.title,
          view: drawn,
          target,
          options,
        });
      }
    }
  }
  return [...cases.values()];
}

/** Checks a panel drew its view from the binary's frames, without an error. */
export async function checkPanel(page, state, { view }) {
  assert.equal(state.result.error, undefined);
  assert.ok(state.result.frames.length > 0, JSON.stringify(state.result));
  await page.waitForSelector(byTestId(VIEW_TEST_IDS[view]));
  if (view === 'confusion') {
    // The demo's classifier has two classes: four cells.
    assert.equal(await page.locator(byTestId('modelwatch-confusion-cell')).count(), 4);
  }
  if (view === 'comparison') {
    // The drift dashboard's query leaves out p_value and challenger_better: the panel says it
    // cannot give a verdict rather than that there is too little data.
    const verdict = await page.locator(byTestId('modelwatch-comparison-verdict')).textContent();
    assert.match(verdict, /^No verdict: the query leaves out p_value or challenger_better/);
  }
  if (view === 'multivariate') {
    // The demo's inputs change their correlation on its 22nd day: in its last week every
    // version's last day is beyond the thresholds (the dashboard's query leaves the drifted
    // output out; the panel tells it from the thresholds).
    const verdicts = await page.locator(byTestId('modelwatch-multivariate-verdict')).allTextContents();
    assert.ok(verdicts.length > 0 && verdicts.every((v) => v === 'drifted'), JSON.stringify(verdicts));
  }
  assert.equal(await page.getByText('No data', { exact: true }).count(), 0, await page.locator('body').innerText());
}

/** The focused element, as a test names it: its test id, else its id, else its tag. */
const focused = (page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element?.getAttribute('data-testid') || element?.id || element?.tagName;
  });

/**
 * Presses Tab until `target` (a test id or id) has the focus, then, if it went past it, Shift+Tab
 * back (Grafana's label tooltips, opening on focus, may let one Tab skip the field after them);
 * fails when neither reaches it within `most` presses (a control the keyboard cannot reach, or a
 * trap). Returns the presses.
 */
export async function tabTo(page, target, most) {
  const seen = [`from ${await focused(page)}`];
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let presses = 1; presses <= most; presses++) {
      await page.keyboard.press(key);
      const now = await focused(page);
      if (now === target) {
        return presses;
      }
      seen.push(`${key} ${now}`);
    }
  }
  return assert.fail(`${target} not reached with ${most} Tab and Shift+Tab presses: ${seen.join(', ')}`);
}

/**
 * In the focused picker: opens its menu, types `text`, waits for the option `value` among the
 * matches, moves the highlight to it with the arrow keys (a typed custom value may come first)
 * and chooses it with Enter.
 */
async function typeAndChoose(page, text, value) {
  // The arrow key opens the menu first (Grafana's MultiCombobox drops a key typed while it
  // opens), then the text is typed as a person types it, a key at a time.
  await page.keyboard.press('ArrowDown');
  await page.getByRole('option').first().waitFor();
  await page.keyboard.type(text, { delay: 40 });
  if ((await page.evaluate(() => document.activeElement?.value)) !== text) {
    // A key the picker dropped while it drew: typed again over what it shows, as a person would.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text, { delay: 40 });
  }
  await page.waitForFunction((wanted) => document.activeElement?.value === wanted, text, { timeout: 5_000 });
  await page
    .getByRole('option')
    .filter({ hasText: new RegExp(`^${value}`) })
    .first()
    .waitFor();
  // The highlighted option is marked aria-selected (Grafana's Combobox points the input's
  // aria-activedescendant at an id its options do not carry).
  const highlighted = () =>
    page.evaluate(() => {
      const option = document.querySelector('[role="option"][aria-selected="true"]');
      return option ? { id: option.id, text: option.textContent } : null;
    });
  for (let moves = 0; moves < 10; moves++) {
    const now = await highlighted();
    if (now?.text.startsWith(value) && !/custom value/i.test(now.text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
    // The highlight moves once the picker has drawn the key.
    await page.waitForFunction(
      (before) => (document.querySelector('[role="option"][aria-selected="true"]')?.id ?? null) !== before,
      now?.id ?? null,
      { timeout: 5_000 }
    );
  }
  assert.fail(`no option ${value} highlighted after typing ${text}`);
}

/**
 * A drift query built with the keyboard alone: each control reached with Tab, the pickers
 * filtered by typing and chosen with Enter, the reference window's radio group moved with the
 * arrow keys, the shift typed, and the query run with Enter on the Run button.
 */
export async function buildQueryWithKeyboard(page) {
  await tabTo(page, 'modelwatch-query-type', 4);
  await typeAndChoose(page, 'Drift', 'Drift');
  await tabTo(page, 'modelwatch-query-model', 4);
  await typeAndChoose(page, 'basket', 'basket-forecaster');
  await tabTo(page, 'modelwatch-query-features', 8);
  await typeAndChoose(page, 'age', 'age');
  await page.keyboard.press('Escape');
  // The reference window: Previous period, Shifted, Fixed range. The editor has answered the
  // features change first; the arrow key moves the choice to Shifted (pressed again, as a person
  // would, if the group did not move).
  await latestAnswer(page, 0);
  await tabTo(page, 'option-previous-modelwatch-query-reference', 6);
  const shifted = () =>
    page.evaluate(() => document.getElementById('option-shift-modelwatch-query-reference')?.checked);
  for (let presses = 1; !(await shifted()); presses++) {
    assert.ok(presses <= 3, 'the arrow keys do not move the reference window to Shifted');
    await page.keyboard.press('ArrowRight');
    await page
      .waitForFunction(() => document.getElementById('option-shift-modelwatch-query-reference')?.checked, null, {
        timeout: 3_000,
      })
      .catch(() => {});
  }
  // The shift field appears, and the query the editor ran on the change answers, before the
  // next key (as a person sees the field before moving to it).
  await page.waitForSelector('[data-testid="modelwatch-query-reference-shift"]');
  await latestAnswer(page, 0);
  await tabTo(page, 'modelwatch-query-reference-shift', 4);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('14d');
  const before = await runsStarted(page);
  await tabTo(page, 'standin-run', 40);
  await page.keyboard.press('Enter');
  return latestAnswer(page, before);
}

/**
 * The config page with the keyboard alone: the store picker opened with the arrow key and
 * closed with Escape, the largest number of series typed into its field, then Save & test
 * pressed with Enter. Returns the saved settings and the health check's answer.
 */
export async function configureWithKeyboard(page) {
  await tabTo(page, 'modelwatch-config-store', 4);
  await page.keyboard.press('ArrowDown');
  await page.getByRole('option').first().waitFor();
  const stores = await page.getByRole('option').allTextContents();
  assert.ok(
    ['DuckDB', 'PostgreSQL', 'ClickHouse'].every((store, i) => stores[i]?.startsWith(store)),
    JSON.stringify(stores)
  );
  await page.keyboard.press('Escape');
  await tabTo(page, 'modelwatch-config-max-series', 60);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('500');
  await tabTo(page, 'standin-save-test', 40);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="standin-health"]');
  return page.evaluate(() => window.standinState);
}
