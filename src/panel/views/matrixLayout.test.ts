import { matrixLayout, MIN_CELL, truncateLabel } from './matrixLayout';

const classes = (n: number, name = 'class') => Array.from({ length: n }, (_, i) => `${name}_${i}`);

describe('matrixLayout', () => {
  it('gives few classes full cells with their share and count, headers upright', () => {
    const layout = matrixLayout(['churn', 'stay'], 600);
    expect(layout).toMatchObject({ cell: 56, detail: 'full', rotateHeaders: false });
    expect(layout.minWidth).toBeLessThanOrEqual(600);
  });

  it('shrinks cells to fit many classes, and rotates headers that no longer fit', () => {
    const layout = matrixLayout(classes(20), 1200);
    expect(layout.cell).toBeGreaterThanOrEqual(MIN_CELL);
    expect(layout.cell).toBeLessThan(56);
    expect(layout.minWidth).toBeLessThanOrEqual(1200);
    expect(layout.rotateHeaders).toBe(true);
  });

  it('never goes below the smallest cell: the matrix is then wider than the panel and scrolls', () => {
    const layout = matrixLayout(classes(20, 'a_rather_long_class_name'), 600);
    expect(layout.cell).toBe(MIN_CELL);
    expect(layout.detail).toBe('colour');
    expect(layout.minWidth).toBeGreaterThan(600);
  });
});

describe('truncateLabel', () => {
  it('cuts long names with an ellipsis and keeps short ones', () => {
    expect(truncateLabel('automotive_parts_and_accessories')).toBe('automotive_part…');
    expect(truncateLabel('automotive_parts_and_accessories')).toHaveLength(16);
    expect(truncateLabel('books')).toBe('books');
  });
});
