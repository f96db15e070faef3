import '../../test/uplotEnvironment';
import { createTheme, ThresholdsMode } from '@grafana/data';

import { axisWidthFor, bucketRange, timePlotConfig, timePlotData, type TimePlotInput } from './timePlot';

const DAY = 86_400_000;
const times = [0, DAY, 2 * DAY];
const input: TimePlotInput = {
  theme: createTheme(),
  timeZone: 'utc',
  times,
  lines: [{ key: 'delta', label: 'Delta', color: '#8f3bb8', values: [0.1, null, -0.2] }],
  band: { label: '95% CI', color: '#8f3bb8', low: [0, null, -0.3], high: [0.2, null, -0.1] },
  timeRange: bucketRange(times),
  formatY: (value) => value.toFixed(2),
  showTimeAxis: true,
  axisWidth: 40,
  syncKey: 'panel-1',
};

describe('timePlotData', () => {
  it('lays out times, each line, then the band high and low, as the series indices of the config', () => {
    expect(timePlotData(input)).toEqual([times, [0.1, null, -0.2], [0.2, null, -0.1], [0, null, -0.3]]);
  });
});

describe('timePlotConfig', () => {
  it('fills the band between the series of its high and low edges', () => {
    const config = timePlotConfig(input).getConfig();
    // Series 0 is time; 1 the line; 2 and 3 the band's edges, drawn without a line of their own.
    expect(config.series).toHaveLength(4);
    expect(config.bands).toEqual([expect.objectContaining({ series: [2, 3] })]);
    expect(config.series[2].width).toBe(0);
  });

  it('draws a dashed line thin and without points, e.g. a threshold the same in every bucket', () => {
    const threshold = { key: 'threshold', label: 'Threshold', color: '#f2495c', values: [0.8, 0.8, 0.8], dashed: true };
    const config = timePlotConfig({ ...input, lines: [...input.lines, threshold] }).getConfig();
    expect(config.series[1].dash).toBeUndefined();
    expect(config.series[2].dash).toEqual([8, 6]);
    expect(config.series[2].width).toBeLessThan(config.series[1].width!);
    expect(config.series[2].points?.show).toBe(false);
  });

  it('uses a time x scale over the range, and a fixed padding and axis width so stacked charts align', () => {
    const config = timePlotConfig(input).getConfig();
    expect(config.scales?.x?.time).toBe(true);
    expect(config.padding).toEqual([8, 40, 0, 0]);
    expect(config.axes?.[1].size).toBe(40);
    expect(config.cursor?.sync?.key).toBe('panel-1');
  });

  it('draws thresholds, the reference line and annotations with draw hooks, only when asked', () => {
    // Grafana's threshold hook draws before the series ("drawClear"); the others after ("draw").
    const drawHooks = (extra: Partial<TimePlotInput>) => {
      const hooks = timePlotConfig({ ...input, ...extra }).getConfig().hooks;
      return (hooks?.draw?.length ?? 0) + (hooks?.drawClear?.length ?? 0);
    };
    const none = drawHooks({});
    const thresholds = {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 0.7, color: 'red' },
      ],
    };
    expect(drawHooks({ thresholds })).toBe(none + 1);
    expect(drawHooks({ referenceLine: { value: 0, color: '#888888' } })).toBe(none + 1);
    expect(drawHooks({ markers: [{ key: 'a', from: DAY, color: '#fade2a', label: 'Deploy' }] })).toBe(none + 1);
    expect(drawHooks({ markers: [] })).toBe(none);
  });

  it('formats the y axis with the panel unit', () => {
    const config = timePlotConfig({ ...input, formatY: (value) => `${value * 100}%` }).getConfig();
    const values = config.axes?.[1].values as (u: unknown, splits: number[]) => string[];
    expect(values(null, [0.5])).toEqual(['50%']);
  });
});

describe('axisWidthFor', () => {
  it('grows with the longest formatted label and ignores missing values', () => {
    const short = axisWidthFor([0.1, null], (v) => v.toFixed(1));
    const long = axisWidthFor([0.1, null], (v) => `${v.toFixed(6)} requests/s`);
    expect(long).toBeGreaterThan(short);
    expect(axisWidthFor([null], String)).toBe(axisWidthFor([], String));
  });
});

describe('bucketRange', () => {
  it("is the buckets' first and last time, or the dashboard's range when there is one", () => {
    expect(bucketRange(times)()).toEqual({ from: 0, to: 2 * DAY });
    expect(bucketRange([5])()).toEqual({ from: 5, to: 6 });
  });
});
