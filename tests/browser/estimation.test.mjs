// Renders the panel's estimated-against-realized view in real Chromium from frames the backend
// returned (an estimation query over the demo's last two weeks), checks what a user sees, and
// keeps screenshots for review (see harness/browser.mjs for inputs and outputs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

const CHART = 'modelwatch-estimation-chart';
const ids = {
  block: byTestId('modelwatch-estimation-block'),
  summary: byTestId('modelwatch-estimation-summary'),
  legend: byTestId('modelwatch-estimation-legend'),
  tooltip: byTestId('modelwatch-chart-tooltip'),
};
// Must match labels.panel.estimation and labels.query.metricOptions in src/labels.ts.
const NAMES = { estimated: 'Estimated', realized: 'Realized', band: 'Band (3 sampling errors)' };
const METRICS = { f1: 'F1', roc_auc: 'ROC AUC' };

/** The values of one output of one estimated metric, from the raw SDK JSON. */
function values(frames, metric, output) {
  const frame = frames.find((f) => f.schema.name === output && f.schema.fields[1].labels.metric === metric);
  assert.ok(frame, `no ${metric} ${output} frame`);
  return { times: frame.data.values[0], values: frame.data.values[1] };
}

harnessTests(
  { describe, test, before, after },
  'estimated against realized performance in Chromium',
  'estimation',
  async (page, state) => {
    const frames = readFrames('estimation').filter((frame) => frame.schema?.meta?.custom?.kind === 'estimation');
    assert.ok(frames.length > 0, 'no frame with meta.custom.kind "estimation"');
    assert.equal(state.view, 'estimation', 'auto picks the estimation view');
    const metrics = [...new Set(frames.map((f) => f.schema.fields[1].labels.metric))];
    assert.deepEqual(metrics, ['f1', 'roc_auc']);

    // One block per estimated metric, titled with the metric and the series, with the legend.
    const blocks = page.locator(ids.block);
    assert.equal(await blocks.count(), metrics.length);
    for (const [i, metric] of metrics.entries()) {
      const summary = await blocks.nth(i).locator(ids.summary).innerText();
      assert.ok(summary.startsWith(`${METRICS[metric]} · churn-classifier · A`), summary);
      assert.ok(summary.includes('calibration isotonic'), summary);
      const legend = await blocks.nth(i).locator(ids.legend).innerText();
      for (const name of Object.values(NAMES)) {
        assert.ok(legend.includes(name), `legend names ${name}: ${legend}`);
      }
    }

    // Each chart is a uPlot chart in the dashboard's sync scope holding exactly the backend's
    // estimate, realized values and band.
    const plots = await page.evaluate(() =>
      window.harness.plots().map(({ testId, plot }) => ({
        testId,
        data: plot.data.map((column) => Array.from(column)),
        bands: plot.bands.length,
        over: plot.over.getBoundingClientRect().toJSON(),
        xPos: plot.data[0].map((t) => plot.valToPos(t, 'x')),
      }))
    );
    assert.equal(plots.length, metrics.length, 'one chart per metric');
    for (const [i, metric] of metrics.entries()) {
      const plot = plots[i];
      assert.equal(plot.testId, CHART);
      const estimated = values(frames, metric, 'estimated');
      assert.deepEqual(plot.data[0], estimated.times, 'one point per bucket');
      assert.deepEqual(plot.data[1], estimated.values, 'the estimate');
      assert.deepEqual(plot.data[2], values(frames, metric, 'realized').values, 'the realized values');
      assert.deepEqual(plot.data[3], values(frames, metric, 'upper').values, "the band's upper edge");
      assert.deepEqual(plot.data[4], values(frames, metric, 'lower').values, "the band's lower edge");
      assert.equal(plot.bands, 1, 'the band is drawn as a uPlot band');
      for (let b = 0; b < estimated.values.length; b++) {
        const [low, high] = [plot.data[4][b], plot.data[3][b]];
        if (estimated.values[b] !== null) {
          assert.ok(
            low <= estimated.values[b] && estimated.values[b] <= high,
            `bucket ${b}: the estimate inside its band`
          );
        }
      }
    }

    // Hovering the first chart: Grafana's tooltip names the estimate, the realized value and the band.
    const first = plots[0];
    const visible = await page.locator(ids.block).first().isVisible();
    assert.ok(visible);
    await page.locator(byTestId(CHART)).first().scrollIntoViewIfNeeded();
    const box = await page
      .locator(`${byTestId(CHART)} .u-over`)
      .first()
      .boundingBox();
    await page.mouse.move(box.x + first.xPos[2], box.y + box.height / 2);
    await page.waitForSelector(ids.tooltip);
    const tooltip = await page.locator(ids.tooltip).innerText();
    for (const name of Object.values(NAMES)) {
      assert.ok(tooltip.includes(name), `the tooltip names ${name}: ${tooltip}`);
    }
  }
);
