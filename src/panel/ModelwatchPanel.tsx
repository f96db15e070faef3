import React, { useMemo } from 'react';
import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';

import { labels } from '../labels';
import type { ConcreteView, ModelwatchPanelOptions } from './types';
import { panelContent } from './views/panelContent';

type Props = PanelProps<ModelwatchPanelOptions>;

/** What to tell the user when the frames hold nothing for the view: which query to write. */
const MISSING: Record<ConcreteView | 'any', string> = {
  confusion: labels.panel.noConfusionFrames,
  drift: labels.panel.noDriftFrames,
  comparison: labels.panel.noComparisonFrames,
  estimation: labels.panel.noEstimationFrames,
  multivariate: labels.panel.noMultivariateFrames,
  any: labels.panel.noModelwatchFrames,
};

/** Draws the view for the query results: the option, or the frames' kind for `auto`. */
export function ModelwatchPanel({
  id,
  data,
  options,
  fieldConfig,
  width,
  height,
  timeZone,
  timeRange,
  onChangeTimeRange,
}: Props) {
  const { thresholds, unit, decimals } = fieldConfig.defaults;
  const display = useMemo(() => ({ unit, decimals }), [unit, decimals]);
  const { annotations, alertState } = data;
  const { view, element } = useMemo(
    () =>
      panelContent({
        series: data.series,
        options,
        width,
        height,
        timeZone,
        timeRange,
        onChangeTimeRange,
        thresholds,
        annotations,
        alertState: alertState?.state,
        display,
      }),
    [
      data.series,
      options,
      width,
      height,
      timeZone,
      timeRange,
      onChangeTimeRange,
      thresholds,
      annotations,
      alertState,
      display,
    ]
  );

  if (!element) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} message={MISSING[view ?? 'any']} />;
  }
  return element;
}
