import { CHURN, confusionFrame } from '../../test/factories';
import { manyClassFixture } from '../../test/panelFrames';
import { confusionMatricesFromFrames } from '../data/confusion';
import { matrixTexts } from './ConfusionMatrix';
import {
  arrangeMatrices,
  FULL_CELL,
  matrixLayout,
  MIN_CELL,
  truncateLabel,
  type MatrixLayout,
  type TextPlacement,
} from './matrixLayout';

const options = { normalize: 'row' as const, showCounts: true };

function texts(fixture: Parameters<typeof confusionFrame>[0]) {
  const [matrix] = confusionMatricesFromFrames([confusionFrame(fixture)]);
  return matrixTexts(matrix, options);
}

const churn = texts(CHURN);
const twenty = texts(manyClassFixture(20));

/** Every text the layout places outside the matrix's cells. */
function labelsOf(layout: MatrixLayout): TextPlacement[] {
  return [
    layout.predictedTitle,
    layout.actualTitle,
    layout.recallHeader,
    layout.precisionHeader,
    ...layout.columnLabels,
    ...layout.rowLabels,
    ...layout.recallLabels,
    ...layout.precisionLabels,
  ];
}

/** The texts whose box reaches outside [0, width] x [0, height]. */
function outside(placements: TextPlacement[], width: number, height: number): string[] {
  return placements
    .filter(({ box }) => box.x < 0 || box.y < 0 || box.x + box.width > width || box.y + box.height > height)
    .map(({ text, box }) => `${text} [${box.x}, ${box.y}, ${box.width} x ${box.height}]`);
}

/** Pairs of texts whose boxes overlap. */
function overlapping(placements: TextPlacement[]): string[] {
  const found: string[] = [];
  placements.forEach((a, i) =>
    placements.slice(i + 1).forEach((b) => {
      const x = Math.min(a.box.x + a.box.width, b.box.x + b.box.width) - Math.max(a.box.x, b.box.x);
      const y = Math.min(a.box.y + a.box.height, b.box.y + b.box.height) - Math.max(a.box.y, b.box.y);
      if (x > 0.5 && y > 0.5) {
        found.push(`${a.text} / ${b.text}`);
      }
    })
  );
  return found;
}

describe('matrixLayout', () => {
  it('gives few classes full cells with their share and count, headers upright', () => {
    const layout = matrixLayout(churn, 600, 400);
    expect(layout).toMatchObject({ detail: 'full', rotateHeaders: false });
    expect(layout.y.step()).toBe(FULL_CELL);
    expect(layout.width).toBeLessThanOrEqual(600);
    expect(layout.height).toBeLessThanOrEqual(400);
  });

  it('shrinks cells to fit many classes, and rotates headers that no longer fit', () => {
    const layout = matrixLayout(twenty, 1184, 656);
    expect(layout.x.bandwidth()).toBeGreaterThanOrEqual(MIN_CELL);
    expect(layout.x.bandwidth()).toBeLessThan(FULL_CELL);
    expect(layout.width).toBeLessThanOrEqual(1184);
    expect(layout.rotateHeaders).toBe(true);
    expect(layout.detail).toBe('value');
  });

  it('never goes below the smallest cell: the matrix is then larger than the panel and scrolls', () => {
    const layout = matrixLayout(twenty, 584, 356);
    expect(layout.x.bandwidth()).toBe(MIN_CELL);
    expect(layout.y.bandwidth()).toBe(MIN_CELL);
    expect(layout.detail).toBe('colour');
    expect(layout.width).toBeGreaterThan(584);
    expect(layout.height).toBeGreaterThan(356);
  });

  it('makes room for the longest class name as measured, whatever its length in characters', () => {
    // A font where i and l are a quarter as wide as other letters.
    const measure = (t: string, size: number) =>
      [...t].reduce((w, c) => w + (c === 'i' || c === 'l' ? 0.25 : 1), 0) * size;
    const wide = matrixLayout({ ...churn, labels: ['WWWWWWWWWWWW', 'MMMMMMMM'] }, 600, 400, measure);
    const narrow = matrixLayout({ ...churn, labels: ['iiiiiiiiiiii', 'llllllll'] }, 600, 400, measure);
    // The plot starts after the widest row label: 12 W, or "Precision" (narrower than 12 W, wider than 12 i).
    expect(wide.x('WWWWWWWWWWWW')! - narrow.x('iiiiiiiiiiii')!).toBe(
      measure('WWWWWWWWWWWW', 12) - measure('Precision', 12)
    );
    expect(wide.rowLabels[0].box.x).toBeGreaterThan(wide.actualTitle.box.x + wide.actualTitle.box.width);
  });

  // Regression: the 20-class matrix's "Actual" title was centred on all its rows, which at 600x400
  // and 1200x700 lie partly below the panel, and was cut off. Every title and label must lie
  // inside the SVG, and the axis titles inside the part of it the panel shows.
  it.each([
    [1200, 700],
    [600, 400],
  ])('keeps every axis title and label of 20 long class names inside the SVG at %ix%i', (width, height) => {
    const box = arrangeMatrices([twenty], width - 16, height - 16, 28);
    const layout = matrixLayout(twenty, box.width, box.height);
    expect(outside(labelsOf(layout), layout.width, layout.height)).toEqual([]);
    expect(outside([layout.predictedTitle, layout.actualTitle], box.width, box.height)).toEqual([]);
    expect(overlapping(labelsOf(layout))).toEqual([]);
  });

  it('keeps the labels of two small matrices side by side inside their SVGs', () => {
    const box = arrangeMatrices([churn, churn], 584, 384, 28);
    const layout = matrixLayout(churn, box.width, box.height);
    expect(outside(labelsOf(layout), layout.width, layout.height)).toEqual([]);
    expect(overlapping(labelsOf(layout))).toEqual([]);
  });
});

describe('arrangeMatrices', () => {
  it('puts matrices side by side when they fit, one under the other when not', () => {
    expect(arrangeMatrices([churn, churn], 1184, 684, 28)).toEqual({ columns: 2, width: 584, height: 656 });
    expect(arrangeMatrices([churn, churn], 584, 384, 28).columns).toBe(2);
    expect(arrangeMatrices([twenty, twenty], 1184, 684, 28)).toMatchObject({ columns: 1, width: 1184 });
    expect(arrangeMatrices([], 600, 400, 28).columns).toBe(1);
  });
});

describe('truncateLabel', () => {
  it('cuts long names with an ellipsis and keeps short ones', () => {
    expect(truncateLabel('automotive_parts_and_accessories')).toBe('automotive_part…');
    expect(truncateLabel('automotive_parts_and_accessories')).toHaveLength(16);
    expect(truncateLabel('books')).toBe('books');
  });
});
