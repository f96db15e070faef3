import { readFileSync } from 'fs';
import path from 'path';
import { dataFrameFromJSON, type DataFrame, type DataFrameJSON } from '@grafana/data';

// Frames the Go backend produced for the panel's queries on the fixed demo store, written by
// pkg/plugin/frames_golden_test.go (`go test ./pkg/plugin -run TestFramesMatchGoldenFiles -update`).
// Both test suites read them, so a change of frame shape fails on both sides.

export type GoldenFramesName =
  | 'confusion'
  | 'drift_histogram'
  | 'comparison_timeseries'
  | 'comparison_numeric'
  | 'estimation_timeseries'
  | 'multivariate_timeseries';

const framesDir = path.resolve(__dirname, '../../testdata/frames');

/** The frames of one golden file as the SDK wrote them, `{"frames": [...]}`. */
export function goldenFramesJSON(name: GoldenFramesName): DataFrameJSON[] {
  const body = JSON.parse(readFileSync(path.join(framesDir, `${name}.json`), 'utf8')) as { frames?: DataFrameJSON[] };
  if (!Array.isArray(body.frames) || body.frames.length === 0) {
    throw new Error(`testdata/frames/${name}.json holds no frames; rewrite it from the Go tests`);
  }
  return body.frames;
}

/** The frames of one golden file, decoded as Grafana decodes a backend response. */
export function goldenFrames(name: GoldenFramesName): DataFrame[] {
  return goldenFramesJSON(name).map((json) => dataFrameFromJSON(json));
}

/** The values of a field of a golden frame, read from the JSON, not through the panel's code. */
export function rawValues(json: DataFrameJSON, field: string): unknown[] {
  const index = json.schema?.fields.findIndex((f) => f.name === field) ?? -1;
  if (index < 0) {
    throw new Error(`golden frame ${json.schema?.name ?? ''} has no field "${field}"`);
  }
  return json.data?.values[index] ?? [];
}
