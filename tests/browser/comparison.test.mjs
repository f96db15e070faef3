// Renders the panel's champion/challenger view in real Chromium from frames the backend returned
// (a time series query and a numeric one), checks what a user sees, and keeps screenshots for
// review (see harness/browser.mjs for inputs and outputs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

const ids = {
  summary: byTestId('modelwatch-comparison-summary'),
  verdict: byTestId('modelwatch-comparison-verdict'),
  legend: byTestId('modelwatch-comparison-legend'),
  metricChart: byTestId('modelwatch-comparison-metric-chart'),
  deltaChart: byTestId('modelwatch-comparison-delta-chart'),
  line: byTestId('modelwatch-comparison-line'),
  band: byTestId('modelwatch-comparison-band'),
  zeroLine: byTestId('modelwatch-comparison-zero-line'),
  threshold: byTestId('modelwatch-comparison-threshold'),
  tick: byTestId('modelwatch-comparison-tick'),
};
// Must match labels.panel.comparison.verdict in src/labels.ts.
const VERDICTS = { better: 'Challenger better', worse: 'Challenger worse', same: 'No significant difference' };
const THRESHOLD = 0.7;

function column(frame, name) {
  const i = frame.schema.fields.findIndex((field) => field.name === name);
  return i < 0 ? undefined : frame.data.values[i];
}

harnessTests(
  { describe, test, before, after },
  'champion/challenger comparison in Chromium',
  'comparison',
  async (page, state) => {
    const series = readFrames('comparison').filter((frame) => frame.schema?.meta?.custom?.kind === 'comparison');
    const [numeric] = readFrames('comparison-numeric');
    assert.ok(series.length > 0, 'no frame with meta.custom.kind "comparison"');
    assert.equal(state.view, 'comparison', 'auto picks the comparison view');
    const { champion, challenger } = series[0].schema.meta.custom;
    const output = (name) => series.find((frame) => frame.schema.name === name);

    const legend = await page.locator(ids.legend).innerText();
    for (const name of [`${champion} (champion)`, `${challenger} (challenger)`]) {
      assert.ok(legend.includes(name), `legend names ${name}: ${legend}`);
    }
    const metric = page.locator(ids.metricChart);
    const lines = metric.locator(ids.line);
    assert.deepEqual(
      await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-series'))),
      [`${champion} (champion)`, `${challenger} (challenger)`],
      'both versions are drawn'
    );
    const points = (values) => values.filter((v) => v !== null).length;
    assert.equal(await lines.nth(0).locator('circle').count(), points(column(output('champion'), 'champion')));
    assert.equal(await lines.nth(1).locator('circle').count(), points(column(output('challenger'), 'challenger')));
    assert.equal(await metric.locator(ids.threshold).count(), 1, 'the threshold is drawn on the metric chart');

    const delta = page.locator(ids.deltaChart);
    const band = delta.locator(ids.band);
    assert.equal(await band.count(), 1, 'the delta has its band');
    const box = await band.boundingBox();
    assert.ok(box && box.width > 50 && box.height > 5, `the band has an area (${JSON.stringify(box)})`);
    assert.equal(await delta.locator(ids.zeroLine).count(), 1, 'a zero line');
    const ticks = await delta.locator(ids.tick).allTextContents();
    assert.ok(ticks.length >= 2 && ticks.every((t) => /^\d\d\/\d\d$/.test(t)), `dates on the time axis: ${ticks}`);

    const better = column(numeric, 'challenger_better')[0];
    const verdict = await page.locator(ids.verdict).innerText();
    if (better === 1) {
      assert.equal(verdict, VERDICTS.better, 'the verdict follows the numeric query');
    } else {
      assert.ok([VERDICTS.worse, VERDICTS.same].includes(verdict), verdict);
    }
    const summary = await page.locator(ids.summary).innerText();
    assert.ok(summary.includes('whole range'), `the summary comes from the numeric query: ${summary}`);
    assert.ok(summary.includes('95% CI'), summary);
  },
  { thresholds: String(THRESHOLD) }
);
