// One time chart of the comparison and estimation views, drawn by Grafana's own uPlot
// components: UPlotChart with the
// configuration of timePlot.ts, Grafana's tooltip (TooltipPlugin2: hover, pinning, drag to
// zoom the dashboard's time range), the dashboard event bus (EventBusPlugin: the shared
// crosshair with the other panels) and the dashboard's annotations as markers on the time axis.
import React, { useLayoutEffect, useMemo, useReducer, useState } from 'react';
import { createPortal } from 'react-dom';
import { css } from '@emotion/css';
import type uPlot from 'uplot';
import {
  dateTimeFormat,
  FieldType,
  toDataFrame,
  type GrafanaTheme2,
  type ThresholdsConfig,
  type TimeRange,
} from '@grafana/data';
import { DashboardCursorSync, type TimeZone } from '@grafana/schema';
import {
  EventBusPlugin,
  SeriesTable,
  Tooltip,
  TooltipPlugin2,
  UPlotChart,
  usePanelContext,
  useStyles2,
  useTheme2,
  type UPlotConfigBuilder,
} from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { AnnotationMarker } from '../data/annotations';
import { bucketRange, timePlotConfig, timePlotData, type PlotBand, type PlotLine, type TimeMarker } from './timePlot';

export type { TimeMarker };

export interface TimeChartProps {
  testId: string;
  ariaLabel: string;
  times: number[];
  lines: PlotLine[];
  band?: PlotBand;
  thresholds?: ThresholdsConfig;
  referenceLine?: { value: number; color: string };
  markers: TimeMarker[];
  width: number;
  height: number;
  timeZone: TimeZone;
  timeRange?: TimeRange;
  formatY: (value: number) => string;
  showTimeAxis: boolean;
  axisWidth: number;
  /** Shared by the charts of one panel, so that their crosshairs move together. */
  syncKey: string;
  /** The dashboard's time range change (drag to zoom); no zoom without it. */
  onZoom?: (range: { from: number; to: number }) => void;
}

/** Grafana's "all series at the hovered time" tooltip mode (TooltipHoverMode.xAll). */
const HOVER_ALL_SERIES = 1;

export function TimeChart(props: TimeChartProps) {
  const { times, lines, band, thresholds, referenceLine, timeZone, timeRange, formatY, showTimeAxis } = props;
  const { axisWidth, syncKey, markers } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const { eventBus, eventsScope, sync } = usePanelContext();
  const cursorSync = sync?.() ?? DashboardCursorSync.Off;

  const config = useMemo(
    () =>
      timePlotConfig({
        theme,
        timeZone,
        times,
        lines,
        band,
        thresholds,
        referenceLine,
        markers,
        timeRange: bucketRange(times, timeRange),
        formatY,
        showTimeAxis,
        axisWidth,
        syncKey,
      }),
    [
      theme,
      timeZone,
      times,
      lines,
      band,
      thresholds,
      referenceLine,
      markers,
      timeRange,
      formatY,
      showTimeAxis,
      axisWidth,
      syncKey,
    ]
  );
  const data = useMemo(() => timePlotData({ times, lines, band }), [times, lines, band]);
  // The frame other panels receive with the crosshair's time (DataHoverEvent's payload).
  const frame = useMemo(
    () =>
      toDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: times },
          ...lines.map((line) => ({ name: line.label, type: FieldType.number, values: line.values })),
        ],
      }),
    [times, lines]
  );

  return (
    <figure className={styles.figure} data-testid={props.testId} aria-label={props.ariaLabel}>
      <UPlotChart config={config} data={data} width={props.width} height={props.height}>
        <TooltipPlugin2
          config={config}
          hoverMode={HOVER_ALL_SERIES}
          syncMode={cursorSync}
          syncScope={eventsScope}
          queryZoom={props.onZoom}
          render={(u, dataIdxs) => (
            <ChartTooltip u={u} index={dataIdxs[0]} lines={lines} band={band} timeZone={timeZone} formatY={formatY} />
          )}
        />
        {cursorSync !== DashboardCursorSync.Off && <EventBusPlugin config={config} eventBus={eventBus} frame={frame} />}
        <AnnotationMarkers config={config} markers={markers} timeZone={timeZone} />
      </UPlotChart>
      <ValuesTable {...props} />
      <ThresholdList thresholds={thresholds} formatY={formatY} />
    </figure>
  );
}

interface ChartTooltipProps {
  u: uPlot;
  index: number | null;
  lines: PlotLine[];
  band?: PlotBand;
  timeZone: TimeZone;
  formatY: (value: number) => string;
}

/** Grafana's series table for the hovered bucket: each line's value and the band's interval. */
function ChartTooltip({ u, index, lines, band, timeZone, formatY }: ChartTooltipProps) {
  if (index === null) {
    return null;
  }
  const time = u.data[0][index];
  const text = (value: number | null | undefined) => (value == null ? '-' : formatY(value));
  const series = lines
    .filter((_, i) => u.series[i + 1]?.show !== false)
    .map((line) => ({ color: line.color, label: line.label, value: text(line.values[index]) }));
  if (band && (band.low[index] != null || band.high[index] != null)) {
    series.push({
      color: band.color,
      label: band.label,
      value: `[${text(band.low[index])}, ${text(band.high[index])}]`,
    });
  }
  return (
    <div data-testid={selectors.panel.chart.tooltip}>
      <SeriesTable timestamp={dateTimeFormat(time, { timeZone })} series={series} />
    </div>
  );
}

interface AnnotationMarkersProps {
  config: UPlotConfigBuilder;
  markers: TimeMarker[];
  timeZone: TimeZone;
}

/**
 * The dashboard's annotations as Grafana's time series panel shows them: a marker under the
 * plot at each annotation's time (its text on hover), a shaded band for a region, and a dashed
 * line across the plot.
 */
function AnnotationMarkers({ config, markers, timeZone }: AnnotationMarkersProps) {
  const styles = useStyles2(getStyles);
  const [plot, setPlot] = useState<uPlot | null>(null);
  const [, redraw] = useReducer((n: number) => n + 1, 0);

  // The lines and regions are drawn by the configuration (timePlot.ts); the markers
  // follow the plot: placed when it is ready, moved when it redraws.
  useLayoutEffect(() => {
    config.addHook('ready', (u: uPlot) => setPlot(u));
    config.addHook('draw', () => redraw());
  }, [config]);

  if (!plot || markers.length === 0) {
    return null;
  }
  const [min, max] = [plot.scales.x.min ?? 0, plot.scales.x.max ?? 0];
  return createPortal(
    <>
      {markers
        .filter((marker) => (marker.to ?? marker.from) >= min && marker.from <= max)
        .map((marker) => {
          const left = plot.valToPos(Math.max(marker.from, min), 'x');
          const right = marker.to === undefined ? left : plot.valToPos(Math.min(marker.to, max), 'x');
          return (
            <Tooltip key={marker.key} content={`${marker.label} (${dateTimeFormat(marker.from, { timeZone })})`}>
              <div
                className={styles.marker}
                data-testid={selectors.panel.chart.annotation}
                data-time={marker.from}
                style={{ left, width: Math.max(8, right - left), borderBottomColor: marker.color }}
                tabIndex={0}
                aria-label={marker.label}
              />
            </Tooltip>
          );
        })}
    </>,
    plot.over
  );
}

/** The chart's values as a table for screen readers: a canvas has none to read. */
function ValuesTable({ ariaLabel, times, lines, band, timeZone, formatY }: TimeChartProps) {
  const styles = useStyles2(getStyles);
  const text = (value: number | null | undefined) => (value == null ? '-' : formatY(value));
  return (
    <table className={styles.visuallyHidden}>
      <caption>{ariaLabel}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          {lines.map((line) => (
            <th scope="col" key={line.key}>
              {line.label}
            </th>
          ))}
          {band && <th scope="col">{band.label}</th>}
        </tr>
      </thead>
      <tbody>
        {times.map((time, i) => (
          <tr key={time}>
            <th scope="row">{dateTimeFormat(time, { timeZone })}</th>
            {lines.map((line) => (
              <td key={line.key}>{text(line.values[i])}</td>
            ))}
            {band && <td>{`[${text(band.low[i])}, ${text(band.high[i])}]`}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The thresholds drawn on the chart, for screen readers (the base step has no line). */
function ThresholdList({ thresholds, formatY }: Pick<TimeChartProps, 'thresholds' | 'formatY'>) {
  const styles = useStyles2(getStyles);
  const steps = (thresholds?.steps ?? []).filter((step) => Number.isFinite(step.value));
  if (steps.length === 0) {
    return null;
  }
  return (
    <ul className={styles.visuallyHidden}>
      {steps.map((step) => (
        <li key={step.value} data-testid={selectors.panel.chart.threshold}>
          {`${labels.panel.chart.threshold} ${formatY(step.value)}`}
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({
    margin: 0,
    position: 'relative',
  }),
  marker: css({
    position: 'absolute',
    bottom: -6,
    height: 6,
    marginLeft: -4,
    borderBottom: '6px solid',
    borderRadius: theme.shape.radius.default,
    cursor: 'pointer',
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
    },
  }),
  visuallyHidden: css({
    position: 'absolute',
    width: 1,
    height: 1,
    margin: -1,
    padding: 0,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
    border: 0,
  }),
});

/** The dashboard's annotations as the time charts' markers, in the theme's colours. */
export function useTimeMarkers(annotations: AnnotationMarker[]): TimeMarker[] {
  const theme = useTheme2();
  return useMemo(
    () =>
      annotations.map((annotation) => ({
        key: annotation.key,
        from: annotation.time,
        to: annotation.timeEnd,
        color: theme.visualization.getColorByName(annotation.color ?? 'yellow'),
        label: annotation.text || labels.panel.chart.annotation,
      })),
    [annotations, theme]
  );
}
