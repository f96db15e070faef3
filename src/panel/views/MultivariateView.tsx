// Multivariate drift: per series (version, group), the reconstruction error of its rows by the
// reference window's principal components, with its band of 3 sampling errors and the
// thresholds drawn from the reference's own buckets, on the same Grafana uPlot chart as the
// other time views (TimeChart), with the dashboard's crosshair, tooltip, zoom and annotations.
import React, { useMemo } from 'react';
import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { Badge, useTheme2, type VizLegendItem } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { MultivariateModel } from '../data/multivariate';
import type { PlotBand, PlotLine } from './timePlot';
import { valueFormatter } from './format';
import { BlockSummary, TimeBlock, TimeBlocks, type TimeBlockFrame, type TimeViewProps } from './TimeBlock';

export interface MultivariateViewProps extends TimeViewProps {
  models: MultivariateModel[];
}

const text = labels.panel.multivariate;

/** The block's title: the series' labels (model, version, group). */
export function multivariateTitle(model: MultivariateModel): string {
  return Object.values(model.labels).filter(Boolean).join(' · ') || text.error;
}

export function MultivariateView({ models, ...view }: MultivariateViewProps) {
  return (
    <TimeBlocks
      testId={selectors.panel.multivariate.view}
      items={models}
      block={(model, frame) => <Multivariate key={model.key} model={model} {...frame} />}
      {...view}
    />
  );
}

function Multivariate({ model, ...frame }: TimeBlockFrame & { model: MultivariateModel }) {
  const theme = useTheme2();
  const format = useMemo(() => valueFormatter(frame.display), [frame.display]);
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
  const values = useMemo(
    () => [...series.reconstruction_error, ...series.lower, ...series.upper, ...series.threshold_upper],
    [series]
  );
  const title = multivariateTitle(model);
  const legend: VizLegendItem[] = [
    { label: text.error, color: colors.error, yAxis: 1 },
    { label: text.band, color: colors.error, yAxis: 1 },
    { label: text.thresholds, color: colors.threshold, yAxis: 1 },
  ];
  return (
    <TimeBlock
      ids={selectors.panel.multivariate}
      title={title}
      summary={<MultivariateSummary model={model} title={title} format={format} timeZone={frame.timeZone} />}
      legend={legend}
      times={times}
      lines={lines}
      band={band}
      values={values}
      format={format}
      {...frame}
    />
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
