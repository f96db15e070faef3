// Renders the panel's multivariate drift view in real Chromium from frames the backend returned
// (a multivariate query over the demo's last two weeks, fitted on the two weeks before), checks
// what a user sees, and keeps screenshots for review (see harness/browser.mjs for inputs and
// outputs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

const CHART = 'modelwatch-multivariate-chart';
const ids = {
  block: byTestId('modelwatch-multivariate-block'),
  summary: byTestId('modelwatch-multivariate-summary'),
  verdict: byTestId('modelwatch-multivariate-verdict'),
  legend: byTestId('modelwatch-multivariate-legend'),
  tooltip: byTestId('modelwatch-chart-tooltip'),
};
// Must match labels.panel.multivariate in src/labels.ts.
const NAMES = {
  error: 'Reconstruction error',
  band: 'Band (3 sampling errors)',
  thresholds: 'Thresholds (±3σ)',
  upper: 'Threshold, high',
  lower: 'Threshold, low',
};

/** The values of one output, from the raw SDK JSON. */
function values(frames, output) {
  const frame = frames.find((f) => f.schema.name === output);
  assert.ok(frame, `no ${output} frame`);
  return { times: frame.data.values[0], values: frame.data.values[1] };
}

harnessTests(
  { describe, test, before, after },
  'multivariate drift in Chromium',
  'multivariate',
  async (page, state) => {
    const frames = readFrames('multivariate').filter((frame) => frame.schema?.meta?.custom?.kind === 'multivariate');
    assert.ok(frames.length > 0, 'no frame with meta.custom.kind "multivariate"');
    assert.equal(state.view, 'multivariate', 'auto picks the multivariate view');

    // One block for version A, titled with the series, its verdict on the last day and the legend.
    const blocks = page.locator(ids.block);
    assert.equal(await blocks.count(), 1);
    const summary = await blocks.first().locator(ids.summary).innerText();
    assert.ok(summary.startsWith('churn-classifier · A'), summary);
    const drifted = values(frames, 'drifted').values;
    assert.equal(drifted.at(-1), 1, "the demo's older signups drift the last day");
    assert.equal(await blocks.first().locator(ids.verdict).innerText(), 'drifted');
    assert.ok(summary.includes(`${drifted.filter((v) => v === 1).length} drifted buckets`), summary);
    const legend = await blocks.first().locator(ids.legend).innerText();
    for (const name of [NAMES.error, NAMES.band, NAMES.thresholds]) {
      assert.ok(legend.includes(name), `legend names ${name}: ${legend}`);
    }

    // The chart is a uPlot chart holding exactly the backend's error, thresholds and band.
    const plots = await page.evaluate(() =>
      window.harness.plots().map(({ testId, plot }) => ({
        testId,
        data: plot.data.map((column) => Array.from(column)),
        bands: plot.bands.length,
        dashes: plot.series.map((s) => s.dash ?? null),
        xPos: plot.data[0].map((t) => plot.valToPos(t, 'x')),
      }))
    );
    assert.equal(plots.length, 1, 'one chart');
    const [plot] = plots;
    assert.equal(plot.testId, CHART);
    const error = values(frames, 'reconstruction_error');
    assert.deepEqual(plot.data[0], error.times, 'one point per bucket');
    assert.deepEqual(plot.data[1], error.values, 'the error');
    assert.deepEqual(plot.data[2], values(frames, 'threshold_upper').values, 'the upper threshold');
    assert.deepEqual(plot.data[3], values(frames, 'threshold_lower').values, 'the lower threshold');
    assert.deepEqual(plot.data[4], values(frames, 'upper').values, "the band's upper edge");
    assert.deepEqual(plot.data[5], values(frames, 'lower').values, "the band's lower edge");
    assert.equal(plot.bands, 1, 'the band is drawn as a uPlot band');
    assert.ok(plot.dashes[2] && plot.dashes[3], 'the thresholds are dashed');
    for (let b = 0; b < error.values.length; b++) {
      const outside = error.values[b] >= plot.data[2][b] || error.values[b] <= plot.data[3][b];
      assert.equal(outside ? 1 : 0, drifted[b], `bucket ${b}: drifted exactly where the error leaves the thresholds`);
    }

    // Hovering a drifted bucket: Grafana's tooltip names the error, both thresholds and the band.
    await page.locator(byTestId(CHART)).first().scrollIntoViewIfNeeded();
    const box = await page
      .locator(`${byTestId(CHART)} .u-over`)
      .first()
      .boundingBox();
    // A user's pointer sends many moves; one synthetic move right after the first draw can go
    // unseen, so the pointer glides in and, if need be, nudges once more.
    for (let attempt = 0; ; attempt++) {
      await page.mouse.move(box.x + plot.xPos.at(-4) + attempt, box.y + box.height / 2, { steps: 4 });
      const shown = await page
        .waitForSelector(ids.tooltip, { timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) {
        break;
      }
      assert.ok(attempt < 3, 'no tooltip after four moves over the chart');
    }
    const tooltip = await page.locator(ids.tooltip).innerText();
    for (const name of [NAMES.error, NAMES.upper, NAMES.lower, NAMES.band]) {
      assert.ok(tooltip.includes(name), `the tooltip names ${name}: ${tooltip}`);
    }
  }
);
