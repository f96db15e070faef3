// The uPlot configuration of the time charts (champion/challenger, estimation), built with @grafana/ui's
// UPlotConfigBuilder as Grafana's time series panel builds its own: a time x scale, one y scale,
// lines with Grafana's field styles, the delta's 95% band as a uPlot band, thresholds drawn by
// Grafana's threshold hook, and a zero line. Pure: no React, no canvas; the chart component
// (TimeChart.tsx) adds the tooltip, the dashboard event bus and the zoom.
import type uPlot from 'uplot';
import { colorManipulator, type GrafanaTheme2, type ThresholdsConfig, type TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import {
  AxisPlacement,
  DrawStyle,
  GraphThresholdsStyleMode,
  LineInterpolation,
  measureText,
  PointVisibility,
  ScaleDirection,
  ScaleOrientation,
  UPLOT_AXIS_FONT_SIZE,
  UPlotConfigBuilder,
} from '@grafana/ui';

/** One drawn series: its values, one per bucket time (null where the bucket has none). */
export interface PlotLine {
  key: string;
  label: string;
  color: string;
  values: Array<number | null>;
  /** A dashed line without points, e.g. a threshold that is the same in every bucket. */
  dashed?: boolean;
}

/** A band between two series of values, e.g. a confidence interval around a line. */
export interface PlotBand {
  label: string;
  color: string;
  low: Array<number | null>;
  high: Array<number | null>;
}

/** A dashboard annotation on the time axis: a point, or a region when it has an end. */
export interface TimeMarker {
  key: string;
  from: number;
  to?: number;
  color: string;
  /** What the marker's tooltip says. */
  label: string;
}

export interface TimePlotInput {
  theme: GrafanaTheme2;
  timeZone: TimeZone;
  /** Bucket times in epoch milliseconds, ascending. */
  times: number[];
  lines: PlotLine[];
  band?: PlotBand;
  /** The panel's thresholds, drawn as Grafana draws them with the "as dashed lines" style. */
  thresholds?: ThresholdsConfig;
  /** A solid reference line, e.g. the delta's zero; the scale always includes it. */
  referenceLine?: { value: number; color: string };
  /** The dashboard's annotations: a dashed line at each, a translucent band over each region. */
  markers?: TimeMarker[];
  /** The visible time range (the dashboard's, or the buckets' when there is none). */
  timeRange: () => { from: number; to: number };
  formatY: (value: number) => string;
  showTimeAxis: boolean;
  /** Width of the y axis in pixels, equal for charts that are stacked so their plots align. */
  axisWidth: number;
  /** uPlot's cursor sync key, shared by the charts of one panel (the tooltip plugin replaces it
   * with the dashboard's scope when the dashboard's crosshair sync is on). */
  syncKey: string;
}

/** The x scale's key: Grafana's tooltip plugin and the event bus plugin expect "x". */
export const X_SCALE = 'x';
const Y_SCALE = 'y';
const AXIS_PADDING = 16;
const BAND_OPACITY = 0.2;
/** The right padding holds half of the last time label, which is centred on the plot's edge. */
const PADDING = { top: 8, right: 40 };

/** The data in uPlot's aligned layout: times first, then each line, then the band's high and low. */
export function timePlotData(input: Pick<TimePlotInput, 'times' | 'lines' | 'band'>): uPlot.AlignedData {
  const columns: Array<Array<number | null>> = input.lines.map((line) => line.values);
  if (input.band) {
    columns.push(input.band.high, input.band.low);
  }
  return [input.times, ...columns] as uPlot.AlignedData;
}

/** The y axis width that fits the formatted labels of every value, so stacked charts align. */
export function axisWidthFor(values: Array<number | null>, format: (value: number) => string): number {
  let widest = 0;
  for (const value of values) {
    if (value !== null && Number.isFinite(value)) {
      widest = Math.max(widest, measureText(format(value), UPLOT_AXIS_FONT_SIZE).width);
    }
  }
  return Math.ceil(widest) + AXIS_PADDING;
}

/** The builder for one chart; its series indices follow timePlotData's columns. */
export function timePlotConfig(input: TimePlotInput): UPlotConfigBuilder {
  const { theme, timeZone } = input;
  const builder = new UPlotConfigBuilder(timeZone);

  builder.addScale({
    scaleKey: X_SCALE,
    isTime: true,
    orientation: ScaleOrientation.Horizontal,
    direction: ScaleDirection.Right,
    range: () => {
      const { from, to } = input.timeRange();
      return [from, to];
    },
  });
  builder.addAxis({
    scaleKey: X_SCALE,
    isTime: true,
    placement: AxisPlacement.Bottom,
    timeZone,
    theme,
    show: input.showTimeAxis,
    // A hidden time axis still lays out its grid lines, aligned with the chart below.
    grid: { show: true },
  });

  const reference = input.referenceLine?.value;
  builder.addScale({
    scaleKey: Y_SCALE,
    orientation: ScaleOrientation.Vertical,
    direction: ScaleDirection.Up,
    softMin: reference ?? null,
    softMax: reference ?? null,
  });
  builder.addAxis({
    scaleKey: Y_SCALE,
    placement: AxisPlacement.Left,
    theme,
    size: input.axisWidth,
    formatValue: (value: number) => input.formatY(value),
  });

  for (const line of input.lines) {
    builder.addSeries({
      scaleKey: Y_SCALE,
      theme,
      drawStyle: DrawStyle.Line,
      lineInterpolation: LineInterpolation.Linear,
      lineColor: line.color,
      lineWidth: line.dashed ? 1 : 2,
      lineStyle: line.dashed ? { fill: 'dash', dash: [8, 6] } : undefined,
      fillOpacity: 0,
      showPoints: line.dashed ? PointVisibility.Never : PointVisibility.Always,
      pointSize: 5,
      pointColor: line.color,
      spanNulls: false,
    });
  }
  if (input.band) {
    const lines = input.lines.length;
    for (let edge = 0; edge < 2; edge++) {
      builder.addSeries({
        scaleKey: Y_SCALE,
        theme,
        drawStyle: DrawStyle.Line,
        lineColor: input.band.color,
        lineWidth: 0,
        fillOpacity: 0,
        showPoints: PointVisibility.Never,
        spanNulls: false,
      });
    }
    // Series indices count the x column as 0: high is lines + 1, low is lines + 2.
    builder.addBand({
      series: [lines + 1, lines + 2],
      fill: colorManipulator.alpha(input.band.color, BAND_OPACITY),
    });
  }

  if (input.thresholds) {
    builder.addThresholds({
      scaleKey: Y_SCALE,
      thresholds: input.thresholds,
      config: { mode: GraphThresholdsStyleMode.Dashed },
      theme,
    });
  }
  if (input.referenceLine) {
    const { value, color } = input.referenceLine;
    builder.addHook('draw', (u: uPlot) => drawReferenceLine(u, value, color));
  }

  const markers = input.markers ?? [];
  if (markers.length > 0) {
    builder.addHook('draw', (u: uPlot) => drawAnnotations(u, markers));
  }
  // Fixed padding (uPlot's automatic one depends on the time labels), so stacked plots align.
  builder.setPadding([PADDING.top, PADDING.right, 0, 0]);
  builder.setCursor({ sync: { key: input.syncKey, scales: [X_SCALE, null] } });
  return builder;
}

/** A solid horizontal line across the plot at a value of the y scale. */
function drawReferenceLine(u: uPlot, value: number, color: string) {
  const y = Math.round(u.valToPos(value, Y_SCALE, true));
  const { ctx, bbox } = u;
  if (y < bbox.top || y > bbox.top + bbox.height) {
    return;
  }
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(bbox.left, y);
  ctx.lineTo(bbox.left + bbox.width, y);
  ctx.stroke();
  ctx.restore();
}

/** Regions as translucent bands and points as dashed lines, as Grafana draws annotations. */
function drawAnnotations(u: uPlot, markers: TimeMarker[]) {
  const { ctx, bbox } = u;
  ctx.save();
  for (const marker of markers) {
    const x0 = u.valToPos(marker.from, X_SCALE, true);
    if (marker.to !== undefined) {
      const x1 = u.valToPos(marker.to, X_SCALE, true);
      ctx.fillStyle = marker.color;
      ctx.globalAlpha = 0.1;
      ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = marker.color;
    ctx.lineWidth = 1;
    ctx.setLineDash([5, 5]);
    ctx.beginPath();
    ctx.moveTo(Math.round(x0), bbox.top);
    ctx.lineTo(Math.round(x0), bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/** The buckets' own range, for charts without a dashboard time range. */
export function bucketRange(times: number[], timeRange?: TimeRange): () => { from: number; to: number } {
  if (timeRange) {
    return () => ({ from: timeRange.from.valueOf(), to: timeRange.to.valueOf() });
  }
  const from = times[0] ?? 0;
  const to = times[times.length - 1] ?? from;
  return () => ({ from, to: to > from ? to : from + 1 });
}
