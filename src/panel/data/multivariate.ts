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
    const drifted = driftedSeries(group.series);
    return {
      key: group.key,
      labels: group.labels,
      features,
      components: finite(meta.components),
      explainedVariance: finite(meta.explainedVariance),
      times: group.times,
      series: { ...group.series, drifted },
      last: lastDefined(group.series.reconstruction_error),
      driftedBuckets: drifted.filter((v) => v === 1).length,
    };
  });
}

/**
 * The `drifted` output where the query asked for it; else, from the error and the thresholds it
 * was not asked with, the backend's rule (1 at or beyond a threshold, 0 between, null where the
 * error or both thresholds are missing), so that the view never counts 0 drifted buckets for a
 * query that left the output out.
 */
function driftedSeries(series: Record<MultivariateSeries, Array<number | null>>): Array<number | null> {
  if (series.drifted.some((v) => v !== null)) {
    return series.drifted;
  }
  return series.reconstruction_error.map((error, i) => {
    const lower = series.threshold_lower[i];
    const upper = series.threshold_upper[i];
    if (error === null || (lower === null && upper === null)) {
      return null;
    }
    return (lower !== null && error <= lower) || (upper !== null && error >= upper) ? 1 : 0;
  });
}
