import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { AlertState } from '@grafana/data';
import {
  LegendDisplayMode,
  SeriesVisibilityChangeBehavior,
  useStyles2,
  useTheme2,
  VizLegend,
  type VizLegendItem,
} from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ComparisonModel } from '../data/comparison';
import { TimeChart, useTimeMarkers } from './TimeChart';
import { axisWidthFor, type PlotBand, type PlotLine } from './timePlot';
import { ComparisonSummary, metricText } from './ComparisonSummary';
import { signed, valueFormatter } from './format';
import type { TimeViewProps } from './TimeBlock';
import { useHeight } from './useHeight';

/** The time views' props (the thresholds drawn on the metric chart, the annotations on both). */
export interface ComparisonViewProps extends TimeViewProps {
  comparisons: ComparisonModel[];
  /** The panel's alert state, shown as a badge in each header. */
  alertState?: AlertState;
}

const text = labels.panel.comparison;
const SUMMARY_HEIGHT = 48;
const LEGEND_HEIGHT = 22;
const GAP = 8;
/** Between a block's header (summary and legend) and its charts. */
const INNER_GAP = 2;
const MIN_HEIGHT = 260;

/** The series names of the legend: each version with its role. */
export function seriesNames(comparison: ComparisonModel) {
  return {
    champion: `${comparison.championVersion} (${text.champion})`,
    challenger: `${comparison.challengerVersion} (${text.challenger})`,
  };
}

/** Champion and challenger over time, and the delta with its 95% band, one block per compared pair. */
export function ComparisonView({
  comparisons,
  width,
  height,
  timeZone,
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations,
  alertState,
  display,
}: ComparisonViewProps) {
  const styles = useStyles2(getStyles);
  const blockHeight = Math.max(MIN_HEIGHT, Math.floor((height - GAP * (comparisons.length - 1)) / comparisons.length));
  return (
    <div className={styles.container} style={{ width, height }}>
      {comparisons.map((comparison) => (
        <Comparison
          key={comparison.key}
          comparison={comparison}
          width={width}
          height={blockHeight}
          timeZone={timeZone}
          timeRange={timeRange}
          onChangeTimeRange={onChangeTimeRange}
          thresholds={thresholds}
          annotations={annotations}
          alertState={alertState}
          display={display}
        />
      ))}
    </div>
  );
}

interface ComparisonProps extends Omit<ComparisonViewProps, 'comparisons'> {
  comparison: ComparisonModel;
}

function Comparison({
  comparison,
  width,
  height,
  timeZone = 'browser',
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations = [],
  alertState,
  display,
}: ComparisonProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const names = seriesNames(comparison);
  const [hidden, setHidden] = useState<ReadonlySet<SeriesKey>>(new Set());
  const [headerRef, headerHeight] = useHeight<HTMLDivElement>(SUMMARY_HEIGHT + LEGEND_HEIGHT + INNER_GAP);
  const colors = useMemo(
    () => ({
      champion: theme.visualization.getColorByName('blue'),
      challenger: theme.visualization.getColorByName('orange'),
      delta: theme.visualization.getColorByName('purple'),
    }),
    [theme]
  );
  const { series, times } = comparison;
  const format = useMemo(() => valueFormatter(display), [display]);
  const formatDelta = useMemo(() => signed(format), [format]);

  const metricLines = useMemo<PlotLine[]>(
    () => [
      { key: 'champion', label: names.champion, color: colors.champion, values: series.champion },
      { key: 'challenger', label: names.challenger, color: colors.challenger, values: series.challenger },
    ],
    [names.champion, names.challenger, colors, series]
  );
  const deltaLines = useMemo<PlotLine[]>(
    () => [{ key: 'delta', label: text.delta, color: colors.delta, values: series.delta }],
    [colors, series]
  );
  const band = useMemo<PlotBand>(
    () => ({ label: text.interval, color: colors.delta, low: series.ci_low, high: series.ci_high }),
    [colors, series]
  );
  const zeroLine = useMemo(() => ({ value: 0, color: theme.colors.text.secondary }), [theme]);
  const markers = useTimeMarkers(annotations);
  // Both charts get the same y axis width, so that their plots (and crosshairs) line up.
  const axisWidth = useMemo(
    () =>
      Math.max(
        axisWidthFor([...series.champion, ...series.challenger], format),
        axisWidthFor([...series.delta, ...series.ci_low, ...series.ci_high, 0], formatDelta)
      ),
    [series, format, formatDelta]
  );
  const [syncKey] = useState(() => `modelwatch-comparison-${Math.random().toString(36).slice(2)}`);

  const legendItems: Array<VizLegendItem<SeriesKey>> = [
    { label: names.champion, color: colors.champion, yAxis: 1, data: 'champion', disabled: hidden.has('champion') },
    {
      label: names.challenger,
      color: colors.challenger,
      yAxis: 1,
      data: 'challenger',
      disabled: hidden.has('challenger'),
    },
    { label: text.deltaTitle, color: colors.delta, yAxis: 1, data: 'delta', disabled: hidden.has('delta') },
  ];
  // The two charts take what the summary and legend leave, as drawn (their text may wrap).
  const chartsHeight = Math.max(120, height - headerHeight - 2 * INNER_GAP);
  const metricHeight = Math.round(chartsHeight * 0.55);
  const deltaHeight = chartsHeight - metricHeight;
  const metric = metricText(comparison.compare);
  // The same lines between renders, so that the chart is not drawn anew (a new uPlot) when only
  // the block's size changes.
  const visibleMetricLines = useMemo(
    () => metricLines.filter((line) => !hidden.has(line.key as SeriesKey)),
    [metricLines, hidden]
  );

  return (
    <section className={styles.block} style={{ height }} data-testid={selectors.panel.comparison.view}>
      <div ref={headerRef} className={styles.header}>
        <ComparisonSummary comparison={comparison} timeZone={timeZone} alertState={alertState} display={display} />
        <div data-testid={selectors.panel.comparison.legend}>
          <VizLegend
            placement="bottom"
            displayMode={LegendDisplayMode.List}
            items={legendItems}
            seriesVisibilityChangeBehavior={SeriesVisibilityChangeBehavior.Isolate}
            onLabelClick={(item, event) =>
              item.data && setHidden(nextHidden(hidden, item.data, event.ctrlKey || event.metaKey))
            }
          />
        </div>
      </div>
      {times.length > 0 && (
        <>
          <TimeChart
            testId={selectors.panel.comparison.metricChart}
            ariaLabel={`${metric}: ${names.champion}, ${names.challenger}`}
            times={times}
            lines={visibleMetricLines}
            thresholds={thresholds}
            markers={markers}
            width={width}
            height={metricHeight}
            timeZone={timeZone}
            timeRange={timeRange}
            formatY={format}
            showTimeAxis={false}
            axisWidth={axisWidth}
            syncKey={syncKey}
            onZoom={onChangeTimeRange}
          />
          <TimeChart
            testId={selectors.panel.comparison.deltaChart}
            ariaLabel={`${text.deltaTitle} (${text.interval})`}
            times={times}
            lines={hidden.has('delta') ? NO_LINES : deltaLines}
            band={hidden.has('delta') ? undefined : band}
            referenceLine={zeroLine}
            markers={markers}
            width={width}
            height={deltaHeight}
            timeZone={timeZone}
            timeRange={timeRange}
            formatY={formatDelta}
            showTimeAxis
            axisWidth={axisWidth}
            syncKey={syncKey}
            onZoom={onChangeTimeRange}
          />
        </>
      )}
    </section>
  );
}

type SeriesKey = 'champion' | 'challenger' | 'delta';
const ALL_SERIES: SeriesKey[] = ['champion', 'challenger', 'delta'];
const NO_LINES: PlotLine[] = [];

/**
 * The legend's click rules, as in Grafana's time series panel: a click shows only that series
 * (again: all of them), ctrl- or cmd-click toggles it alone.
 */
export function nextHidden(hidden: ReadonlySet<SeriesKey>, key: SeriesKey, toggle: boolean): ReadonlySet<SeriesKey> {
  if (toggle) {
    const next = new Set(hidden);
    if (next.has(key)) {
      next.delete(key);
    } else {
      next.add(key);
    }
    return next;
  }
  const others = ALL_SERIES.filter((other) => other !== key);
  const isolated = !hidden.has(key) && others.every((other) => hidden.has(other));
  return isolated ? new Set() : new Set(others);
}

const getStyles = () => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: GAP,
    overflow: 'auto',
  }),
  block: css({
    display: 'flex',
    flexDirection: 'column',
    flexShrink: 0,
    gap: INNER_GAP,
  }),
  header: css({
    display: 'flex',
    flexDirection: 'column',
    gap: INNER_GAP,
  }),
});
