// Renders the app's Models page in real Chromium from the demo store's /summary answer
// (fixtures/models-summary.json, kept equal to the route by TestSummaryFixtureMatchesDemoStore)
// and Grafana's alerting answers (fixtures/models-ruler.json and models-prometheus.json, written
// by fixtures/models_alerting.py from the provisioned rules), in both themes; checks what a user
// sees and keeps screenshots (artifacts/screenshots/models-*.png).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { byTestId, fixturesDir, harnessTests, screenshotDir } from './harness/browser.mjs';

const ids = {
  card: byTestId('modelwatch-models-card'),
  versions: byTestId('modelwatch-models-versions'),
  lastPrediction: byTestId('modelwatch-models-last-prediction'),
  stopped: byTestId('modelwatch-models-stopped'),
  volume: byTestId('modelwatch-models-volume'),
  coverage: byTestId('modelwatch-models-coverage'),
  drift: byTestId('modelwatch-models-drift'),
  rule: byTestId('modelwatch-models-rule'),
  rulesNote: byTestId('modelwatch-models-rules-note'),
  dashboards: byTestId('modelwatch-models-dashboards'),
};
// Must match labels.models and labels.app in src/labels.ts.
const TEXT = {
  title: 'Models',
  stopped: 'No prediction for over 1 h: stopped serving?',
  denied: 'Alert rules are hidden: your role cannot read alert rules',
  noRules: 'No alert rule queries this model.',
  states: { firing: 'Firing', pending: 'Pending', inactive: 'Normal', unknown: 'No state' },
};
const DATASOURCE_UID = 'modelwatch-demo';
const DASHBOARD_HREFS = (model) => [
  `/d/modelwatch-overview?var-datasource=${DATASOURCE_UID}&var-model=${encodeURIComponent(model)}`,
  `/d/modelwatch-classification?var-datasource=${DATASOURCE_UID}`,
  `/d/modelwatch-drift?var-datasource=${DATASOURCE_UID}`,
  `/d/modelwatch-drift-explorer?var-datasource=${DATASOURCE_UID}&var-model=${encodeURIComponent(model)}`,
  `/d/modelwatch-operations?var-datasource=${DATASOURCE_UID}`,
  `/d/modelwatch-outcomes?var-datasource=${DATASOURCE_UID}&var-model=${encodeURIComponent(model)}`,
];
const STOPPED_AFTER_MS = 60 * 60 * 1000;

const fixture = (name) => JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8'));
const summary = fixture('models-summary.json');
const ruler = fixture('models-ruler.json');
const prom = fixture('models-prometheus.json');

/** The rules whose queries read a model of the demo data source, with their states, firing first. */
function expectedRules(model) {
  const states = new Map(prom.data.groups.flatMap((g) => g.rules.map((r) => [r.uid, r.state])));
  const order = { firing: 0, pending: 1, unknown: 2, inactive: 3 };
  return Object.values(ruler)
    .flat()
    .flatMap((g) => g.rules.map((r) => r.grafana_alert))
    .filter((a) => a.data.some((q) => q.datasourceUid === DATASOURCE_UID && q.model?.model === model))
    .map((a) => ({ uid: a.uid, title: a.title, state: states.get(a.uid) ?? 'unknown' }))
    .sort((a, b) => order[a.state] - order[b.state] || a.title.localeCompare(b.title));
}

async function checkPage(page, { denied, name, theme, size }) {
  assert.equal(await page.locator('h1').innerText(), TEXT.title);
  assert.ok(
    (await page.locator('h2').allInnerTexts()).includes('Modelwatch demo'),
    'the data source names its section'
  );
  const cards = page.locator(ids.card);
  assert.equal(await cards.count(), summary.models.length, 'one card per model of the summary');
  for (const [i, model] of summary.models.entries()) {
    const card = cards.nth(i);
    assert.ok((await card.innerText()).startsWith(model.model), `card ${i} is ${model.model}`);
    assert.equal(
      await card.getAttribute('aria-labelledby').then((id) => page.locator(`#${id}`).innerText()),
      model.model
    );

    const versions = await card.locator(ids.versions).innerText();
    for (const v of model.versions) {
      assert.ok(versions.includes(v.version), `${model.model} lists version ${v.version}: ${versions}`);
    }
    assert.match(await card.locator(ids.lastPrediction).innerText(), /\d+ (s|min|h|d) ago/);
    const stopped = Date.parse(summary.at) - Date.parse(model.lastPrediction) > STOPPED_AFTER_MS;
    assert.equal(await card.locator(ids.stopped).count(), stopped ? 1 : 0, `${model.model}: stopped-serving flag`);
    assert.equal(await card.locator(ids.volume).innerText(), model.predictions.toLocaleString('en-US'));
    assert.ok(
      (await card.locator(ids.coverage).innerText()).startsWith(`${(model.labelCoverage * 100).toFixed(1)}%`),
      `${model.model} coverage`
    );
    const drift = await card.locator(ids.drift).innerText();
    assert.ok(drift.includes(`${model.drift.drifting} of ${model.drift.checked} inputs drifting`), drift);
    for (const f of model.drift.features) {
      assert.ok(drift.includes(`${f.feature} · ${f.version}`), `${model.model} drifting ${f.feature}: ${drift}`);
    }

    const hrefs = await card
      .locator(`${ids.dashboards} a`)
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, DASHBOARD_HREFS(model.model));

    if (denied) {
      assert.ok((await card.locator(ids.rulesNote).innerText()).startsWith(TEXT.denied));
      assert.equal(await card.locator(ids.rule).count(), 0);
      continue;
    }
    const want = expectedRules(model.model);
    const rules = card.locator(ids.rule);
    assert.equal(await rules.count(), want.length, `${model.model}: its rules`);
    if (want.length === 0) {
      assert.equal(await card.locator(ids.rulesNote).innerText(), TEXT.noRules);
    }
    for (const [j, rule] of want.entries()) {
      const row = rules.nth(j);
      assert.ok(
        (await row.innerText()).startsWith(TEXT.states[rule.state]),
        `${rule.title}: ${TEXT.states[rule.state]}`
      );
      const link = row.getByRole('link', { name: rule.title });
      assert.equal(await link.getAttribute('href'), `/alerting/grafana/${rule.uid}/view`);
    }
  }
  if (!denied) {
    assert.ok(
      expectedRules(summary.models.at(-1).model).length + expectedRules(summary.models[0].model).length > 0,
      'the fixtures give the page rules to show'
    );
    assert.ok(
      prom.data.groups.some((g) => g.rules.some((r) => r.state === 'firing')),
      'a rule fires in the fixture'
    );
  }

  // Every link has an accessible name, every badge's text is readable against its background.
  const unnamed = await page.locator('a').evaluateAll((links) => links.filter((a) => !a.textContent.trim()).length);
  assert.equal(unnamed, 0, 'every link has a name');

  // The whole page too (the harness keeps the viewport): every card with its rules.
  if (size.width >= 1200) {
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${theme}-full.png`), fullPage: true });
  }
}

harnessTests(
  { describe, test, before, after },
  'Models page in Chromium',
  'models',
  (page, _state, shot) => checkPage(page, { denied: false, name: 'models', ...shot }),
  {},
  'models'
);
harnessTests(
  { describe, test, before, after },
  'Models page for a Viewer without alerting access',
  'models-no-alerting',
  (page, _state, shot) => checkPage(page, { denied: true, name: 'models-no-alerting', ...shot }),
  { alerting: 'denied' },
  'models'
);
