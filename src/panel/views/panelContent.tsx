import React from 'react';
import type { AbsoluteTimeRange, AlertState, DataFrame, ThresholdsConfig, TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

import { labels } from '../../labels';
import { annotationMarkers } from '../data/annotations';
import { comparisonsFromFrames } from '../data/comparison';
import { confusionMatricesFromFrames, limitClasses } from '../data/confusion';
import { driftHistogramsFromFrames } from '../data/drift';
import { estimationsFromFrames } from '../data/estimation';
import { resolveView } from '../data/frames';
import { multivariateFromFrames } from '../data/multivariate';
import type { ConcreteView, ModelwatchPanelOptions } from '../types';
import { ComparisonView } from './ComparisonView';
import { ConfusionMatrix } from './ConfusionMatrix';
import { DriftHistograms } from './DriftHistograms';
import { EstimationView } from './EstimationView';
import { MultivariateView } from './MultivariateView';
import type { ValueDisplay } from './format';

export interface PanelContentInput {
  series: DataFrame[];
  options: ModelwatchPanelOptions;
  width: number;
  height: number;
  timeZone?: TimeZone;
  /** The dashboard's time range, the comparison's time axis. */
  timeRange?: TimeRange;
  /** Zooms the dashboard's time range (a drag across the comparison's charts). */
  onChangeTimeRange?: (range: AbsoluteTimeRange) => void;
  thresholds?: ThresholdsConfig;
  /** `data.annotations`: drawn on the comparison's time axes. */
  annotations?: DataFrame[];
  /** `data.alertState.state`: a badge in the comparison's header. */
  alertState?: AlertState;
  /** The panel's unit and decimals (`fieldConfig.defaults`). */
  display?: ValueDisplay;
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
  timeRange,
  onChangeTimeRange,
  thresholds,
  annotations,
  alertState,
  display,
}: PanelContentInput): PanelContent {
  const view = resolveView(options.view, series);
  switch (view) {
    case 'confusion': {
      const matrices = confusionMatricesFromFrames(series).map((matrix) =>
        limitClasses(matrix, labels.panel.otherClasses)
      );
      return {
        view,
        element:
          matrices.length === 0 ? undefined : (
            <ConfusionMatrix matrices={matrices} options={options} width={width} height={height} display={display} />
          ),
      };
    }
    case 'drift': {
      const histograms = driftHistogramsFromFrames(series);
      return {
        view,
        element:
          histograms.length === 0 ? undefined : (
            <DriftHistograms
              histograms={histograms}
              width={width}
              height={height}
              timeZone={timeZone}
              display={display}
            />
          ),
      };
    }
    case 'comparison':
    case 'estimation':
    case 'multivariate': {
      // All three draw time charts on the dashboard's time axis, thresholds and annotations.
      const time = {
        width,
        height,
        timeZone,
        timeRange,
        onChangeTimeRange,
        thresholds,
        annotations: annotationMarkers(annotations),
        display,
      };
      if (view === 'comparison') {
        const comparisons = comparisonsFromFrames(series);
        return {
          view,
          element:
            comparisons.length === 0 ? undefined : (
              <ComparisonView comparisons={comparisons} alertState={alertState} {...time} />
            ),
        };
      }
      if (view === 'multivariate') {
        const models = multivariateFromFrames(series);
        return { view, element: models.length === 0 ? undefined : <MultivariateView models={models} {...time} /> };
      }
      const estimations = estimationsFromFrames(series);
      return {
        view,
        element: estimations.length === 0 ? undefined : <EstimationView estimations={estimations} {...time} />,
      };
    }
    default:
      return {};
  }
}
