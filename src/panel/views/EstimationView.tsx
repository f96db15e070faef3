// Estimated against realized performance: per estimated metric (and version or group), the
// estimate with its band of 3 sampling errors and the realized metric where labels arrived,
// drawn on the same Grafana uPlot chart as the comparison (TimeChart), with the dashboard's
// crosshair, tooltip, zoom and annotations.
import React, { useMemo, useState } from 'react';
import { dateTimeFormat, type AbsoluteTimeRange, type ThresholdsConfig, type TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { LegendDisplayMode, useStyles2, useTheme2, VizLegend, type VizLegendItem } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { AnnotationMarker } from '../data/annotations';
import type { EstimationModel } from '../data/estimation';
import { TimeChart, useTimeMarkers } from './TimeChart';
import { axisWidthFor, type PlotBand, type PlotLine } from './timePlot';
import { valueFormatter, type ValueDisplay } from './format';
import { BlockSummary, blockHeight, chartHeight, getBlockStyles } from './BlockSummary';

export interface EstimationViewProps {
  estimations: EstimationModel[];
  width: number;
  height: number;
  timeZone?: TimeZone;
  timeRange?: TimeRange;
  onChangeTimeRange?: (range: AbsoluteTimeRange) => void;
  /** The panel's thresholds, drawn on every chart (an alert rule's level, e.g. F1 0.6). */
  thresholds?: ThresholdsConfig;
  annotations?: AnnotationMarker[];
  display?: ValueDisplay;
}

const text = labels.panel.estimation;

/** The name of an estimated metric as the query editor shows it. */
export function estimatedMetricText(metric: string): string {
  return (labels.query.metricOptions as Record<string, string>)[metric] ?? metric;
}

/** The block's title: the metric, then the series' labels (model, version, group). */
export function estimationTitle(estimation: EstimationModel): string {
  return [estimatedMetricText(estimation.metric), ...Object.values(estimation.labels)].filter(Boolean).join(' · ');
}

export function EstimationView({ estimations, width, height, ...rest }: EstimationViewProps) {
  const styles = useStyles2(getBlockStyles);
  const perBlock = blockHeight(height, estimations.length);
  // One crosshair for every chart of the panel.
  const [syncKey] = useState(() => `modelwatch-estimation-${Math.random().toString(36).slice(2)}`);
  return (
    <div className={styles.container} style={{ width, height }} data-testid={selectors.panel.estimation.view}>
      {estimations.map((estimation) => (
        <Estimation
          key={estimation.key}
          estimation={estimation}
          width={width}
          height={perBlock}
          syncKey={syncKey}
          {...rest}
        />
      ))}
    </div>
  );
}

interface EstimationProps extends Omit<EstimationViewProps, 'estimations'> {
  estimation: EstimationModel;
  syncKey: string;
}

function Estimation({
  estimation,
  width,
  height,
  timeZone = 'browser',
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations = [],
  display,
  syncKey,
}: EstimationProps) {
  const theme = useTheme2();
  const styles = useStyles2(getBlockStyles);
  const format = useMemo(() => valueFormatter(display), [display]);
  const colors = useMemo(
    () => ({
      estimated: theme.visualization.getColorByName('blue'),
      realized: theme.visualization.getColorByName('green'),
    }),
    [theme]
  );
  const { series, times } = estimation;
  const lines = useMemo<PlotLine[]>(
    () => [
      { key: 'estimated', label: text.estimated, color: colors.estimated, values: series.estimated },
      { key: 'realized', label: text.realized, color: colors.realized, values: series.realized },
    ],
    [colors, series]
  );
  const band = useMemo<PlotBand>(
    () => ({ label: text.band, color: colors.estimated, low: series.lower, high: series.upper }),
    [colors, series]
  );
  const markers = useTimeMarkers(annotations);
  const axisWidth = useMemo(
    () => axisWidthFor([...series.estimated, ...series.lower, ...series.upper, ...series.realized], format),
    [series, format]
  );
  const title = estimationTitle(estimation);
  const legendItems: VizLegendItem[] = [
    { label: text.estimated, color: colors.estimated, yAxis: 1 },
    { label: text.band, color: colors.estimated, yAxis: 1 },
    { label: text.realized, color: colors.realized, yAxis: 1 },
  ];
  return (
    <section className={styles.block} style={{ height }} data-testid={selectors.panel.estimation.block}>
      <EstimationSummary estimation={estimation} title={title} format={format} timeZone={timeZone} />
      <div data-testid={selectors.panel.estimation.legend}>
        <VizLegend placement="bottom" displayMode={LegendDisplayMode.List} items={legendItems} />
      </div>
      {times.length > 0 && (
        <TimeChart
          testId={selectors.panel.estimation.chart}
          ariaLabel={`${title}: ${text.estimated}, ${text.band}, ${text.realized}`}
          times={times}
          lines={lines}
          band={band}
          thresholds={thresholds}
          markers={markers}
          width={width}
          height={chartHeight(height)}
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

interface EstimationSummaryProps {
  estimation: EstimationModel;
  title: string;
  format: (value: number | null) => string;
  timeZone: TimeZone;
}

/** The block's header: the last estimate with its band, and the last realized value (or that no labels arrived). */
function EstimationSummary({ estimation, title, format, timeZone }: EstimationSummaryProps) {
  const { series, times, lastEstimated, lastRealized } = estimation;
  const day = (i: number) => dateTimeFormat(times[i], { format: 'YYYY-MM-DD HH:mm', timeZone });
  const details = [
    lastEstimated >= 0
      ? `${text.lastEstimate} ${format(series.estimated[lastEstimated])} [${format(series.lower[lastEstimated])}, ${format(series.upper[lastEstimated])}] ${day(lastEstimated)}`
      : `${text.lastEstimate} -`,
    lastRealized >= 0
      ? `${text.lastRealized} ${format(series.realized[lastRealized])} ${day(lastRealized)}`
      : `${text.realized}: ${text.noLabels}`,
    estimation.calibration ? `${text.calibration} ${estimation.calibration}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return <BlockSummary testId={selectors.panel.estimation.summary} title={title} details={details} />;
}
