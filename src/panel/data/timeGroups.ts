import { FieldType, type DataFrame, type Labels } from '@grafana/data';

import { asNumber } from './frames';

/**
 * One series' outputs over time, gathered from `timeseries-multi` frames (one frame per output):
 * the outputs of one query and label set, and of one value of a split label when there is one
 * (estimation's `metric`), on the union of their bucket times.
 */
export interface TimeGroup<S extends string> {
  /** Stable key for React lists. */
  key: string;
  /** The split label's value ('' without a split label). */
  split: string;
  /** The other labels (model, version, a groupBy column), in the backend's order. */
  labels: Labels;
  /** The group's first frame, whose meta.custom describes the query. */
  frame: DataFrame;
  /** Bucket start times, ascending; every output has one value per time. */
  times: number[];
  /** Each output's values on the times (null where an output has no bucket, or is absent). */
  series: Record<S, Array<number | null>>;
}

/** The index of the last non-null value, or -1. */
export function lastDefined(values: Array<number | null>): number {
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null) {
      return i;
    }
  }
  return -1;
}

/**
 * The groups of the frames of one kind, in frame order. Frames without a time field are left
 * out: numeric frames (a whole-range query) have no time axis and are left to Grafana's stat and
 * table panels.
 */
export function timeGroups<S extends string>(
  frames: DataFrame[],
  isKind: (frame: DataFrame) => boolean,
  outputs: readonly S[],
  splitLabel?: string
): Array<TimeGroup<S>> {
  const groups = new Map<
    string,
    { split: string; labels: Labels; frame: DataFrame; outputs: Map<S, Map<number, number | null>> }
  >();
  const isOutput = (name: string): name is S => (outputs as readonly string[]).includes(name);
  for (const frame of frames) {
    const time = isKind(frame) ? frame.fields.find((field) => field.type === FieldType.time) : undefined;
    if (!time) {
      continue;
    }
    for (const value of frame.fields) {
      if (value.type !== FieldType.number || !isOutput(value.name)) {
        continue;
      }
      const labels = { ...value.labels };
      const split = splitLabel ? (labels[splitLabel] ?? '') : '';
      if (splitLabel) {
        delete labels[splitLabel];
      }
      const key = `${frame.refId ?? ''}\u0000${JSON.stringify(Object.entries(labels).sort())}\u0000${split}`;
      let group = groups.get(key);
      if (!group) {
        group = { split, labels, frame, outputs: new Map() };
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
    const series = {} as Record<S, Array<number | null>>;
    for (const output of outputs) {
      const points = group.outputs.get(output);
      series[output] = times.map((t) => points?.get(t) ?? null);
    }
    return { key, split: group.split, labels: group.labels, frame: group.frame, times, series };
  });
}
