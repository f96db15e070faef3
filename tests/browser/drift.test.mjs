// Renders the panel's drift histograms in real Chromium from frames the backend returned, checks
// what a user sees, and keeps screenshots for review (see harness/browser.mjs for inputs and outputs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

const ids = {
  chart: byTestId('modelwatch-drift-chart'),
  title: byTestId('modelwatch-drift-title'),
  header: byTestId('modelwatch-drift-header'),
  verdict: byTestId('modelwatch-drift-verdict'),
  bin: byTestId('modelwatch-drift-bin'),
  bar: byTestId('modelwatch-drift-bar'),
  outOfRange: byTestId('modelwatch-drift-out-of-range'),
  tooltip: byTestId('modelwatch-drift-tooltip'),
};
// Must match labels.panel.drift.verdict in src/labels.ts.
const VERDICTS = { drift: 'Drift', 'no-drift': 'No drift', undefined: 'Undefined' };

/**
 * The histograms in the order the panel must show them, computed from the raw SDK JSON: drifted
 * first, then by how far past the threshold (threshold / p for p-values, distance / threshold),
 * undefined scores last; ties keep frame order.
 */
function expectedHistograms(frames) {
  const histograms = frames
    .filter((frame) => frame.schema?.meta?.custom?.kind === 'drift-histogram')
    .map((frame, i) => {
      const meta = frame.schema.meta.custom;
      const verdict = meta.score === null ? 'undefined' : meta.drifted ? 'drift' : 'no-drift';
      const severity =
        meta.score === null
          ? -Infinity
          : meta.scoreKind === 'p_value'
            ? meta.score === 0
              ? Infinity
              : meta.threshold / meta.score
            : meta.score / meta.threshold;
      const kinds = frame.data.values[frame.schema.fields.findIndex((field) => field.name === 'kind')];
      return {
        i,
        meta,
        verdict,
        severity,
        bins: kinds.length,
        outside: kinds.filter((k) => k !== 'bin' && k !== 'category').length,
      };
    });
  const order = { drift: 0, 'no-drift': 1, undefined: 2 };
  return histograms.sort(
    (a, b) =>
      order[a.verdict] - order[b.verdict] ||
      (a.severity === b.severity ? 0 : b.severity > a.severity ? 1 : -1) ||
      a.i - b.i
  );
}

const letters = (text) => text.toLowerCase().replace(/[^a-z]/g, '');

// `drift`: the drift dashboard's basket forecaster inputs; `drift-explorer`: the chosen input's
// histogram of the drift explorer and model overview dashboards (the churn classifier's age, the
// default $feature, against 7 days earlier: its customers grow older in the last 7 days).
for (const frames of ['drift', 'drift-explorer']) {
  harnessTests(
    { describe, test, before, after },
    `drift histograms in Chromium (${frames})`,
    frames,
    async (page, state) => {
      const expected = expectedHistograms(readFrames(frames));
      assert.ok(expected.length > 0, 'no frame with meta.custom.kind "drift-histogram"');
      assert.equal(state.view, 'drift', 'auto picks the drift view');

      const charts = page.locator(ids.chart);
      assert.equal(await charts.count(), expected.length, 'one chart per feature and version');

      const titles = await page.locator(ids.title).allTextContents();
      assert.deepEqual(
        titles,
        expected.map(({ meta }) => `${meta.feature} · ${meta.version}`),
        'charts are sorted most drifted first, undefined last'
      );
      const verdicts = await page.locator(ids.verdict).allTextContents();
      assert.deepEqual(
        verdicts,
        expected.map(({ verdict }) => VERDICTS[verdict]),
        'each header shows its verdict'
      );

      const first = charts.first();
      const want = expected[0];
      assert.equal(await first.locator(ids.bar).count(), 2 * want.bins, 'two bars per bin of the first histogram');
      assert.equal(await first.locator(ids.outOfRange).count(), want.outside, 'bins outside the reference are marked');
      const header = await first.locator(ids.header).innerText();
      assert.ok(
        letters(header).includes(letters(want.meta.method)),
        `header names method ${want.meta.method}: ${header}`
      );
      assert.ok(header.includes(VERDICTS[want.verdict]), `header shows the verdict: ${header}`);
      assert.ok(await first.isVisible(), 'the first chart is visible');

      // Some bar of the first chart has a visible height (the shares are drawn, not only the frame).
      const heights = await first
        .locator(ids.bar)
        .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))));
      assert.ok(Math.max(...heights) > 20, `the tallest bar is drawn (${Math.max(...heights)} px)`);

      // Every axis label of every chart lies inside its SVG (margins fit the measured labels).
      const outside = await charts.evaluateAll((els) =>
        els.flatMap((chart) => {
          const svg = chart.querySelector('svg').getBoundingClientRect();
          return [...chart.querySelectorAll('svg text')]
            .map((text) => ({ text: text.textContent, box: text.getBoundingClientRect() }))
            .filter(
              ({ box }) =>
                box.x < svg.x - 0.5 ||
                box.y < svg.y - 0.5 ||
                box.right > svg.right + 0.5 ||
                box.bottom > svg.bottom + 0.5
            )
            .map(
              ({ text, box }) =>
                `${text} [${Math.round(box.x - svg.x)}, ${Math.round(box.right - svg.x)}] of ${svg.width}`
            );
        })
      );
      assert.deepEqual(outside, [], 'every axis label lies inside its chart');

      // The tooltip is reachable with the keyboard and names the bin.
      const bin = first.locator(ids.bin).nth(1);
      await bin.focus();
      const tooltip = page.locator(ids.tooltip);
      assert.ok(await tooltip.isVisible(), 'focusing a bin shows its tooltip');
      const tip = await tooltip.innerText();
      assert.match(tip, /Reference: .*%/);
      assert.match(tip, /Current: /);
      await bin.blur();

      const undefinedOnes = expected.filter(({ verdict }) => verdict === 'undefined');
      if (undefinedOnes.length > 0) {
        const last = await page.locator(ids.header).last().innerText();
        assert.ok(last.includes(undefinedOnes.at(-1).meta.reason), `an undefined score gives its reason: ${last}`);
      }
    }
  );
}
