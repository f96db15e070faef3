import type { DataFrame, Labels } from '@grafana/data';

import { customMeta, FRAME_KINDS } from './frames';
import { lastDefined, timeGroups } from './timeGroups';

export const ESTIMATION_KIND = FRAME_KINDS.estimation;

/** The outputs of an estimation query the view draws, as the backend names its fields. */
export const ESTIMATION_SERIES = ['estimated', 'lower', 'upper', 'realized'] as const;
export type EstimationSeries = (typeof ESTIMATION_SERIES)[number];

/** One estimated metric of one series (version, group) over time. */
export interface EstimationModel {
  /** Stable key for React lists. */
  key: string;
  /** The estimated metric (`f1`, `roc_auc`, ...), the backend's `metric` label. */
  metric: string;
  /** The other labels (model, version, a groupBy column), in the backend's order. */
  labels: Labels;
  calibration?: string;
  /** Bucket start times, ascending; every series has one value per time. */
  times: number[];
  series: Record<EstimationSeries, Array<number | null>>;
  /** The last bucket with an estimate, and the last with a realized value (-1: none). */
  lastEstimated: number;
  lastRealized: number;
}

interface EstimationMeta {
  kind: unknown;
  calibration: unknown;
}

/** Frames of a `queryType: estimation` time series query. */
export function isEstimationFrame(frame: DataFrame): boolean {
  return customMeta<EstimationMeta>(frame).kind === ESTIMATION_KIND;
}

/**
 * The estimation models of the time series frames, one per query, label set and metric, in frame
 * order: the union of the outputs' bucket times, each output's values on them.
 */
export function estimationsFromFrames(frames: DataFrame[]): EstimationModel[] {
  return timeGroups(frames, isEstimationFrame, ESTIMATION_SERIES, 'metric').map((group) => {
    const calibration = customMeta<EstimationMeta>(group.frame).calibration;
    return {
      key: group.key,
      metric: group.split,
      labels: group.labels,
      calibration: typeof calibration === 'string' ? calibration : undefined,
      times: group.times,
      series: group.series,
      lastEstimated: lastDefined(group.series.estimated),
      lastRealized: lastDefined(group.series.realized),
    };
  });
}
