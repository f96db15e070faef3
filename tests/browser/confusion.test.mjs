// Renders the panel's confusion matrix in real Chromium from frames the backend returned, checks
// what a user sees, and keeps screenshots for review (see harness/browser.mjs for inputs and outputs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

// Must match formatCount in src/panel/views/ConfusionMatrix.tsx.
const formatCount = (count) => new Intl.NumberFormat('en-US').format(count);
const CELL = byTestId('modelwatch-confusion-cell');
const COUNT = byTestId('modelwatch-confusion-count');
const MATRIX = byTestId('modelwatch-confusion-matrix');

/**
 * The expected matrices, computed from the raw SDK JSON independently of the panel code: one
 * per (model, version) of each confusion frame (the backend puts every version in one frame).
 */
function expectedMatrices(frames) {
  const matrices = [];
  for (const frame of frames.filter((f) => f.schema?.meta?.custom?.kind === 'confusion')) {
    const names = frame.schema.fields.map((field) => field.name);
    const column = (name) => frame.data.values[names.indexOf(name)];
    const [actual, predicted, count, versions] = ['actual', 'predicted', 'count', 'version'].map(column);
    const model = frame.schema.meta.custom.model;
    const byVersion = new Map();
    actual.forEach((a, i) => {
      const version = versions ? versions[i] : frame.schema.meta.custom.version;
      if (!byVersion.has(version)) {
        byVersion.set(version, []);
      }
      byVersion.get(version).push(i);
    });
    for (const [version, rows] of byVersion) {
      const labels = [...(frame.schema.meta.custom.labels ?? [])];
      for (const i of rows) {
        for (const label of [actual[i], predicted[i]]) {
          if (!labels.includes(label)) {
            labels.push(label);
          }
        }
      }
      const counts = labels.map(() => labels.map(() => 0));
      for (const i of rows) {
        counts[labels.indexOf(actual[i])][labels.indexOf(predicted[i])] += Number(count[i] ?? 0);
      }
      matrices.push({ labels, counts, model, version });
    }
  }
  return matrices;
}

harnessTests({ describe, test, before, after }, 'confusion matrix in Chromium', 'confusion', async (page, state) => {
  const expected = expectedMatrices(readFrames('confusion'));
  assert.ok(expected.length > 0, 'no frame with meta.custom.kind "confusion"');
  assert.equal(state.view, 'confusion', 'auto picks the confusion view');

  const matrices = page.locator(MATRIX);
  assert.equal(await matrices.count(), expected.length, 'one matrix per version');
  for (const [i, want] of expected.entries()) {
    const matrix = matrices.nth(i);
    const cells = matrix.locator(CELL);
    const n = want.labels.length;
    assert.equal(await cells.count(), n * n, `matrix ${i} has labels² cells`);
    let visible = 0;
    for (let c = 0; c < n * n; c++) {
      if (await cells.nth(c).isVisible()) {
        visible++;
      }
    }
    assert.equal(visible, n * n, `all ${n * n} cells of matrix ${i} are visible`);

    const shown = await matrix.locator(COUNT).allTextContents();
    assert.deepEqual(shown, want.counts.flat().map(formatCount), `matrix ${i} shows the frame's counts in order`);
    const text = await matrix.evaluate((el) => el.textContent);
    for (const label of want.labels) {
      assert.ok(text.includes(label), `label ${label} is shown`);
    }
    for (const word of ['Actual', 'Predicted']) {
      assert.ok(text.includes(word), `axis title ${word} is shown`);
    }
    const outside = await matrix.evaluate((figure) => {
      const svg = figure.querySelector('svg').getBoundingClientRect();
      return [...figure.querySelectorAll('svg text')]
        .map((text) => ({ text: text.textContent, box: text.getBoundingClientRect() }))
        .filter(
          ({ box }) =>
            box.x < svg.x - 0.5 || box.y < svg.y - 0.5 || box.right > svg.right + 0.5 || box.bottom > svg.bottom + 0.5
        )
        .map(({ text }) => text);
    });
    assert.deepEqual(outside, [], `every text of matrix ${i} lies inside its SVG`);
    if (want.model) {
      assert.ok(text.includes(want.model), `title names model ${want.model}`);
    }
  }
});
