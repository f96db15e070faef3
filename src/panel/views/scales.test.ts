import { dateTimeFormat } from '@grafana/data';

import { formatNumber, formatSigned } from './format';
import { extent, histogramScales, linearScale, niceTicks, padded, timeTicks } from './scales';

describe('scales', () => {
  it("keeps the comparison charts' linear map and round ticks", () => {
    expect(linearScale([0, 1], [100, 0])(0.25)).toBe(75);
    // A flat domain (one value) draws in the middle rather than at an edge.
    expect(linearScale([2, 2], [0, 10])(2)).toBe(5);
    expect(niceTicks(-0.12, 0.19, 6)).toEqual([-0.1, -0.05, 0, 0.05, 0.1, 0.15]);
    expect(niceTicks(3, 3, 4)).toEqual([3]);
    expect(niceTicks(0, Number.NaN, 4)).toEqual([]);
  });

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

  it('finds the extent ignoring nulls and pads it', () => {
    expect(extent([null, 2, 1, undefined, 5])).toEqual([1, 5]);
    expect(extent([null])).toBeUndefined();
    expect(padded([0, 10], 0.1)).toEqual([-1, 11]);
  });

  it('puts daily ticks on midnights and formats them in the time zone', () => {
    const from = Date.UTC(2026, 2, 10);
    const ticks = timeTicks(from, from + 20 * 86_400_000, 6);
    expect(ticks.format).toBe('MM/DD');
    expect(ticks.values.length).toBeGreaterThanOrEqual(2);
    expect(ticks.values.length).toBeLessThanOrEqual(6);
    expect(ticks.values.every((t) => t % 86_400_000 === 0 && t >= from)).toBe(true);
    expect(dateTimeFormat(from, { format: ticks.format, timeZone: 'utc' })).toBe('03/10');
    expect(dateTimeFormat(from, { format: 'MM/DD HH:mm', timeZone: 'America/New_York' })).toBe('03/09 20:00');
  });

  it('uses hours within a day', () => {
    const from = Date.UTC(2026, 2, 10);
    expect(timeTicks(from, from + 6 * 3_600_000, 6)).toMatchObject({ format: 'HH:mm' });
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
