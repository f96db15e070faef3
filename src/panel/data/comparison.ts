import { FieldType, type DataFrame, type Field, type Labels } from '@grafana/data';

import { asNumber, asString, customMeta, FRAME_KINDS } from './frames';

export const COMPARISON_KIND = FRAME_KINDS.comparison;

/** The outputs of a comparison query, as the backend names its fields. */
export const COMPARISON_OUTPUTS = [
  'champion',
  'challenger',
  'delta',
  'ci_low',
  'ci_high',
  'p_value',
  'challenger_better',
] as const;
export type ComparisonOutput = (typeof COMPARISON_OUTPUTS)[number];

/** `unasked`: the query left out p_value or challenger_better, which the verdict reads. */
export type ComparisonVerdict = 'better' | 'worse' | 'same' | 'unknown' | 'unasked';

export interface ComparisonSummary {
  champion: number | null;
  challenger: number | null;
  delta: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  verdict: ComparisonVerdict;
  /** `numeric`: the whole range (a numeric query); `timeseries`: the last bucket with a delta. */
  source: 'numeric' | 'timeseries';
  /** The bucket summarised, for `timeseries`. */
  time?: number;
}

export interface ComparisonModel {
  /** Stable key for React lists. */
  key: string;
  title: string;
  model?: string;
  /** The metric compared (`precision`, `mae`, ...). */
  compare: string;
  championVersion: string;
  challengerVersion: string;
  /** The statistical test the backend ran (`two_proportion_z`, `welch_t`). */
  test?: string;
  /** Bucket start times, ascending; every series below has one value per time. */
  times: number[];
  series: Record<ComparisonOutput, Array<number | null>>;
  summary: ComparisonSummary;
}

interface ComparisonMeta {
  kind: unknown;
  compare: unknown;
  champion: unknown;
  challenger: unknown;
  test: unknown;
}

/** Frames of a `queryType: comparison` query, time series or numeric. */
export function isComparisonFrame(frame: DataFrame): boolean {
  return customMeta<ComparisonMeta>(frame).kind === COMPARISON_KIND;
}

function isOutput(name: string): name is ComparisonOutput {
  return (COMPARISON_OUTPUTS as readonly string[]).includes(name);
}

/** The label set that names a comparison: model, version ("A vs B") and any groupBy column. */
function labelsKey(labels: Labels | undefined): string {
  return JSON.stringify(
    Object.keys(labels ?? {})
      .sort()
      .map((key) => [key, labels![key]])
  );
}

/** The verdict of one row or bucket: better needs the backend's flag, worse a significant delta without it. */
export function comparisonVerdict(
  better: number | null,
  pValue: number | null,
  delta: number | null
): ComparisonVerdict {
  if (better === 1) {
    return 'better';
  }
  if (delta === null || pValue === null || better === null) {
    return 'unknown';
  }
  return pValue < 0.05 && delta !== 0 ? 'worse' : 'same';
}

interface Group {
  labels: Labels;
  meta: Partial<ComparisonMeta>;
  refId?: string;
  fields: Partial<Record<ComparisonOutput, { time: Field; value: Field }>>;
}

function timeseriesGroups(frames: DataFrame[]): Group[] {
  const groups = new Map<string, Group>();
  for (const frame of frames) {
    const time = frame.fields.find((field) => field.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const value of frame.fields) {
      if (value.type !== FieldType.number || !isOutput(value.name)) {
        continue;
      }
      const key = `${frame.refId ?? ''}\u0000${labelsKey(value.labels)}`;
      let group = groups.get(key);
      if (!group) {
        group = { labels: value.labels ?? {}, meta: customMeta<ComparisonMeta>(frame), refId: frame.refId, fields: {} };
        groups.set(key, group);
      }
      group.fields[value.name] = { time, value };
    }
  }
  return [...groups.values()];
}

/** The numeric-long rows of comparison frames, as label sets (the string columns) with their outputs. */
interface NumericRow {
  labels: Labels;
  values: Partial<Record<ComparisonOutput, number | null>>;
  meta: Partial<ComparisonMeta>;
}

function numericRows(frames: DataFrame[]): NumericRow[] {
  const rows: NumericRow[] = [];
  for (const frame of frames) {
    if (frame.fields.some((field) => field.type === FieldType.time)) {
      continue;
    }
    const strings = frame.fields.filter((field) => field.type === FieldType.string);
    const outputs = frame.fields.filter((field) => field.type === FieldType.number && isOutput(field.name));
    for (let row = 0; row < frame.length; row++) {
      const labels: Labels = {};
      for (const field of strings) {
        labels[field.name] = String(field.values[row] ?? '');
      }
      const values: NumericRow['values'] = {};
      for (const field of outputs) {
        values[field.name as ComparisonOutput] = asNumber(field.values[row]);
      }
      rows.push({ labels, values, meta: customMeta<ComparisonMeta>(frame) });
    }
  }
  return rows;
}

function emptySeries(length: number): ComparisonModel['series'] {
  const series = {} as ComparisonModel['series'];
  for (const output of COMPARISON_OUTPUTS) {
    series[output] = new Array<number | null>(length).fill(null);
  }
  return series;
}

/** The summary of one row: the outputs the frames hold (an output the query left out is absent). */
function summaryFromRow(values: NumericRow['values']): ComparisonSummary {
  const get = (output: ComparisonOutput) => values[output] ?? null;
  const asked = 'p_value' in values && 'challenger_better' in values;
  return {
    champion: get('champion'),
    challenger: get('challenger'),
    delta: get('delta'),
    ciLow: get('ci_low'),
    ciHigh: get('ci_high'),
    pValue: get('p_value'),
    verdict: asked ? comparisonVerdict(get('challenger_better'), get('p_value'), get('delta')) : 'unasked',
    source: 'numeric',
  };
}

/**
 * The summary of the last bucket that has a delta (everything null when none has), from the
 * outputs the frames hold.
 */
export function summaryFromSeries(
  times: number[],
  series: ComparisonModel['series'],
  outputs: readonly ComparisonOutput[] = COMPARISON_OUTPUTS
): ComparisonSummary {
  let last = -1;
  for (let i = times.length - 1; i >= 0; i--) {
    if (series.delta[i] !== null) {
      last = i;
      break;
    }
  }
  const values: NumericRow['values'] = {};
  for (const output of outputs) {
    values[output] = last >= 0 ? series[output][last] : null;
  }
  return { ...summaryFromRow(values), source: 'timeseries', time: last >= 0 ? times[last] : undefined };
}

function matches(row: NumericRow, labels: Labels): boolean {
  return Object.entries(labels).every(([key, value]) => row.labels[key] === undefined || row.labels[key] === value);
}

function modelFrom(
  meta: Partial<ComparisonMeta>,
  labels: Labels,
  times: number[],
  series: ComparisonModel['series'],
  summary: ComparisonSummary,
  index: number
): ComparisonModel {
  const championVersion = asString(meta.champion) ?? labels.version?.split(' vs ')[0] ?? '';
  const challengerVersion = asString(meta.challenger) ?? labels.version?.split(' vs ')[1] ?? '';
  const extra = Object.entries(labels)
    .filter(([key]) => key !== 'model' && key !== 'version')
    .map(([key, value]) => `${key}=${value}`);
  return {
    key: `${index}/${labelsKey(labels)}`,
    title: [labels.model, ...extra].filter(Boolean).join(' · '),
    model: labels.model,
    compare: asString(meta.compare) ?? '',
    championVersion,
    challengerVersion,
    test: asString(meta.test),
    times,
    series,
    summary,
  };
}

/**
 * One view model per compared pair (label set) of the comparison frames. Time series give the
 * lines; a numeric frame of the same pair (a second query) gives the whole-range summary, else
 * the summary is the last bucket with a delta. A numeric frame alone gives a summary without
 * lines.
 */
export function comparisonsFromFrames(frames: DataFrame[]): ComparisonModel[] {
  const comparisonFrames = frames.filter(isComparisonFrame);
  const rows = numericRows(comparisonFrames);
  const used = new Set<NumericRow>();
  const models: ComparisonModel[] = [];

  timeseriesGroups(comparisonFrames).forEach((group, index) => {
    const timeSet = new Set<number>();
    for (const { time } of Object.values(group.fields)) {
      time.values.forEach((t) => typeof t === 'number' && timeSet.add(t));
    }
    const times = [...timeSet].sort((a, b) => a - b);
    const position = new Map(times.map((t, i) => [t, i]));
    const series = emptySeries(times.length);
    for (const [output, { time, value }] of Object.entries(group.fields)) {
      time.values.forEach((t, row) => {
        const i = position.get(t);
        if (i !== undefined) {
          series[output as ComparisonOutput][i] = asNumber(value.values[row]);
        }
      });
    }
    const row = rows.find((candidate) => !used.has(candidate) && matches(candidate, group.labels));
    if (row) {
      used.add(row);
    }
    const outputs = Object.keys(group.fields) as ComparisonOutput[];
    const summary = row ? summaryFromRow(row.values) : summaryFromSeries(times, series, outputs);
    models.push(modelFrom(group.meta, group.labels, times, series, summary, index));
  });

  rows
    .filter((row) => !used.has(row))
    .forEach((row, i) => {
      models.push(modelFrom(row.meta, row.labels, [], emptySeries(0), summaryFromRow(row.values), models.length + i));
    });
  return models;
}

/** Where a series is defined: runs of consecutive non-null buckets, as [start, end] indices. */
export function definedRuns(
  values: Array<number | null>,
  also: Array<number | null> = values
): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  values.forEach((value, i) => {
    const defined = value !== null && also[i] !== null;
    if (defined && start < 0) {
      start = i;
    }
    if (!defined && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) {
    runs.push([start, values.length - 1]);
  }
  return runs;
}
