import { formatNumber, formatSigned } from './format';
import { histogramScales } from './scales';

describe('scales', () => {
  describe('histogramScales', () => {
    it('ends the share axis on a round share at or above the largest, labelled from 0', () => {
      // The largest share itself would leave the top gridline unlabelled.
      expect(histogramScales(5, 0.5, 200, 100).y.domain()).toEqual([0, 0.6]);
      expect(histogramScales(5, 0.5, 200, 100).yTicks).toEqual([0, 0.2, 0.4, 0.6]);
      expect(histogramScales(5, 0.93, 200, 100).yTicks).toEqual([0, 0.5, 1]);
      expect(histogramScales(5, 0.07, 200, 100).yTicks).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
      // All bins empty: a 0 to 1 axis rather than a flat one.
      expect(histogramScales(3, 0, 200, 100).y.domain()).toEqual([0, 1]);
      expect(histogramScales(5, 0.5, 200, 100).y(0)).toBe(100);
    });

    it('puts bins in adjacent slots and the two bars side by side in the middle of each', () => {
      const { x, bar } = histogramScales(4, 0.5, 200, 100);
      expect([0, 1, 2, 3].map((i) => x(i))).toEqual([0, 50, 100, 150]);
      expect(x.bandwidth()).toBe(50);
      // Reference then current, 80% of the slot together, centred.
      expect(bar('reference')).toBeCloseTo(5);
      expect(bar('current')).toBeCloseTo(25);
      expect(bar.bandwidth()).toBeCloseTo(20);
    });
  });
});

describe('formatNumber and formatSigned', () => {
  it('shows three significant digits, exponents for tiny values, signs for differences', () => {
    expect(formatNumber(1.4594962)).toBe('1.46');
    expect(formatNumber(0.0145304)).toBe('0.0145');
    expect(formatNumber(4.2e-105)).toBe('4.2e-105');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('–');
    expect(formatSigned(0.2096)).toBe('+0.21');
    expect(formatSigned(-0.0335)).toBe('−0.0335');
  });
});
