// Renders a 20-class confusion matrix in real Chromium (frames from the committed fixture
// confusion20.json: the demo classifier has two classes), checks that headers stay readable and
// cells usable at both sizes, and keeps screenshots for review.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byTestId, harnessTests, readFrames } from './harness/browser.mjs';

const CELL = byTestId('modelwatch-confusion-cell');
const MATRIX = byTestId('modelwatch-confusion-matrix');
const MIN_CELL = 28;

/** Boxes of the elements that overlap another by more than a pixel, as "i/j" pairs. */
function overlaps(boxes) {
  const found = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b, k) => {
      const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (x > 1 && y > 1) {
        found.push(`${i}/${i + 1 + k}`);
      }
    })
  );
  return found;
}

harnessTests(
  { describe, test, before, after },
  '20-class confusion matrix in Chromium',
  'confusion20',
  async (page, state, { size }) => {
    const [frame] = readFrames('confusion20');
    const labels = frame.schema.meta.custom.labels;
    const n = labels.length;
    assert.equal(n, 20, 'the fixture has 20 classes');
    assert.equal(state.view, 'confusion');

    const matrix = page.locator(MATRIX);
    const cells = matrix.locator(CELL);
    assert.equal(await cells.count(), n * n);

    // Every cell is at least MIN_CELL px, and names actual, predicted, share and count in its tooltip.
    const cellInfo = await cells.evaluateAll((els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect();
        return { width: box.width, height: box.height, title: el.querySelector('title')?.textContent };
      })
    );
    const small = cellInfo.filter((cell) => cell.width < MIN_CELL - 0.5 || cell.height < MIN_CELL - 0.5);
    assert.deepEqual(small, [], 'no cell under 28 px');
    cellInfo.forEach((cell, i) => {
      const actual = labels[Math.floor(i / n)];
      const predicted = labels[i % n];
      assert.match(cell.title, /^Actual .+, predicted .+: \d+\.\d%, [\d,]+ predictions$/);
      assert.ok(cell.title.startsWith(`Actual ${actual}, predicted ${predicted}:`), cell.title);
    });

    // Column and row headers: each full name shown or in its tooltip (an SVG <title>), and no two headers overlap.
    for (const role of ['columnheader', 'rowheader']) {
      const headers = matrix.getByRole(role);
      const info = await headers.evaluateAll((els) =>
        els.map((el) => {
          const text = el.querySelector('text');
          const box = (text ?? el).getBoundingClientRect();
          // The tooltip when the name is cut, else the name as shown.
          return {
            title: el.getAttribute('aria-label') && (text.querySelector('title')?.textContent ?? text.textContent),
            box: { x: box.x, y: box.y, width: box.width, height: box.height },
          };
        })
      );
      // The class names; the recall column's and precision row's headers name what they hold.
      const named = info.filter((header) => header.title && !['Recall', 'Precision'].includes(header.title));
      assert.deepEqual(
        named.map((header) => header.title),
        labels,
        `${role}s carry the full class names`
      );
      assert.deepEqual(overlaps(named.map((header) => header.box)), [], `${role}s do not overlap`);
    }

    // Every axis title, class name and precision/recall label lies inside the matrix's SVG, and
    // the axis titles lie inside the panel's visible box (the matrix scrolls; its titles must not
    // scroll out of sight before the user starts).
    const placement = await matrix.evaluate((figure) => {
      const rect = (el) => {
        const box = el.getBoundingClientRect();
        return { x: box.x, y: box.y, right: box.right, bottom: box.bottom, text: el.textContent };
      };
      const svg = figure.querySelector('svg');
      const texts = svg ? [...svg.querySelectorAll('text')].filter((el) => !el.closest('[role="gridcell"]')) : [];
      const titles = [...figure.querySelectorAll('*')].filter(
        (el) => el.children.length === 0 && ['Actual', 'Predicted'].includes(el.textContent.trim())
      );
      return {
        svg: svg ? rect(svg) : undefined,
        texts: texts.map(rect),
        titles: titles.map(rect),
        panel: rect(figure.parentElement),
      };
    });
    const outside = (boxes, frame) =>
      boxes
        .filter(
          (b) =>
            b.x < frame.x - 0.5 || b.y < frame.y - 0.5 || b.right > frame.right + 0.5 || b.bottom > frame.bottom + 0.5
        )
        .map(
          (b) => `${b.text} [${Math.round(b.x)}, ${Math.round(b.y)}, ${Math.round(b.right)}, ${Math.round(b.bottom)}]`
        );
    assert.ok(placement.svg, 'the matrix is drawn as an SVG');
    assert.ok(placement.texts.length >= 2 * n + 4, `axis titles and ${2 * n} class names are SVG text`);
    assert.deepEqual(outside(placement.texts, placement.svg), [], 'every label lies inside the SVG');
    assert.deepEqual(placement.titles.map((b) => b.text).sort(), ['Actual', 'Predicted'], 'both axis titles are drawn');
    assert.deepEqual(outside(placement.titles, placement.panel), [], 'the axis titles lie inside the panel');

    // A panel too narrow for 20 columns of 28 px scrolls inside itself; the page never does.
    const scroll = await matrix.evaluate((el) => {
      const container = el.parentElement;
      return {
        inner: container.scrollWidth > container.clientWidth,
        page: document.documentElement.scrollWidth > window.innerWidth,
      };
    });
    assert.equal(scroll.page, false, 'the page does not scroll');
    if (size.width < 800) {
      assert.equal(scroll.inner, true, 'the matrix scrolls within the panel');
    }
  }
);
