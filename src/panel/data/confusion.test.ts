import { toDataFrame } from '@grafana/data';

import { CHURN, confusionFrame } from '../../test/factories';
import { cellIntensity, cellShare, confusionMatricesFromFrames, confusionMatrixFromFrame } from './confusion';

describe('confusionMatrixFromFrame', () => {
  const matrix = confusionMatrixFromFrame(confusionFrame(CHURN))!;

  it('reads labels, counts and totals', () => {
    expect(matrix.labels).toEqual(['churn', 'stay']);
    expect(matrix.cells.map((row) => row.map((cell) => cell.count))).toEqual([
      [120, 30],
      [25, 800],
    ]);
    expect(matrix.rowTotals).toEqual([150, 825]);
    expect(matrix.columnTotals).toEqual([145, 830]);
    expect(matrix.total).toBe(975);
    expect(matrix.maxCount).toBe(800);
    expect(matrix.title).toBe('churn-classifier · A');
  });

  it('computes row, column and total shares', () => {
    const fn = matrix.cells[0][1]; // actual churn, predicted stay
    expect(fn.actual).toBe('churn');
    expect(fn.predicted).toBe('stay');
    expect(fn.diagonal).toBe(false);
    expect(fn.shares.row).toBeCloseTo(30 / 150, 12);
    expect(fn.shares.column).toBeCloseTo(30 / 830, 12);
    expect(fn.shares.total).toBeCloseTo(30 / 975, 12);
    expect(matrix.cells[1][1].diagonal).toBe(true);
    // Row shares of each row add up to one.
    for (const row of matrix.cells) {
      expect(row.reduce((sum, cell) => sum + cell.shares.row!, 0)).toBeCloseTo(1, 12);
    }
  });

  it('computes per-class precision and recall', () => {
    const [churn, stay] = matrix.classes;
    expect(churn.precision).toBeCloseTo(120 / 145, 12);
    expect(churn.recall).toBeCloseTo(120 / 150, 12);
    expect(stay.precision).toBeCloseTo(800 / 830, 12);
    expect(stay.recall).toBeCloseTo(800 / 825, 12);
    expect(churn.support).toBe(150);
    expect(churn.predicted).toBe(145);
  });

  it('orders labels as the meta says, not as rows arrive', () => {
    const shuffled = confusionFrameWithOrder(['stay', 'churn']);
    const m = confusionMatrixFromFrame(shuffled)!;
    expect(m.labels).toEqual(['churn', 'stay']);
    expect(m.cells[0][0].count).toBe(120);
    expect(m.cells[1][0].count).toBe(25);
  });

  it('appends labels the meta does not list', () => {
    const frame = confusionFrame({
      labels: ['b', 'a'],
      counts: [
        [1, 2],
        [3, 4],
      ],
    });
    frame.meta!.custom = { ...frame.meta!.custom, labels: ['a'] };
    const m = confusionMatrixFromFrame(frame)!;
    expect(m.labels).toEqual(['a', 'b']);
    // counts are in meta order [b, a]: a -> a is 4, b -> a is 2.
    expect(m.cells[0][0].count).toBe(4);
    expect(m.cells[1][0].count).toBe(2);
    expect(m.cells[0][1].count).toBe(3);
  });

  it('returns null ratios for an empty class instead of NaN', () => {
    const m = confusionMatrixFromFrame(
      confusionFrame({
        labels: ['x', 'y', 'z'],
        counts: [
          [5, 0, 0],
          [2, 3, 0],
          [0, 0, 0],
        ],
      })
    )!;
    const z = m.classes[2];
    expect(z.precision).toBeNull();
    expect(z.recall).toBeNull();
    expect(m.cells[2][2].shares.row).toBeNull();
    expect(m.cells[2][2].shares.column).toBeNull();
    expect(m.cells[2][2].shares.total).toBe(0);
    expect(m.classes[0].precision).toBeCloseTo(5 / 7, 12);
  });

  it('gives a square matrix with zeros for pairs the frame leaves out', () => {
    const frame = toDataFrame({
      meta: { custom: { kind: 'confusion', labels: ['p', 'q'] } },
      fields: [
        { name: 'actual', values: ['p'] },
        { name: 'predicted', values: ['q'] },
        { name: 'count', values: [7] },
      ],
    });
    const m = confusionMatrixFromFrame(frame)!;
    expect(m.cells.map((row) => row.map((cell) => cell.count))).toEqual([
      [0, 7],
      [0, 0],
    ]);
  });
});

describe('confusionMatricesFromFrames', () => {
  it('keeps one matrix per confusion frame, in order, and skips other frames', () => {
    const other = toDataFrame({ fields: [{ name: 'precision', values: [0.9] }] });
    const matrices = confusionMatricesFromFrames([
      confusionFrame({ ...CHURN, version: 'A' }),
      other,
      confusionFrame({ ...CHURN, version: 'B' }),
    ]);
    expect(matrices.map((m) => m.version)).toEqual(['A', 'B']);
    expect(new Set(matrices.map((m) => m.key)).size).toBe(2);
  });

  it('splits one frame holding several versions into one matrix per version', () => {
    const b = {
      ...CHURN,
      version: 'B',
      counts: [
        [140, 10],
        [5, 820],
      ],
    };
    const matrices = confusionMatricesFromFrames([confusionFrame({ ...CHURN, version: 'A' }, b)]);
    expect(matrices.map((m) => m.version)).toEqual(['A', 'B']);
    expect(matrices.map((m) => m.title)).toEqual(['churn-classifier · A', 'churn-classifier · B']);
    expect(matrices[0].cells[0][0].count).toBe(120);
    expect(matrices[1].cells[0][0].count).toBe(140);
    expect(matrices[1].total).toBe(975);
  });

  it('returns nothing for frames without the confusion kind', () => {
    const frame = confusionFrame(CHURN);
    frame.meta = { ...frame.meta, custom: { kind: 'histogram' } };
    expect(confusionMatricesFromFrames([frame])).toEqual([]);
    expect(confusionMatricesFromFrames([])).toEqual([]);
  });
});

describe('cellShare and cellIntensity', () => {
  const matrix = confusionMatrixFromFrame(confusionFrame(CHURN))!;
  const tn = matrix.cells[1][1];

  it('follow the normalisation', () => {
    expect(cellShare(tn, 'none')).toBeNull();
    expect(cellShare(tn, 'row')).toBeCloseTo(800 / 825, 12);
    expect(cellIntensity(matrix, tn, 'total')).toBeCloseTo(800 / 975, 12);
    expect(cellIntensity(matrix, tn, 'none')).toBe(1);
    expect(cellIntensity(matrix, matrix.cells[0][0], 'none')).toBeCloseTo(120 / 800, 12);
  });
});

function confusionFrameWithOrder(rowOrder: string[]) {
  return confusionFrame({ ...CHURN, rowOrder });
}
