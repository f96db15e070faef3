import { toDataFrame } from '@grafana/data';

import { CHURN, confusionFrame } from '../../test/factories';
import { manyClassFixture } from '../../test/panelFrames';
import {
  cellIntensity,
  cellShare,
  confusionMatricesFromFrames,
  confusionMatrixFromFrame,
  limitClasses,
} from './confusion';

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

describe('limitClasses', () => {
  const matrixOf = (n: number) => confusionMatricesFromFrames([confusionFrame(manyClassFixture(n))])[0];

  it('keeps a matrix of up to 30 classes as it is', () => {
    const matrix = matrixOf(30);
    expect(limitClasses(matrix, 'other')).toBe(matrix);
    expect(limitClasses(matrixOf(20), 'other').labels).toHaveLength(20);
  });

  it('keeps the 29 most frequent classes beyond 30 and folds the rest into "other"', () => {
    const matrix = matrixOf(35);
    const limited = limitClasses(matrix, 'other');
    expect(limited.labels).toHaveLength(30);
    // The fixture's classes get rarer down the list: the last six are folded.
    expect(limited.labels.slice(0, 29)).toEqual(matrix.labels.slice(0, 29));
    expect(limited.labels[29]).toBe('other');
    expect(limited.total).toBe(matrix.total);
    const folded = matrix.cells.slice(29).flatMap((row) => row.slice(29));
    expect(limited.cells[29][29].count).toBe(folded.reduce((sum, cell) => sum + cell.count, 0));
    // A kept row keeps its counts into kept classes, and its confusions with folded ones add up.
    expect(limited.cells[28].slice(0, 29).map((cell) => cell.count)).toEqual(
      matrix.cells[28].slice(0, 29).map((cell) => cell.count)
    );
    expect(limited.cells[28][29].count).toBe(matrix.cells[28].slice(29).reduce((sum, cell) => sum + cell.count, 0));
    expect(limited.rowTotals[28]).toBe(matrix.rowTotals[28]);
  });

  it('ranks by how often a class occurs or is predicted, keeping the display order', () => {
    const labels = Array.from({ length: 4 }, (_, i) => `c${i}`);
    // c0 is the rarest; the others occur 10, 20 and 30 times.
    const counts = [
      [1, 0, 0, 0],
      [0, 10, 0, 0],
      [0, 0, 20, 0],
      [0, 0, 0, 30],
    ];
    const matrix = confusionMatricesFromFrames([confusionFrame({ labels, counts })])[0];
    const limited = limitClasses(matrix, 'other', 3);
    expect(limited.labels).toEqual(['c2', 'c3', 'other']);
    expect(limited.cells[2][2].count).toBe(11);
  });

  it('names "other" apart from a kept class of that name', () => {
    const labels = ['other', 'a', 'b'];
    const counts = [
      [9, 0, 0],
      [0, 5, 0],
      [0, 0, 1],
    ];
    const matrix = confusionMatricesFromFrames([confusionFrame({ labels, counts })])[0];
    expect(limitClasses(matrix, 'other', 2).labels).toEqual(['other', 'other (2)']);
  });
});
