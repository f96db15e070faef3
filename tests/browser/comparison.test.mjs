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
  tooltip: byTestId('modelwatch-chart-tooltip'),
  annotation: byTestId('modelwatch-chart-annotation'),
};
const METRIC_CHART = 'modelwatch-comparison-metric-chart';
const DELTA_CHART = 'modelwatch-comparison-delta-chart';
// Must match labels.panel.comparison.verdict in src/labels.ts.
const VERDICTS = { better: 'Challenger better', worse: 'Challenger worse', same: 'No significant difference' };
const THRESHOLD = 0.7;

function column(frame, name) {
  const i = frame.schema.fields.findIndex((field) => field.name === name);
  return i < 0 ? undefined : frame.data.values[i];
}

/** What the page's uPlot charts hold: data, bands, scales, cursor, positions of given values. */
function plotsState(page, at = {}) {
  return page.evaluate(
    ({ at }) =>
      Object.fromEntries(
        window.harness.plots().map(({ testId, plot }) => [
          testId,
          {
            data: plot.data.map((column) => Array.from(column)),
            bands: plot.bands.length,
            shown: plot.series.slice(1).map((series) => series.show),
            cursorLeft: plot.cursor.left,
            cursorIdx: plot.cursor.idx,
            overBox: plot.over.getBoundingClientRect().toJSON(),
            plotTop: plot.bbox.top,
            xPos: (at.x ?? []).map((value) => plot.valToPos(value, 'x')),
            yPos: (at.y ?? []).map((value) => plot.valToPos(value, 'y', true)),
            xMin: plot.scales.x.min,
            xMax: plot.scales.x.max,
          },
        ])
      ),
    { at }
  );
}

/**
 * The share of canvas pixels along a row of the plot (canvas pixels) that are mostly red: the
 * threshold's dashed line, drawn by Grafana's threshold hook, is red in both themes.
 */
function redShareOfRow(page, testId, canvasY) {
  return page.evaluate(
    ({ testId, canvasY }) => {
      const { plot } = window.harness.plots().find((entry) => entry.testId === testId);
      const { left, width } = plot.bbox;
      // The line is a pixel or two thick: the best of the rows around the value.
      let best = 0;
      for (let dy = -2; dy <= 2; dy++) {
        const y = Math.round(canvasY) + dy;
        const pixels = plot.ctx.getImageData(Math.round(left), y, Math.round(width), 1).data;
        let red = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i] > 150 && pixels[i + 1] < 110 && pixels[i + 2] < 110) {
            red++;
          }
        }
        best = Math.max(best, red / (pixels.length / 4));
      }
      return best;
    },
    { testId, canvasY }
  );
}

/** Two annotations as the dashboard passes them: a point and a region, inside the buckets' range. */
function annotationParam() {
  try {
    const frame = readFrames('comparison').find((f) => f.schema.name === 'champion');
    const times = column(frame, 'time');
    return `${times[5]},${times[8]}-${times[10]}`;
  } catch {
    return ''; // The test reports the missing frames itself.
  }
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
    const times = column(output('champion'), 'time');

    // Grafana's legend names both versions with their roles.
    const legend = await page.locator(ids.legend).innerText();
    for (const name of [`${champion} (champion)`, `${challenger} (challenger)`]) {
      assert.ok(legend.includes(name), `legend names ${name}: ${legend}`);
    }

    // Two uPlot charts in the dashboard's sync scope, holding exactly the backend's values.
    const firstTimes = [times[0], times[3]];
    let plots = await plotsState(page, { x: firstTimes, y: [THRESHOLD] });
    assert.deepEqual(
      Object.keys(plots).sort(),
      [DELTA_CHART, METRIC_CHART],
      'both charts are uPlot charts in the sync scope'
    );
    const metric = plots[METRIC_CHART];
    const delta = plots[DELTA_CHART];
    assert.deepEqual(metric.data[0], times, 'the metric chart has one point per bucket');
    assert.deepEqual(metric.data[1], column(output('champion'), 'champion'));
    assert.deepEqual(metric.data[2], column(output('challenger'), 'challenger'));
    assert.deepEqual(delta.data[1], column(output('delta'), 'delta'));
    assert.deepEqual(delta.data[2], column(output('ci_high'), 'ci_high'), "the band's upper edge");
    assert.deepEqual(delta.data[3], column(output('ci_low'), 'ci_low'), "the band's lower edge");
    assert.equal(delta.bands, 1, 'the delta has its 95% band');
    assert.equal(metric.xMin, delta.xMin, 'both charts show the same time range');
    assert.equal(metric.xMax, delta.xMax);
    assert.equal(metric.overBox.left, delta.overBox.left, 'the plots are aligned');
    assert.equal(metric.overBox.width, delta.overBox.width);

    // The threshold is drawn across the metric chart as Grafana draws it.
    const redAtThreshold = await redShareOfRow(page, METRIC_CHART, metric.yPos[0]);
    assert.ok(redAtThreshold > 0.2, `the threshold line is drawn at ${THRESHOLD} (red share ${redAtThreshold})`);

    // Hovering the metric chart: Grafana's tooltip with both versions, the delta chart's
    // crosshair at the same time, and a hover event on the dashboard's bus for other panels.
    const overTop = metric.overBox.top + metric.overBox.height / 2;
    await page.mouse.move(metric.overBox.left + metric.xPos[1], overTop);
    await page.waitForSelector(ids.tooltip);
    const tooltip = await page.locator(ids.tooltip).innerText();
    for (const name of [`${champion} (champion)`, `${challenger} (challenger)`]) {
      assert.ok(tooltip.includes(name), `the tooltip names ${name}: ${tooltip}`);
    }
    await page.waitForFunction((time) => window.harness.hovers.includes(time), times[3], { timeout: 5_000 });
    plots = await plotsState(page, { x: firstTimes });
    assert.equal(plots[METRIC_CHART].cursorIdx, 3, 'the hovered bucket');
    assert.equal(plots[DELTA_CHART].cursorIdx, 3, 'the delta chart follows the crosshair');
    assert.ok(Math.abs(plots[DELTA_CHART].cursorLeft - plots[METRIC_CHART].cursorLeft) < 1, 'one crosshair');

    // Another panel's hover moves this panel's crosshair.
    await page.mouse.move(2, 2);
    await page.evaluate((time) => window.harness.hoverFromOtherPanel(time), times[0]);
    await page.waitForFunction(
      (testId) => window.harness.plots().find((entry) => entry.testId === testId)?.plot.cursor.idx === 0,
      METRIC_CHART,
      { timeout: 5_000 }
    );
    plots = await plotsState(page, { x: firstTimes });
    assert.ok(
      Math.abs(plots[METRIC_CHART].cursorLeft - plots[METRIC_CHART].xPos[0]) < 1,
      'the crosshair is at the time'
    );

    // Dragging across the delta chart asks the dashboard to zoom to the selection.
    const box = plots[DELTA_CHART].overBox;
    const [x0, x1] = [box.left + box.width * 0.25, box.left + box.width * 0.6];
    await page.mouse.move(x0, box.top + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(x1, box.top + box.height / 2, { steps: 8 });
    await page.mouse.up();
    const zooms = await page.evaluate(() => window.harness.zooms);
    assert.equal(zooms.length, 1, `one zoom: ${JSON.stringify(zooms)}`);
    const span = plots[DELTA_CHART].xMax - plots[DELTA_CHART].xMin;
    const expected = (x) => plots[DELTA_CHART].xMin + ((x - box.left) / box.width) * span;
    assert.ok(Math.abs(zooms[0].from - expected(x0)) < span / 100, `zoom from ${zooms[0].from} ~ ${expected(x0)}`);
    assert.ok(Math.abs(zooms[0].to - expected(x1)) < span / 100, `zoom to ${zooms[0].to} ~ ${expected(x1)}`);

    // The dashboard's annotations: one marker per annotation on each time axis.
    assert.equal(await page.locator(`${ids.metricChart} ${ids.annotation}`).count(), 2);
    assert.equal(await page.locator(`${ids.deltaChart} ${ids.annotation}`).count(), 2);

    // A click on a legend item shows only that series, as in Grafana's time series panel.
    await page.locator(ids.legend).getByText(`${challenger} (challenger)`).click();
    await page.waitForFunction(
      (testId) => window.harness.plots().find((entry) => entry.testId === testId)?.plot.series.length === 2,
      METRIC_CHART,
      { timeout: 5_000 }
    );
    plots = await plotsState(page);
    assert.deepEqual(plots[METRIC_CHART].data[1], column(output('challenger'), 'challenger'), 'only the challenger');
    await page.locator(ids.legend).getByText(`${challenger} (challenger)`).click();
    await page.waitForFunction(
      (testId) => window.harness.plots().find((entry) => entry.testId === testId)?.plot.series.length === 3,
      METRIC_CHART,
      { timeout: 5_000 }
    );
    await page.mouse.move(2, 2);

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
  { thresholds: String(THRESHOLD), annotations: annotationParam() }
);
