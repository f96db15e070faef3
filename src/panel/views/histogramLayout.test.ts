import type { HistogramBin } from '../data/drift';
import { formatNumber, shareFormatter } from './format';
import { AXIS_FONT_SIZE, histogramLayout, type HistogramLayout } from './histogramLayout';
import { textWidth } from './textWidth';

function numeric(edges: number[]): HistogramBin[] {
  const bin = (kind: HistogramBin['kind'], lower: number | null, upper: number | null, label: string) => ({
    label,
    kind,
    lower,
    upper,
    reference: 0.2,
    current: 0.2,
    referenceCount: 20,
    currentCount: 20,
    outsideReference: kind !== 'bin',
  });
  return [
    bin('underflow', null, edges[0], `< ${edges[0]}`),
    ...edges.slice(1).map((upper, i) => bin('bin', edges[i], upper, `[${edges[i]}, ${upper})`)),
    bin('overflow', edges[edges.length - 1], null, `> ${edges[edges.length - 1]}`),
  ];
}

function categories(names: string[]): HistogramBin[] {
  return names.map((label) => ({
    label,
    kind: 'category',
    lower: null,
    upper: null,
    reference: 0.1,
    current: 0.1,
    referenceCount: 10,
    currentCount: 10,
    outsideReference: false,
  }));
}

const percent = shareFormatter(undefined, 0);

/** Labels whose box reaches outside the width x height SVG. */
function outside(layout: HistogramLayout, width: number, height: number) {
  return layout.boxes.filter((b) => b.x < 0 || b.y < 0 || b.x + b.width > width || b.y + b.height > height);
}

describe('histogramLayout', () => {
  it('keeps every label inside the SVG, the last bin edge included', () => {
    // Wide edge labels: a fixed 8 px right margin cut half of the last one off.
    const bins = numeric([1250.5, 2500.25, 3750.75, 5000.125]);
    for (const [width, height] of [
      [280, 128],
      [560, 300],
    ]) {
      const layout = histogramLayout(bins, 0.5, width, height, percent);
      expect(layout.xLabels.map((label) => label.text)).toContain(formatNumber(5000.125));
      expect(outside(layout, width, height)).toEqual([]);
    }
  });

  it('makes room on the left for the widest share label as measured', () => {
    const narrow = histogramLayout(numeric([0, 10, 20]), 0.5, 280, 128, percent);
    const wide = histogramLayout(numeric([0, 10, 20]), 0.5, 280, 128, shareFormatter({ unit: 'none', decimals: 3 }));
    expect(narrow.yLabels.map((label) => label.text)).toEqual(['0%', '20%', '40%', '60%']);
    expect(wide.yLabels.map((label) => label.text)).toEqual(['0.000', '0.200', '0.400', '0.600']);
    expect(wide.margin.left - narrow.margin.left).toBe(
      textWidth('0.600', AXIS_FONT_SIZE) - textWidth('60%', AXIS_FONT_SIZE)
    );
    expect(outside(wide, 280, 128)).toEqual([]);
  });

  it('drops category names that would overlap their neighbours or leave the SVG', () => {
    const names = Array.from({ length: 12 }, (_, i) => `segment_number_${i}`);
    const layout = histogramLayout(categories(names), 0.1, 280, 128, percent);
    expect(layout.xLabels.length).toBeGreaterThan(0);
    expect(layout.xLabels.length).toBeLessThan(names.length);
    const boxes = layout.boxes.slice(layout.yLabels.length);
    boxes.slice(1).forEach((box, i) => expect(box.x).toBeGreaterThan(boxes[i].x + boxes[i].width));
    expect(outside(layout, 280, 128)).toEqual([]);

    const roomy = histogramLayout(categories(names.slice(0, 3)), 0.1, 560, 300, percent);
    expect(roomy.xLabels.map((label) => label.text)).toEqual(names.slice(0, 3));
  });
});
