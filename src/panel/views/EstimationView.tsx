// Estimated against realized performance: per estimated metric (and version or group), the
// estimate with its band of 3 sampling errors and the realized metric where labels arrived,
// drawn on the same Grafana uPlot chart as the comparison (TimeChart), with the dashboard's
// crosshair, tooltip, zoom and annotations.
import React, { useMemo } from 'react';
import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useTheme2, type VizLegendItem } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { EstimationModel } from '../data/estimation';
import type { PlotBand, PlotLine } from './timePlot';
import { valueFormatter } from './format';
import { BlockSummary, TimeBlock, TimeBlocks, type TimeBlockFrame, type TimeViewProps } from './TimeBlock';

export interface EstimationViewProps extends TimeViewProps {
  estimations: EstimationModel[];
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

export function EstimationView({ estimations, ...view }: EstimationViewProps) {
  return (
    <TimeBlocks
      testId={selectors.panel.estimation.view}
      items={estimations}
      block={(estimation, frame) => <Estimation key={estimation.key} estimation={estimation} {...frame} />}
      {...view}
    />
  );
}

function Estimation({ estimation, ...frame }: TimeBlockFrame & { estimation: EstimationModel }) {
  const theme = useTheme2();
  const format = useMemo(() => valueFormatter(frame.display), [frame.display]);
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
  const values = useMemo(() => [...series.estimated, ...series.lower, ...series.upper, ...series.realized], [series]);
  const title = estimationTitle(estimation);
  const legend: VizLegendItem[] = [
    { label: text.estimated, color: colors.estimated, yAxis: 1 },
    { label: text.band, color: colors.estimated, yAxis: 1 },
    { label: text.realized, color: colors.realized, yAxis: 1 },
  ];
  return (
    <TimeBlock
      ids={selectors.panel.estimation}
      title={title}
      summary={<EstimationSummary estimation={estimation} title={title} format={format} timeZone={frame.timeZone} />}
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
