// Multivariate drift: per series (version, group), the reconstruction error of its rows by the
// reference window's principal components, with its band of 3 sampling errors and the
// thresholds drawn from the reference's own buckets, on the same Grafana uPlot chart as the
// other time views (TimeChart), with the dashboard's crosshair, tooltip, zoom and annotations.
import React, { useMemo, useState } from 'react';
import { dateTimeFormat, type AbsoluteTimeRange, type ThresholdsConfig, type TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { Badge, LegendDisplayMode, useStyles2, useTheme2, VizLegend, type VizLegendItem } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { AnnotationMarker } from '../data/annotations';
import type { MultivariateModel } from '../data/multivariate';
import { BlockSummary, blockHeight, chartHeight, getBlockStyles } from './BlockSummary';
import { TimeChart, useTimeMarkers } from './TimeChart';
import { axisWidthFor, type PlotBand, type PlotLine } from './timePlot';
import { valueFormatter, type ValueDisplay } from './format';

export interface MultivariateViewProps {
  models: MultivariateModel[];
  width: number;
  height: number;
  timeZone?: TimeZone;
  timeRange?: TimeRange;
  onChangeTimeRange?: (range: AbsoluteTimeRange) => void;
  /** The panel's thresholds, drawn on every chart besides the reference's. */
  thresholds?: ThresholdsConfig;
  annotations?: AnnotationMarker[];
  display?: ValueDisplay;
}

const text = labels.panel.multivariate;

/** The block's title: the series' labels (model, version, group). */
export function multivariateTitle(model: MultivariateModel): string {
  return Object.values(model.labels).filter(Boolean).join(' · ') || text.error;
}

export function MultivariateView({ models, width, height, ...rest }: MultivariateViewProps) {
  const styles = useStyles2(getBlockStyles);
  const perBlock = blockHeight(height, models.length);
  // One crosshair for every chart of the panel.
  const [syncKey] = useState(() => `modelwatch-multivariate-${Math.random().toString(36).slice(2)}`);
  return (
    <div className={styles.container} style={{ width, height }} data-testid={selectors.panel.multivariate.view}>
      {models.map((model) => (
        <Multivariate key={model.key} model={model} width={width} height={perBlock} syncKey={syncKey} {...rest} />
      ))}
    </div>
  );
}

interface MultivariateProps extends Omit<MultivariateViewProps, 'models'> {
  model: MultivariateModel;
  syncKey: string;
}

function Multivariate({
  model,
  width,
  height,
  timeZone = 'browser',
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations = [],
  display,
  syncKey,
}: MultivariateProps) {
  const theme = useTheme2();
  const styles = useStyles2(getBlockStyles);
  const format = useMemo(() => valueFormatter(display), [display]);
  const colors = useMemo(
    () => ({ error: theme.visualization.getColorByName('blue'), threshold: theme.colors.error.main }),
    [theme]
  );
  const { series, times } = model;
  const lines = useMemo<PlotLine[]>(
    () => [
      { key: 'error', label: text.error, color: colors.error, values: series.reconstruction_error },
      {
        key: 'threshold_upper',
        label: text.thresholdUpper,
        color: colors.threshold,
        values: series.threshold_upper,
        dashed: true,
      },
      {
        key: 'threshold_lower',
        label: text.thresholdLower,
        color: colors.threshold,
        values: series.threshold_lower,
        dashed: true,
      },
    ],
    [colors, series]
  );
  const band = useMemo<PlotBand>(
    () => ({ label: text.band, color: colors.error, low: series.lower, high: series.upper }),
    [colors, series]
  );
  const markers = useTimeMarkers(annotations);
  const axisWidth = useMemo(
    () =>
      axisWidthFor(
        [...series.reconstruction_error, ...series.lower, ...series.upper, ...series.threshold_upper],
        format
      ),
    [series, format]
  );
  const title = multivariateTitle(model);
  const legendItems: VizLegendItem[] = [
    { label: text.error, color: colors.error, yAxis: 1 },
    { label: text.band, color: colors.error, yAxis: 1 },
    { label: text.thresholds, color: colors.threshold, yAxis: 1 },
  ];
  return (
    <section className={styles.block} style={{ height }} data-testid={selectors.panel.multivariate.block}>
      <MultivariateSummary model={model} title={title} format={format} timeZone={timeZone} />
      <div data-testid={selectors.panel.multivariate.legend}>
        <VizLegend placement="bottom" displayMode={LegendDisplayMode.List} items={legendItems} />
      </div>
      {times.length > 0 && (
        <TimeChart
          testId={selectors.panel.multivariate.chart}
          ariaLabel={`${title}: ${text.error}, ${text.band}, ${text.thresholds}`}
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

interface MultivariateSummaryProps {
  model: MultivariateModel;
  title: string;
  format: (value: number | null) => string;
  timeZone: TimeZone;
}

/** The block's header: the last error with its band and the thresholds, its verdict, and what it reads. */
function MultivariateSummary({ model, title, format, timeZone }: MultivariateSummaryProps) {
  const { series, times, last } = model;
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  const details = [
    last >= 0
      ? `${text.lastError} ${format(series.reconstruction_error[last])} [${format(series.lower[last])}, ${format(series.upper[last])}] ${dateTimeFormat(times[last], { format: 'YYYY-MM-DD HH:mm', timeZone })}`
      : `${text.lastError} -`,
    `${text.thresholds} ${format(series.threshold_lower[last] ?? null)} – ${format(series.threshold_upper[last] ?? null)}`,
    `${model.driftedBuckets} ${text.driftedBuckets}`,
    model.features.length > 0 ? `${model.features.length} ${text.features}` : '',
    model.components !== undefined && model.explainedVariance !== undefined
      ? `${model.components} ${text.components} ${percent(model.explainedVariance)}`
      : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const drifted = last >= 0 ? series.drifted[last] : null;
  const badge =
    drifted === null ? undefined : (
      <span data-testid={selectors.panel.multivariate.verdict}>
        <Badge
          color={drifted === 1 ? 'red' : 'green'}
          icon={drifted === 1 ? 'exclamation-triangle' : 'check'}
          text={drifted === 1 ? text.drifted : text.within}
        />
      </span>
    );
  return <BlockSummary testId={selectors.panel.multivariate.summary} title={title} details={details} badge={badge} />;
}
