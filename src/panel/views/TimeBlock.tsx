// The stacked blocks of the time views (estimation, multivariate drift): per series a header
// (title, a line of details, optionally a verdict badge), a legend and a time chart, every chart
// of the panel sharing one crosshair, the dashboard's time range, thresholds and annotations.
import React, { useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { AbsoluteTimeRange, GrafanaTheme2, ThresholdsConfig, TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { LegendDisplayMode, useStyles2, VizLegend, type VizLegendItem } from '@grafana/ui';

import type { AnnotationMarker } from '../data/annotations';
import type { ValueDisplay } from './format';
import { useHeight } from './useHeight';
import { TimeChart, useTimeMarkers } from './TimeChart';
import { axisWidthFor, type PlotBand, type PlotLine } from './timePlot';

/** What every block of a time view draws with: its size and the dashboard's. */
export interface TimeViewProps {
  width: number;
  height: number;
  timeZone?: TimeZone;
  timeRange?: TimeRange;
  onChangeTimeRange?: (range: AbsoluteTimeRange) => void;
  /** The panel's thresholds, drawn on every chart (an alert rule's level). */
  thresholds?: ThresholdsConfig;
  annotations?: AnnotationMarker[];
  display?: ValueDisplay;
}

/** One block's share of the view: its height, the time zone (the browser's when the panel has
 * none), and the crosshair key of the panel's charts. */
export type TimeBlockFrame = Omit<TimeViewProps, 'timeZone'> & { timeZone: TimeZone; syncKey: string };

interface TimeBlocksProps<T> extends TimeViewProps {
  testId: string;
  items: T[];
  /** Draws one item's block (a TimeBlock) with its frame. */
  block: (item: T, frame: TimeBlockFrame) => ReactElement;
}

/** The view: one block per item, stacked, scrolling when they do not fit. */
export function TimeBlocks<T>({
  testId,
  items,
  block,
  width,
  height,
  timeZone = 'browser',
  ...rest
}: TimeBlocksProps<T>) {
  const styles = useStyles2(getBlockStyles);
  const perBlock = blockHeight(height, items.length);
  // One crosshair for every chart of the panel.
  const [syncKey] = useState(() => `${testId}-${Math.random().toString(36).slice(2)}`);
  return (
    <div className={styles.container} style={{ width, height }} data-testid={testId}>
      {items.map((item) => block(item, { width, height: perBlock, timeZone, syncKey, ...rest }))}
    </div>
  );
}

interface TimeBlockProps extends TimeBlockFrame {
  ids: { block: string; legend: string; chart: string };
  title: string;
  summary: ReactNode;
  legend: VizLegendItem[];
  times: number[];
  lines: PlotLine[];
  band: PlotBand;
  /** Every value drawn, for the y axis's width. */
  values: Array<number | null>;
  format: (value: number) => string;
}

/** One series' block: its header, legend and chart. */
export function TimeBlock({
  ids,
  title,
  summary,
  legend,
  times,
  lines,
  band,
  values,
  format,
  width,
  height,
  timeZone,
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations = [],
  syncKey,
}: TimeBlockProps) {
  const styles = useStyles2(getBlockStyles);
  const markers = useTimeMarkers(annotations);
  const axisWidth = useMemo(() => axisWidthFor(values, format), [values, format]);
  // The chart takes what the summary and legend leave, as drawn (their text may wrap).
  const [headerRef, headerHeight] = useHeight<HTMLDivElement>(SUMMARY_HEIGHT + LEGEND_HEIGHT + HEADER_GAP);
  return (
    <section className={styles.block} style={{ height }} data-testid={ids.block}>
      <div ref={headerRef} className={styles.header}>
        {summary}
        <div data-testid={ids.legend}>
          <VizLegend placement="bottom" displayMode={LegendDisplayMode.List} items={legend} />
        </div>
      </div>
      {times.length > 0 && (
        <TimeChart
          testId={ids.chart}
          ariaLabel={`${title}: ${legend.map((item) => item.label).join(', ')}`}
          times={times}
          lines={lines}
          band={band}
          thresholds={thresholds}
          markers={markers}
          width={width}
          height={chartHeight(height, headerHeight)}
          timeZone={timeZone}
          timeRange={timeRange}
          formatY={format}
          showTimeAxis
          axisWidth={axisWidth}
          syncKey={syncKey}
          onZoom={onChangeTimeRange}
        />
      )}
    </section>
  );
}

const BLOCK_GAP = 8;
const SUMMARY_HEIGHT = 44;
const LEGEND_HEIGHT = 22;
const MIN_BLOCK_HEIGHT = 160;
/** Between a block's header (summary and legend) and its chart. */
const HEADER_GAP = 2;

/** The height of each of n blocks stacked in a view of the given height. */
function blockHeight(height: number, blocks: number): number {
  return Math.max(MIN_BLOCK_HEIGHT, Math.floor((height - BLOCK_GAP * (blocks - 1)) / blocks));
}

/** The height left for a block's chart below its summary and legend. */
function chartHeight(block: number, header: number): number {
  return Math.max(100, block - header - HEADER_GAP);
}

interface BlockSummaryProps {
  testId: string;
  title: string;
  details: string;
  /** A verdict beside the title, e.g. "drifted". */
  badge?: ReactNode;
}

export function BlockSummary({ testId, title, details, badge }: BlockSummaryProps) {
  const styles = useStyles2(getBlockStyles);
  return (
    <div className={styles.summary} data-testid={testId}>
      <div className={styles.heading}>
        <div className={styles.title} title={title}>
          {title}
        </div>
        {badge}
      </div>
      <div className={styles.details} title={details}>
        {details}
      </div>
    </div>
  );
}

const getBlockStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: BLOCK_GAP,
    overflow: 'auto',
  }),
  block: css({
    display: 'flex',
    flexDirection: 'column',
    flexShrink: 0,
    gap: HEADER_GAP,
  }),
  header: css({
    display: 'flex',
    flexDirection: 'column',
    gap: HEADER_GAP,
  }),
  summary: css({
    borderLeft: `3px solid ${theme.colors.primary.main}`,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    minWidth: 0,
  }),
  heading: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 0,
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  details: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
});
