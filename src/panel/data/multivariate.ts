import type { DataFrame, Labels } from '@grafana/data';

import { customMeta, FRAME_KINDS } from './frames';
import { lastDefined, timeGroups } from './timeGroups';

export const MULTIVARIATE_KIND = FRAME_KINDS.multivariate;

/** The outputs of a multivariate drift query the view draws, as the backend names its fields. */
export const MULTIVARIATE_SERIES = [
  'reconstruction_error',
  'lower',
  'upper',
  'threshold_lower',
  'threshold_upper',
  'drifted',
] as const;
export type MultivariateSeries = (typeof MULTIVARIATE_SERIES)[number];

/** The reconstruction error of one series (version, group) over time, and what it is measured against. */
export interface MultivariateModel {
  /** Stable key for React lists. */
  key: string;
  /** The series' labels (model, version, a groupBy column), in the backend's order. */
  labels: Labels;
  /** The features read together, the kept principal components and the share of the reference's variance they explain. */
  features: string[];
  components?: number;
  explainedVariance?: number;
  /** Bucket start times, ascending; every series has one value per time. */
  times: number[];
  series: Record<MultivariateSeries, Array<number | null>>;
  /** The last bucket with an error (-1: none), and how many buckets drifted. */
  last: number;
  driftedBuckets: number;
}

interface MultivariateMeta {
  kind: unknown;
  features: unknown;
  components: unknown;
  explainedVariance: unknown;
}

/** Frames of a `queryType: multivariate` time series query. */
export function isMultivariateFrame(frame: DataFrame): boolean {
  return customMeta<MultivariateMeta>(frame).kind === MULTIVARIATE_KIND;
}

const finite = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * The multivariate models of the time series frames, one per query and label set, in frame
 * order: the union of the outputs' bucket times, each output's values on them.
 */
export function multivariateFromFrames(frames: DataFrame[]): MultivariateModel[] {
  return timeGroups(frames, isMultivariateFrame, MULTIVARIATE_SERIES).map((group) => {
    const meta = customMeta<MultivariateMeta>(group.frame);
    const features = Array.isArray(meta.features) ? meta.features.filter((f) => typeof f === 'string') : [];
    return {
      key: group.key,
      labels: group.labels,
      features,
      components: finite(meta.components),
      explainedVariance: finite(meta.explainedVariance),
      times: group.times,
      series: group.series,
      last: lastDefined(group.series.reconstruction_error),
      driftedBuckets: group.series.drifted.filter((v) => v === 1).length,
    };
  });
}
