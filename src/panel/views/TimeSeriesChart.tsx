import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { selectors } from '../../selectors';
import { definedRuns } from '../data/comparison';
import { extent, linearScale, niceTicks, padded, timeTicks } from './scales';

export interface ChartLine {
  key: string;
  label: string;
  values: Array<number | null>;
  color: string;
  testId?: string;
}

export interface ChartBand {
  low: Array<number | null>;
  high: Array<number | null>;
  color: string;
  label: string;
  testId?: string;
}

export interface HorizontalLine {
  key: string;
  value: number;
  color: string;
  dashed?: boolean;
  label?: string;
  testId?: string;
}

/** A vertical marker on the time axis: a line at `from`, or a region to `to`. */
export interface TimeMarker {
  key: string;
  from: number;
  to?: number;
  color: string;
  /** Shown as the marker's tooltip. */
  label: string;
  testId?: string;
}

export interface TimeSeriesChartProps {
  /** Bucket times, ascending; every line has one value per time. */
  times: number[];
  lines: ChartLine[];
  band?: ChartBand;
  horizontalLines?: HorizontalLine[];
  markers?: TimeMarker[];
  width: number;
  height: number;
  timeZone?: TimeZone;
  showTimeAxis: boolean;
  formatY: (value: number) => string;
  ariaLabel: string;
  testId?: string;
}

const MARGIN = { top: 8, right: 12, left: 48 };
const AXIS_HEIGHT = 20;

function linePath(values: Array<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  return definedRuns(values)
    .map(([start, end]) => {
      const points: string[] = [];
      for (let i = start; i <= end; i++) {
        points.push(`${i === start ? 'M' : 'L'}${x(i).toFixed(1)},${y(values[i]!).toFixed(1)}`);
      }
      return points.join('');
    })
    .join('');
}

function bandPath(band: ChartBand, x: (i: number) => number, y: (v: number) => number): string {
  return definedRuns(band.low, band.high)
    .map(([start, end]) => {
      const upper: string[] = [];
      const lower: string[] = [];
      for (let i = start; i <= end; i++) {
        upper.push(`${x(i).toFixed(1)},${y(band.high[i]!).toFixed(1)}`);
        lower.unshift(`${x(i).toFixed(1)},${y(band.low[i]!).toFixed(1)}`);
      }
      // A lone bucket still gets a visible band: a short vertical bar.
      if (start === end) {
        const cx = x(start);
        return `M${cx - 3},${y(band.high[start]!)}H${cx + 3}V${y(band.low[start]!)}H${cx - 3}Z`;
      }
      return `M${upper.join('L')}L${lower.join('L')}Z`;
    })
    .join('');
}

/** A small SVG time series chart: lines with gaps at nulls, an optional band, horizontal reference lines. */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const {
    times,
    lines,
    band,
    horizontalLines = [],
    markers = [],
    width,
    height,
    timeZone,
    showTimeAxis,
    formatY,
  } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  // The point whose value is shown: set by hovering or by keyboard focus (Tab moves through
  // the points), so that the values are reachable without a mouse.
  const [active, setActive] = useState<{ line: number; index: number } | null>(null);

  const plotWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotHeight = Math.max(1, height - MARGIN.top - (showTimeAxis ? AXIS_HEIGHT : 6));
  const from = times[0] ?? 0;
  const to = times[times.length - 1] ?? from;
  const x = linearScale([from, to], [0, plotWidth]);
  const xi = (i: number) => x(times[i]);

  const yExtent = extent([
    ...lines.flatMap((line) => line.values),
    ...(band ? [...band.low, ...band.high] : []),
    ...horizontalLines.map((line) => line.value),
  ]) ?? [0, 1];
  const [y0, y1] = padded(yExtent, 0.08);
  const y = linearScale([y0, y1], [plotHeight, 0]);
  const yTicks = niceTicks(y0, y1, Math.max(2, Math.floor(plotHeight / 28))).filter((t) => t >= y0 && t <= y1);
  const ticks = timeTicks(from, to, Math.max(2, Math.floor(plotWidth / 70)));

  return (
    <svg width={width} height={height} role="group" aria-label={props.ariaLabel} data-testid={props.testId}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {yTicks.map((tick) => (
          <g key={`y-${tick}`} transform={`translate(0,${y(tick)})`}>
            <line x1={0} x2={plotWidth} stroke={theme.colors.border.weak} />
            <text x={-6} dy="0.32em" textAnchor="end" className={styles.axis} fill={theme.colors.text.secondary}>
              {formatY(tick)}
            </text>
          </g>
        ))}
        {ticks.values.map((t) => (
          <g key={`x-${t}`} transform={`translate(${x(t)},0)`}>
            <line y1={0} y2={plotHeight} stroke={theme.colors.border.weak} />
            {showTimeAxis && (
              <text
                y={plotHeight + 14}
                textAnchor={x(t) > plotWidth - 20 ? 'end' : x(t) < 20 ? 'start' : 'middle'}
                className={styles.axis}
                fill={theme.colors.text.secondary}
                data-testid={selectors.panel.comparison.tick}
              >
                {dateTimeFormat(t, { format: ticks.format, timeZone })}
              </text>
            )}
          </g>
        ))}
        {markers.map((marker) => (
          <Marker key={marker.key} marker={marker} x={x} from={from} to={to} plotHeight={plotHeight} />
        ))}
        {band && (
          <path d={bandPath(band, xi, y)} fill={band.color} fillOpacity={0.25} data-testid={band.testId}>
            <title>{band.label}</title>
          </path>
        )}
        {horizontalLines.map((line) => (
          <g key={line.key} data-testid={line.testId}>
            <line
              x1={0}
              x2={plotWidth}
              y1={y(line.value)}
              y2={y(line.value)}
              stroke={line.color}
              strokeWidth={1.5}
              strokeDasharray={line.dashed ? '4 3' : undefined}
            />
            {line.label && (
              <text x={plotWidth - 2} y={y(line.value) - 3} textAnchor="end" className={styles.axis} fill={line.color}>
                {line.label}
              </text>
            )}
          </g>
        ))}
        {lines.map((line, l) => (
          <g key={line.key} data-testid={line.testId} data-series={line.label}>
            <path d={linePath(line.values, xi, y)} fill="none" stroke={line.color} strokeWidth={2} />
            {line.values.map((value, i) =>
              value === null ? null : (
                <circle
                  key={i}
                  cx={xi(i)}
                  cy={y(value)}
                  r={active?.line === l && active.index === i ? 4.5 : 2.5}
                  fill={line.color}
                  tabIndex={0}
                  aria-label={pointText(line.label, times[i], value, timeZone, formatY)}
                  onFocus={() => setActive({ line: l, index: i })}
                  onMouseEnter={() => setActive({ line: l, index: i })}
                  onBlur={() => setActive(null)}
                  onMouseLeave={() => setActive(null)}
                >
                  <title>{pointText(line.label, times[i], value, timeZone, formatY)}</title>
                </circle>
              )
            )}
          </g>
        ))}
        {active && lines[active.line]?.values[active.index] != null && (
          <PointTooltip
            x={xi(active.index)}
            y={y(lines[active.line].values[active.index] as number)}
            plotWidth={plotWidth}
            text={pointText(
              lines[active.line].label,
              times[active.index],
              lines[active.line].values[active.index] as number,
              timeZone,
              formatY
            )}
          />
        )}
        <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={theme.colors.border.strong} />
      </g>
    </svg>
  );
}

interface MarkerProps {
  marker: TimeMarker;
  x: (time: number) => number;
  from: number;
  to: number;
  plotHeight: number;
}

/** An annotation: a dashed line with a flag at the top, or a shaded region; clipped to the axis, hidden outside it. */
function Marker({ marker, x, from, to, plotHeight }: MarkerProps) {
  const end = marker.to ?? marker.from;
  if (end < from || marker.from > to) {
    return null;
  }
  const x0 = x(Math.max(marker.from, from));
  const x1 = x(Math.min(end, to));
  return (
    <g data-testid={marker.testId} data-time={marker.from}>
      <title>{marker.label}</title>
      {marker.to !== undefined ? (
        <rect
          x={x0}
          y={0}
          width={Math.max(2, x1 - x0)}
          height={plotHeight}
          fill={marker.color}
          fillOpacity={0.15}
          stroke={marker.color}
          strokeOpacity={0.6}
        />
      ) : (
        <>
          {/* A wider transparent line so that the tooltip is easy to hit. */}
          <line x1={x0} x2={x0} y1={0} y2={plotHeight} stroke="transparent" strokeWidth={8} />
          <line x1={x0} x2={x0} y1={0} y2={plotHeight} stroke={marker.color} strokeWidth={1.5} strokeDasharray="3 2" />
          <path d={`M${x0 - 4},0H${x0 + 4}L${x0},5Z`} fill={marker.color} />
        </>
      )}
    </g>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  axis: css({
    fontSize: 10,
    fontFamily: theme.typography.fontFamily,
    fontVariantNumeric: 'tabular-nums',
  }),
});

/** What a point's tooltip and screen-reader label say. */
function pointText(
  label: string,
  time: number,
  value: number,
  timeZone: TimeZone | undefined,
  formatY: (v: number) => string
): string {
  return `${label} ${dateTimeFormat(time, { timeZone })}: ${formatY(value)}`;
}

/** A tooltip drawn in the chart next to the active point, kept inside the plot. */
function PointTooltip({ x, y, plotWidth, text }: { x: number; y: number; plotWidth: number; text: string }) {
  const theme = useTheme2();
  const width = Math.min(plotWidth, text.length * 6.2 + 12);
  const left = x + 8 + width > plotWidth ? x - 8 - width : x + 8;
  return (
    <g
      role="tooltip"
      data-testid={selectors.panel.comparison.tooltip}
      transform={`translate(${left},${Math.max(0, y - 26)})`}
      pointerEvents="none"
    >
      <rect
        width={width}
        height={20}
        rx={3}
        fill={theme.colors.background.secondary}
        stroke={theme.colors.border.medium}
      />
      <text x={6} y={14} fontSize={11} fill={theme.colors.text.primary}>
        {text}
      </text>
    </g>
  );
}
