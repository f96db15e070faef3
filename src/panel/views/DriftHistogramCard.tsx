import React, { useId, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { DriftHistogramModel, DriftVerdict, HistogramBin } from '../data/drift';
import { formatNumber, shareFormatter, type ValueDisplay } from './format';
import { AXIS_FONT_SIZE, histogramLayout } from './histogramLayout';
import { lineHeight } from './textWidth';

export interface DriftHistogramCardProps {
  histogram: DriftHistogramModel;
  width: number;
  height: number;
  /** The panel's unit and decimals for the shares (percent by default). */
  display?: ValueDisplay;
}

// Room for the title and two lines of method, score and threshold (or the reason).
const HEADER_HEIGHT = 62;

const text = labels.panel.drift;

/** Colours of the two windows and of the out-of-range marking, from the theme. */
export function driftColors(theme: GrafanaTheme2) {
  return {
    reference: theme.visualization.getColorByName('blue'),
    current: theme.visualization.getColorByName('orange'),
    outside: theme.colors.text.secondary,
  };
}

export function verdictColor(theme: GrafanaTheme2, verdict: DriftVerdict): string {
  return verdict === 'drift'
    ? theme.colors.error.text
    : verdict === 'no-drift'
      ? theme.colors.success.text
      : theme.colors.text.secondary;
}

export function verdictText(verdict: DriftVerdict): string {
  return verdict === 'drift'
    ? text.verdict.drift
    : verdict === 'no-drift'
      ? text.verdict.noDrift
      : text.verdict.undefined;
}

export function methodText(method: string): string {
  return (text.methods as Record<string, string>)[method] ?? method;
}

/** The header's second line: method, score and threshold, or why the score is undefined. */
export function scoreLine(histogram: DriftHistogramModel): string {
  const method = methodText(histogram.method);
  if (histogram.score === null) {
    return [method, histogram.reason ? `${text.verdict.undefined.toLowerCase()}: ${histogram.reason}` : undefined]
      .filter(Boolean)
      .join(' · ');
  }
  const scoreName = histogram.scoreKind === 'p_value' ? text.pValue : text.score;
  return [
    method,
    `${scoreName} ${formatNumber(histogram.score)}`,
    histogram.threshold === null ? undefined : `${text.threshold} ${formatNumber(histogram.threshold)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A bin's share as shown: percent with one decimal unless the panel sets a unit or decimals. */
export function formatShare(share: number | null, display?: ValueDisplay): string {
  return share === null ? text.noValue : shareFormatter(display)(share);
}

function kindText(bin: HistogramBin): string | undefined {
  return bin.kind === 'underflow' || bin.kind === 'overflow' || bin.kind === 'unseen'
    ? text.binKind[bin.kind]
    : undefined;
}

/** What the tooltip and the screen reader say about a bin. */
export function binDescription(bin: HistogramBin, display?: ValueDisplay): string[] {
  const kind = kindText(bin);
  return [
    kind ? `${bin.label} (${kind})` : bin.label,
    `${text.reference}: ${formatShare(bin.reference, display)} (${bin.referenceCount.toLocaleString('en-US')})`,
    `${text.current}: ${formatShare(bin.current, display)} (${bin.currentCount.toLocaleString('en-US')})`,
  ];
}

/** One feature: a header with the verdict, and reference and current shares as grouped bars. */
export function DriftHistogramCard({ histogram, width, height, display }: DriftHistogramCardProps) {
  const formatTick = shareFormatter(display, 0);
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const colors = driftColors(theme);
  const id = useId().replace(/:/g, '');
  const [active, setActive] = useState<number | null>(null);

  const chartWidth = Math.max(0, width);
  const chartHeight = Math.max(60, height - HEADER_HEIGHT);
  const bins = histogram.bins;
  const layout = histogramLayout(bins, histogram.maxShare, chartWidth, chartHeight, formatTick);
  const { margin, plotWidth, plotHeight } = layout;
  const { x, y, bar } = layout.scales;
  const slot = x.bandwidth();
  const barHeight = (share: number | null) => (share === null ? 0 : Math.max(0, plotHeight - y(share)));
  const color = verdictColor(theme, histogram.verdict);
  const activeBin = active === null ? undefined : bins[active];
  const tooltipId = `${id}-tooltip`;

  return (
    <figure className={styles.card} data-testid={selectors.panel.drift.chart} style={{ borderLeftColor: color }}>
      <figcaption className={styles.header} data-testid={selectors.panel.drift.header}>
        <div className={styles.titleRow}>
          <span className={styles.title} data-testid={selectors.panel.drift.title} title={histogram.model}>
            {histogram.title}
          </span>
          <span className={styles.verdict} style={{ color }} data-testid={selectors.panel.drift.verdict}>
            {verdictText(histogram.verdict)}
          </span>
        </div>
        <div className={styles.details} title={scoreLine(histogram)}>
          {scoreLine(histogram)}
        </div>
      </figcaption>
      <div className={styles.chart}>
        <svg width={chartWidth} height={chartHeight} role="group" aria-label={histogram.title}>
          <defs>
            <pattern
              id={`${id}-hatch`}
              patternUnits="userSpaceOnUse"
              width={6}
              height={6}
              patternTransform="rotate(45)"
            >
              <line x1={0} y1={0} x2={0} y2={6} stroke={colors.outside} strokeWidth={1.5} strokeOpacity={0.45} />
            </pattern>
          </defs>
          <g transform={`translate(${margin.left},${margin.top})`}>
            {layout.yLabels.map((label) => (
              <g key={label.text} transform={`translate(0,${label.at})`}>
                <line x1={0} x2={plotWidth} stroke={theme.colors.border.weak} />
                <text
                  x={-layout.tickGap}
                  dominantBaseline="central"
                  textAnchor="end"
                  className={styles.axis}
                  fontSize={AXIS_FONT_SIZE}
                  fill={theme.colors.text.secondary}
                >
                  {label.text}
                </text>
              </g>
            ))}
            {bins.map((bin, i) => {
              const x0 = x(i) ?? 0;
              return (
                <g
                  key={`${i}-${bin.label}`}
                  data-testid={selectors.panel.drift.bin}
                  tabIndex={0}
                  role="img"
                  aria-label={binDescription(bin, display).join(', ')}
                  aria-describedby={active === i ? tooltipId : undefined}
                  className={styles.bin}
                  onMouseEnter={() => setActive(i)}
                  onMouseLeave={() => setActive(null)}
                  onFocus={() => setActive(i)}
                  onBlur={() => setActive(null)}
                >
                  {bin.outsideReference && (
                    <rect
                      data-testid={selectors.panel.drift.outOfRange}
                      x={x0}
                      y={0}
                      width={slot}
                      height={plotHeight}
                      fill={`url(#${id}-hatch)`}
                    />
                  )}
                  <rect x={x0} y={0} width={slot} height={plotHeight} fill="transparent" />
                  <rect
                    data-testid={selectors.panel.drift.bar}
                    data-series="reference"
                    x={x0 + (bar('reference') ?? 0)}
                    y={plotHeight - barHeight(bin.reference)}
                    width={bar.bandwidth()}
                    height={barHeight(bin.reference)}
                    fill={colors.reference}
                  />
                  <rect
                    data-testid={selectors.panel.drift.bar}
                    data-series="current"
                    x={x0 + (bar('current') ?? 0)}
                    y={plotHeight - barHeight(bin.current)}
                    width={bar.bandwidth()}
                    height={barHeight(bin.current)}
                    fill={colors.current}
                  />
                  {active === i && (
                    <rect
                      x={x0}
                      y={0}
                      width={slot}
                      height={plotHeight}
                      fill="none"
                      stroke={theme.colors.text.primary}
                      strokeOpacity={0.5}
                    />
                  )}
                </g>
              );
            })}
            <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={theme.colors.border.strong} />
            {layout.xLabels.map((label) => (
              <text
                key={`${label.at}-${label.text}`}
                data-testid={selectors.panel.drift.tick}
                x={label.at}
                y={plotHeight + layout.tickGap + lineHeight(AXIS_FONT_SIZE) / 2}
                dominantBaseline="central"
                textAnchor="middle"
                className={styles.axis}
                fontSize={AXIS_FONT_SIZE}
                fill={theme.colors.text.secondary}
              >
                {label.text}
              </text>
            ))}
          </g>
        </svg>
        {activeBin && active !== null && (
          <div
            id={tooltipId}
            role="tooltip"
            data-testid={selectors.panel.drift.tooltip}
            className={styles.tooltip}
            style={tooltipPosition(margin.left + (x(active) ?? 0) + slot / 2, margin.top, chartWidth)}
          >
            {binDescription(activeBin, display).map((line, i) => (
              <div key={i} className={i === 0 ? styles.tooltipTitle : undefined}>
                {line}
              </div>
            ))}
          </div>
        )}
      </div>
    </figure>
  );
}

/** Keeps the tooltip inside the card: to the right of the bin in the left half, else to its left. */
function tooltipPosition(x: number, top: number, width: number): React.CSSProperties {
  return x < width / 2 ? { left: x + 8, top } : { right: width - x + 8, top };
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    margin: 0,
    display: 'flex',
    flexDirection: 'column',
    minWidth: 0,
    borderLeft: '3px solid transparent',
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  header: css({
    height: HEADER_HEIGHT,
    padding: theme.spacing(0.5, 1),
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    minWidth: 0,
  }),
  titleRow: css({
    display: 'flex',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    alignItems: 'baseline',
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  verdict: css({
    fontWeight: theme.typography.fontWeightBold,
    whiteSpace: 'nowrap',
  }),
  details: css({
    fontSize: theme.typography.bodySmall.fontSize,
    // Two lines at most; the title attribute holds the whole text.
    lineHeight: 1.3,
    maxHeight: '2.6em',
    color: theme.colors.text.secondary,
    overflow: 'hidden',
  }),
  chart: css({
    position: 'relative',
    flexGrow: 1,
  }),
  axis: css({
    fontVariantNumeric: 'tabular-nums',
  }),
  bin: css({
    outline: 'none',
    cursor: 'default',
  }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    zIndex: theme.zIndex.tooltip,
    background: theme.colors.background.elevated,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    boxShadow: theme.shadows.z2,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  tooltipTitle: css({ fontWeight: theme.typography.fontWeightMedium }),
});
