import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** The saved query's schema version; bump it together with migration.ts and the Go query model. */
export const QUERY_SCHEMA_VERSION = 1;

export type QueryType =
  'classification' | 'confusion' | 'regression' | 'operations' | 'coverage' | 'quality' | 'drift' | 'comparison';
/** The families the query editor offers so far; the backend answers every QueryType. */
export type EditableQueryType = 'classification' | 'confusion';
export const QUERY_TYPES: readonly EditableQueryType[] = ['classification', 'confusion'];

/** Classification metrics that the backend computes, in display order. */
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'specificity',
  'mcc',
  'balanced_accuracy',
] as const;
export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];

export type ResultFormat = 'timeseries' | 'numeric' | 'histogram';
/** The formats the query editor offers so far (histogram is for drift queries). */
export const RESULT_FORMATS: ReadonlyArray<Exclude<ResultFormat, 'histogram'>> = ['timeseries', 'numeric'];

/** The query JSON of docs/query-reference.md (schemaVersion 1). */
export interface ModelwatchQuery extends DataQuery {
  schemaVersion?: number;
  queryType?: QueryType;
  model?: string;
  /** Empty or absent: every version of the model. */
  versions?: string[];
  /** Classification only; empty: every metric. */
  metrics?: string[];
  positiveClass?: string;
  /** Predicted positive when `score >= threshold`; absent: use the logged predicted label. */
  threshold?: number;
  /** Classification only. */
  format?: ResultFormat;
  /** Overrides Grafana's interval for buckets, e.g. `1h`. */
  interval?: string;
  /** Row filters; a multi-value template variable in `values` expands into several values. */
  filters?: QueryFilter[];
  /** A column whose values split the result into labelled series. */
  groupBy?: string;
  /** Quality and drift: feature columns; empty: every feature. */
  features?: string[];
  /** Quality and drift: the reference window. */
  reference?: ReferenceWindow;
  /** Classification: multiclass average of precision, recall and F1. */
  average?: 'macro' | 'micro' | 'weighted';
  /** Drift method, bins and threshold. */
  method?: string;
  bins?: number;
  driftThreshold?: number;
  /** Comparison: the metric tested between versions[0] (champion) and versions[1] (challenger). */
  compare?: string;
}

export interface QueryFilter {
  column: string;
  op: '=' | '!=' | 'in' | 'not in' | '<' | '<=' | '>' | '>=';
  values: Array<string | number | boolean>;
}

export type ReferenceWindow =
  { type: 'previous' } | { type: 'shift'; shift: string } | { type: 'range'; from: string; to: string };

export const DEFAULT_QUERY: Partial<ModelwatchQuery> = {
  schemaVersion: QUERY_SCHEMA_VERSION,
  queryType: 'classification',
  versions: [],
  metrics: ['precision', 'recall', 'f1'],
  format: 'timeseries',
};

export type StoreType = 'duckdb';

/** `jsonData` of the data source settings. */
export interface ModelwatchOptions extends DataSourceJsonData {
  store?: StoreType;
  path?: string;
  /** Defaults to `predictions` on the backend. */
  table?: string;
}

export const DEFAULT_TABLE = 'predictions';

/** One row of the `columns` resource route. */
export interface StoreColumn {
  name: string;
  type: string;
  role: string;
}
