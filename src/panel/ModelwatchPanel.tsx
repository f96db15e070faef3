import React, { useMemo } from 'react';
import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';

import { labels } from '../labels';
import { confusionMatricesFromFrames } from './data/confusion';
import type { ModelwatchPanelOptions } from './types';
import { ConfusionMatrix } from './views/ConfusionMatrix';

type Props = PanelProps<ModelwatchPanelOptions>;

/** Chooses the view for the query results; only the confusion matrix exists so far. */
export function ModelwatchPanel({ id, data, options, fieldConfig, width, height }: Props) {
  const matrices = useMemo(() => confusionMatricesFromFrames(data.series), [data.series]);

  if (matrices.length === 0) {
    return (
      <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} message={labels.panel.noConfusionFrames} />
    );
  }
  return <ConfusionMatrix matrices={matrices} options={options} width={width} height={height} />;
}
