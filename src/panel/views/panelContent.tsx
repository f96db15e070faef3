import React from 'react';
import type { DataFrame, ThresholdsConfig } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

import { comparisonsFromFrames } from '../data/comparison';
import { confusionMatricesFromFrames } from '../data/confusion';
import { driftHistogramsFromFrames } from '../data/drift';
import { resolveView } from '../data/frames';
import type { ConcreteView, ModelwatchPanelOptions } from '../types';
import { ComparisonView } from './ComparisonView';
import { ConfusionMatrix } from './ConfusionMatrix';
import { DriftHistograms } from './DriftHistograms';

export interface PanelContentInput {
  series: DataFrame[];
  options: ModelwatchPanelOptions;
  width: number;
  height: number;
  timeZone?: TimeZone;
  thresholds?: ThresholdsConfig;
}

export interface PanelContent {
  /** The view chosen (by the option, or by the frames for `auto`); undefined when no frame is of a known kind. */
  view?: ConcreteView;
  /** The drawing; undefined when the frames hold nothing for the view. */
  element?: React.ReactElement;
}

/** Chooses the view and builds its element from the frames; shared by the panel and the browser harness. */
export function panelContent({
  series,
  options,
  width,
  height,
  timeZone,
  thresholds,
}: PanelContentInput): PanelContent {
  const view = resolveView(options.view, series);
  switch (view) {
    case 'confusion': {
      const matrices = confusionMatricesFromFrames(series);
      return {
        view,
        element:
          matrices.length === 0 ? undefined : (
            <ConfusionMatrix matrices={matrices} options={options} width={width} height={height} />
          ),
      };
    }
    case 'drift': {
      const histograms = driftHistogramsFromFrames(series);
      return {
        view,
        element:
          histograms.length === 0 ? undefined : (
            <DriftHistograms histograms={histograms} width={width} height={height} timeZone={timeZone} />
          ),
      };
    }
    case 'comparison': {
      const comparisons = comparisonsFromFrames(series);
      return {
        view,
        element:
          comparisons.length === 0 ? undefined : (
            <ComparisonView
              comparisons={comparisons}
              width={width}
              height={height}
              timeZone={timeZone}
              thresholds={thresholds}
            />
          ),
      };
    }
    default:
      return {};
  }
}
