import { scaleBand, scaleLinear, type ScaleBand, type ScaleLinear } from 'd3-scale';

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
