import { dateTimeFormat } from '@grafana/data';

import { formatNumber, formatSigned } from './format';
import { extent, linearScale, niceTicks, padded, timeTicks } from './scales';

describe('scales', () => {
  it('maps linearly and handles a flat domain', () => {
    expect(linearScale([0, 1], [100, 0])(0.25)).toBe(75);
    expect(linearScale([2, 2], [0, 10])(2)).toBe(5);
  });

  it('gives round ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.04, 0.19, 4)).toEqual([0, 0.05, 0.1, 0.15]);
    expect(niceTicks(-0.12, 0.19, 6)).toEqual([-0.1, -0.05, 0, 0.05, 0.1, 0.15]);
    expect(niceTicks(3, 3, 4)).toEqual([3]);
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
