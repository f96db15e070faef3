import { scaleBand, scaleLinear, type ScaleBand, type ScaleLinear } from 'd3-scale';

/** A linear map from a domain to a range; a flat domain maps to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): ScaleLinear<number, number> {
  return scaleLinear().domain(domain).range(range);
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || count < 1) {
    return [];
  }
  return scaleLinear().domain([min, max]).ticks(count);
}

/** The two windows a drift histogram compares, in the order their bars stand in a bin. */
export const BAR_SERIES = ['reference', 'current'] as const;
export type BarSeries = (typeof BAR_SERIES)[number];

export interface HistogramScales {
  /** Share to y: from 0 at the bottom to a round share at or above the largest. */
  y: ScaleLinear<number, number>;
  /** About three round shares to label, from 0 to the top of the axis. */
  yTicks: number[];
  /** Bin index to its slot: slots are adjacent, as a histogram's bins are. */
  x: ScaleBand<number>;
  /** Window to its bar within a slot: the two bars side by side, a tenth of the slot free on either side. */
  bar: ScaleBand<BarSeries>;
}

/** Scales of a drift histogram of `bins` bins whose largest share is `maxShare`, on a plot of this size. */
export function histogramScales(bins: number, maxShare: number, width: number, height: number): HistogramScales {
  const y = scaleLinear()
    .domain([0, maxShare > 0 ? maxShare : 1])
    .range([height, 0])
    .nice(3);
  const x = scaleBand<number>()
    .domain(Array.from({ length: Math.max(1, bins) }, (_, i) => i))
    .range([0, width]);
  const bar = scaleBand<BarSeries>().domain(BAR_SERIES).range([0, x.bandwidth()]).paddingOuter(0.25);
  return { y, yTicks: y.ticks(3), x, bar };
}

/** [min, max] of the numbers given, ignoring nulls; undefined when there are none. */
export function extent(values: Iterable<number | null | undefined>): [number, number] | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  return min <= max ? [min, max] : undefined;
}

/** [min, max] widened by a share of its span (or by an absolute amount when flat). */
export function padded([min, max]: [number, number], share = 0.05): [number, number] {
  const pad = max > min ? (max - min) * share : Math.max(Math.abs(max) * share, 0.01);
  return [min - pad, max + pad];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];

export interface TimeTicks {
  values: number[];
  /** A moment format for dateTimeFormat: dates for day steps, times otherwise. */
  format: string;
}

/**
 * At most `maxTicks` ticks over [from, to], on multiples of a round step from the epoch (the
 * backend aligns its buckets the same way, so ticks fall on bucket starts).
 */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTicks {
  const span = Math.max(to - from, 1);
  const step = TIME_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  const values: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    values.push(t);
  }
  return { values, format: step >= DAY ? 'MM/DD' : span > DAY ? 'MM/DD HH:mm' : 'HH:mm' };
}
