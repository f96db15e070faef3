import { FieldType, type DataFrame, type Labels } from '@grafana/data';

import { asNumber, customMeta, FRAME_KINDS } from './frames';

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

function isSeries(name: string): name is EstimationSeries {
  return (ESTIMATION_SERIES as readonly string[]).includes(name);
}

function lastDefined(values: Array<number | null>): number {
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null) {
      return i;
    }
  }
  return -1;
}

/**
 * The estimation models of the time series frames, one per query, label set and metric, in frame
 * order: the union of the outputs' bucket times, each output's values on them (null where an
 * output has no bucket). Numeric frames (a whole-range estimation) have no time axis and are
 * left to Grafana's stat and table panels.
 */
export function estimationsFromFrames(frames: DataFrame[]): EstimationModel[] {
  const groups = new Map<
    string,
    { labels: Labels; metric: string; calibration?: string; outputs: Map<EstimationSeries, Map<number, number | null>> }
  >();
  for (const frame of frames) {
    if (!isEstimationFrame(frame)) {
      continue;
    }
    const time = frame.fields.find((field) => field.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const value of frame.fields) {
      if (value.type !== FieldType.number || !isSeries(value.name)) {
        continue;
      }
      const { metric = '', ...rest } = value.labels ?? {};
      const key = `${frame.refId ?? ''}\u0000${JSON.stringify(Object.entries(rest).sort())}\u0000${metric}`;
      let group = groups.get(key);
      if (!group) {
        const calibration = customMeta<EstimationMeta>(frame).calibration;
        group = {
          labels: rest,
          metric,
          calibration: typeof calibration === 'string' ? calibration : undefined,
          outputs: new Map(),
        };
        groups.set(key, group);
      }
      const points = new Map<number, number | null>();
      for (let i = 0; i < time.values.length; i++) {
        const t = asNumber(time.values[i]);
        if (t !== null) {
          points.set(t, asNumber(value.values[i]));
        }
      }
      group.outputs.set(value.name, points);
    }
  }
  return [...groups.entries()].map(([key, group]) => {
    const times = [...new Set([...group.outputs.values()].flatMap((points) => [...points.keys()]))].sort(
      (a, b) => a - b
    );
    const series = {} as EstimationModel['series'];
    for (const output of ESTIMATION_SERIES) {
      const points = group.outputs.get(output);
      series[output] = times.map((t) => points?.get(t) ?? null);
    }
    return {
      key,
      metric: group.metric,
      labels: group.labels,
      calibration: group.calibration,
      times,
      series,
      lastEstimated: lastDefined(series.estimated),
      lastRealized: lastDefined(series.realized),
    };
  });
}
