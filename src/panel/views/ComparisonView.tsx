import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type AlertState, type GrafanaTheme2, type ThresholdsConfig } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { AnnotationMarker } from '../data/annotations';
import type { ComparisonModel } from '../data/comparison';
import { thresholdLines } from '../data/thresholds';
import { ComparisonSummary, metricText } from './ComparisonSummary';
import { signed, valueFormatter, type ValueDisplay } from './format';
import { extent } from './scales';
import { TimeSeriesChart, type HorizontalLine, type TimeMarker } from './TimeSeriesChart';

export interface ComparisonViewProps {
  comparisons: ComparisonModel[];
  width: number;
  height: number;
  timeZone?: TimeZone;
  /** The panel's thresholds (field config defaults), drawn on the metric chart. */
  thresholds?: ThresholdsConfig;
  /** The dashboard's annotations, drawn on both time axes. */
  annotations?: AnnotationMarker[];
  /** The panel's alert state, shown as a badge in each header. */
  alertState?: AlertState;
  /** The panel's unit and decimals, for the metric and its delta. */
  display?: ValueDisplay;
}

const text = labels.panel.comparison;
const SUMMARY_HEIGHT = 48;
const LEGEND_HEIGHT = 22;
const GAP = 8;
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
  timeZone,
  thresholds,
  annotations = [],
  alertState,
  display,
}: ComparisonProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const names = seriesNames(comparison);
  const colors = {
    champion: theme.visualization.getColorByName('blue'),
    challenger: theme.visualization.getColorByName('orange'),
    delta: theme.visualization.getColorByName('purple'),
  };
  const { series, times } = comparison;
  const format = valueFormatter(display);
  const formatDelta = signed(format);
  const dataExtent = extent([...series.champion, ...series.challenger]) ?? [0, 1];
  const thresholdMarks: HorizontalLine[] = thresholdLines(thresholds, dataExtent).map((line, i) => ({
    key: `threshold-${i}`,
    value: line.value,
    color: theme.visualization.getColorByName(line.color),
    dashed: true,
    label: `${text.threshold} ${format(line.value)}`,
    testId: selectors.panel.comparison.threshold,
  }));
  const markers: TimeMarker[] = annotations.map((annotation) => ({
    key: annotation.key,
    from: annotation.time,
    to: annotation.timeEnd,
    color: annotation.color
      ? theme.visualization.getColorByName(annotation.color)
      : theme.visualization.getColorByName('yellow'),
    label: annotation.text || `${text.annotation} ${dateTimeFormat(annotation.time, { timeZone })}`,
    testId: selectors.panel.comparison.annotation,
  }));
  const chartsHeight = Math.max(120, height - SUMMARY_HEIGHT - LEGEND_HEIGHT - GAP);
  const metricHeight = Math.round(chartsHeight * 0.55);
  const deltaHeight = chartsHeight - metricHeight;
  const metric = metricText(comparison.compare);

  return (
    <section className={styles.block} style={{ height }} data-testid={selectors.panel.comparison.view}>
      <ComparisonSummary comparison={comparison} timeZone={timeZone} alertState={alertState} display={display} />
      <div className={styles.legend} data-testid={selectors.panel.comparison.legend}>
        <LegendItem color={colors.champion} label={names.champion} />
        <LegendItem color={colors.challenger} label={names.challenger} />
        <LegendItem color={colors.delta} label={text.deltaTitle} band />
      </div>
      {times.length > 0 && (
        <>
          <TimeSeriesChart
            testId={selectors.panel.comparison.metricChart}
            ariaLabel={`${metric}: ${names.champion}, ${names.challenger}`}
            times={times}
            lines={[
              {
                key: 'champion',
                label: names.champion,
                values: series.champion,
                color: colors.champion,
                testId: selectors.panel.comparison.line,
              },
              {
                key: 'challenger',
                label: names.challenger,
                values: series.challenger,
                color: colors.challenger,
                testId: selectors.panel.comparison.line,
              },
            ]}
            horizontalLines={thresholdMarks}
            markers={markers}
            width={width}
            height={metricHeight}
            timeZone={timeZone}
            showTimeAxis={false}
            formatY={format}
          />
          <TimeSeriesChart
            testId={selectors.panel.comparison.deltaChart}
            ariaLabel={text.deltaTitle}
            times={times}
            lines={[
              {
                key: 'delta',
                label: text.delta,
                values: series.delta,
                color: colors.delta,
                testId: selectors.panel.comparison.line,
              },
            ]}
            band={{
              low: series.ci_low,
              high: series.ci_high,
              color: colors.delta,
              label: text.interval,
              testId: selectors.panel.comparison.band,
            }}
            horizontalLines={[
              {
                key: 'zero',
                value: 0,
                color: theme.colors.text.secondary,
                testId: selectors.panel.comparison.zeroLine,
              },
            ]}
            markers={markers}
            width={width}
            height={deltaHeight}
            timeZone={timeZone}
            showTimeAxis
            formatY={formatDelta}
          />
        </>
      )}
    </section>
  );
}

function LegendItem({ color, label, band = false }: { color: string; label: string; band?: boolean }) {
  const styles = useStyles2(getStyles);
  return (
    <span className={styles.legendItem}>
      <span
        className={band ? styles.bandSwatch : styles.lineSwatch}
        style={band ? { background: color, borderColor: color } : { background: color }}
      />
      {label}
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
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
    gap: 2,
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    minHeight: LEGEND_HEIGHT,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    paddingLeft: theme.spacing(1),
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  }),
  lineSwatch: css({
    display: 'inline-block',
    width: 14,
    height: 3,
    borderRadius: 1,
  }),
  bandSwatch: css({
    display: 'inline-block',
    width: 14,
    height: 10,
    opacity: 0.45,
    borderTop: '2px solid',
  }),
});
