import { labels } from '../../labels';
import type { HistogramBin } from '../data/drift';
import { formatNumber, type Formatter } from './format';
import { histogramScales, type HistogramScales } from './scales';
import { lineHeight, textWidth, widestText, type Box, type MeasureText } from './textWidth';

/** Font size of the axis labels, in pixels: the size they are measured at and drawn at. */
export const AXIS_FONT_SIZE = 10;
/** Between an axis label and the plot. */
const TICK_GAP = 4;
/** Free space between any label and the edge of the SVG. */
const EDGE = 2;
/** Free space between two neighbouring x labels. */
const LABEL_GAP = 4;
/** Below this, the plot keeps a margin anyway (the top and right have no labels of their own). */
const MIN_MARGIN = 8;

export interface AxisLabel {
  /** Position in plot coordinates: the centre of an x label, the baseline height of a y label. */
  at: number;
  text: string;
}

export interface HistogramLayout {
  margin: { top: number; right: number; bottom: number; left: number };
  plotWidth: number;
  plotHeight: number;
  scales: HistogramScales;
  /** Share labels, right-aligned TICK_GAP left of the plot. */
  yLabels: AxisLabel[];
  /** Bin edges, outer bins and categories, centred below the plot; none overlap. */
  xLabels: AxisLabel[];
  /** Where each label is drawn, in SVG coordinates, for tests and for placing the text. */
  boxes: Array<Box & { text: string }>;
  tickGap: number;
}

interface Candidate {
  /** Position in slots: 0 is the left edge of the first bin. */
  slot: number;
  text: string;
  width: number;
}

/** Candidate x labels: bin edges for numbers, names for categories, < and > for the outer bins. */
function candidates(bins: HistogramBin[], measure: MeasureText): Candidate[] {
  const found: Array<Omit<Candidate, 'width'>> = [];
  bins.forEach((bin, i) => {
    if (bin.kind === 'bin') {
      if (bin.lower !== null) {
        found.push({ slot: i, text: formatNumber(bin.lower) });
      }
      if (bin.upper !== null && bins[i + 1]?.kind !== 'bin') {
        found.push({ slot: i + 1, text: formatNumber(bin.upper) });
      }
    } else if (bin.kind === 'underflow' || bin.kind === 'overflow') {
      const text = bin.kind === 'underflow' ? labels.panel.drift.underflowTick : labels.panel.drift.overflowTick;
      found.push({ slot: i + 0.5, text });
    } else {
      found.push({ slot: i + 0.5, text: bin.label });
    }
  });
  return found.map((c) => ({ ...c, width: measure(c.text, AXIS_FONT_SIZE) }));
}

/**
 * Sizes a drift histogram of `width` x `height` pixels: margins from the measured widths of its
 * labels, the scales of the plot inside them, and the x labels thinned so that none overlap and
 * none leaves the SVG.
 */
export function histogramLayout(
  bins: HistogramBin[],
  maxShare: number,
  width: number,
  height: number,
  formatShare: Formatter,
  measure: MeasureText = textWidth
): HistogramLayout {
  const line = lineHeight(AXIS_FONT_SIZE);
  const shareTicks = histogramScales(bins.length, maxShare, 1, 1).yTicks;
  const yTexts = shareTicks.map((tick) => formatShare(tick));
  const xCandidates = candidates(bins, measure);
  const first = xCandidates[0];
  const last = xCandidates[xCandidates.length - 1];
  // A label on the plot's outer edge reaches half its width past it.
  const margin = {
    top: Math.max(MIN_MARGIN, Math.ceil(line / 2) + EDGE),
    right: Math.max(MIN_MARGIN, last?.slot === bins.length ? Math.ceil(last.width / 2) + EDGE : 0),
    bottom: TICK_GAP + line + EDGE,
    left: Math.max(
      widestText(yTexts, AXIS_FONT_SIZE, undefined, measure) + TICK_GAP + EDGE,
      first?.slot === 0 ? Math.ceil(first.width / 2) + EDGE : 0
    ),
  };
  const plotWidth = Math.max(1, width - margin.left - margin.right);
  const plotHeight = Math.max(1, height - margin.top - margin.bottom);
  const scales = histogramScales(bins.length, maxShare, plotWidth, plotHeight);
  const step = scales.x.step();
  const yLabels = scales.yTicks.map((tick, i) => ({ at: scales.y(tick), text: yTexts[i] }));

  const xLabels: AxisLabel[] = [];
  const widths: number[] = [];
  let right = -margin.left + EDGE - LABEL_GAP;
  for (const candidate of xCandidates) {
    const at = candidate.slot * step;
    const half = candidate.width / 2;
    if (at - half >= right + LABEL_GAP && at + half <= plotWidth + margin.right - EDGE) {
      xLabels.push({ at, text: candidate.text });
      widths.push(candidate.width);
      right = at + half;
    }
  }

  const boxes = [
    ...yLabels.map((label) => {
      const labelWidth = measure(label.text, AXIS_FONT_SIZE);
      return {
        text: label.text,
        x: margin.left - TICK_GAP - labelWidth,
        y: margin.top + label.at - line / 2,
        width: labelWidth,
        height: line,
      };
    }),
    ...xLabels.map((label, i) => ({
      text: label.text,
      x: margin.left + label.at - widths[i] / 2,
      y: margin.top + plotHeight + TICK_GAP,
      width: widths[i],
      height: line,
    })),
  ];
  return { margin, plotWidth, plotHeight, scales, yLabels, xLabels, boxes, tickGap: TICK_GAP };
}
