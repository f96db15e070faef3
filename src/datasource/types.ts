import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** The saved query's schema version; bump it together with migration.ts and the Go query model. */
export const QUERY_SCHEMA_VERSION = 1;

export type QueryType =
  | 'classification'
  | 'confusion'
  | 'regression'
  | 'operations'
  | 'coverage'
  | 'quality'
  | 'drift'
  | 'comparison'
  | 'outcome'
  | 'estimation'
  | 'multivariate';
/** Every family, in the order of docs/query-reference.md and the query editor. */
export const QUERY_TYPES: readonly QueryType[] = [
  'classification',
  'confusion',
  'regression',
  'operations',
  'coverage',
  'quality',
  'drift',
  'comparison',
  'outcome',
  'estimation',
  'multivariate',
];

/** Classification metrics that the backend computes, in display order. */
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'specificity',
  'mcc',
  'balanced_accuracy',
  'fpr',
  'fnr',
  'roc_auc',
  'average_precision',
  'log_loss',
  'brier',
  'fbeta',
] as const;
export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];
/**
 * The classification metrics a multiclass average applies to; the score metrics read each
 * class's probability column score_<class>.
 */
export const AVERAGED_METRICS: readonly string[] = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'fbeta',
  'mcc',
  'roc_auc',
  'average_precision',
  'log_loss',
  'brier',
];
/** The classification metrics read from the score; they need the positive class. */
export const SCORE_METRICS: readonly string[] = ['roc_auc', 'average_precision', 'log_loss', 'brier'];

export const REGRESSION_METRICS = [
  'mae',
  'mse',
  'rmse',
  'mape',
  'r2',
  'mean_error',
  'error_p50',
  'error_p90',
  'error_p99',
  'explained_variance',
  'max_error',
  'median_absolute_error',
  'pinball',
  'msle',
  'rmsle',
] as const;
export const OPERATIONS_METRICS = [
  'throughput',
  'error_rate',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'latency_mean',
  'latency_min',
  'latency_max',
  'requests',
  'availability',
  'last_seen_seconds',
  'column_p50',
  'column_p95',
  'column_p99',
  'column_mean',
  'column_max',
] as const;
/** Operations metrics of the query's `column` (a numeric column logged per request, e.g. cpu_ms). */
export const COLUMN_METRICS: readonly string[] = [
  'column_p50',
  'column_p95',
  'column_p99',
  'column_mean',
  'column_max',
];
export const COVERAGE_METRICS = ['label_coverage', 'labeled_rows'] as const;
export const QUALITY_METRICS = [
  'rows',
  'missing_share',
  'out_of_range_share',
  'new_category_share',
  'mean',
  'std',
  'min',
  'max',
  'std_ratio',
  'mean_shift',
] as const;
/** Outcome metrics of the query's `outcome` column (what happened after the prediction). */
export const OUTCOME_METRICS = ['rate', 'mean', 'sum', 'count', 'coverage'] as const;
/** Outcome metrics that a text column cannot answer (it has no mean or sum). */
export const NUMERIC_OUTCOME_METRICS: readonly string[] = ['mean', 'sum'];
/**
 * Model output columns that quality and drift take in `features` beside the inputs (the
 * backend's query.ModelOutputs): numbers profiled as numbers, the label as a category.
 */
export const MODEL_OUTPUTS = ['score', 'predicted_value', 'predicted_label'] as const;

export function isModelOutput(column: string): boolean {
  return (MODEL_OUTPUTS as readonly string[]).includes(column);
}
/** What a drift query returns per feature. */
export const DRIFT_OUTPUTS = ['statistic', 'p_value', 'score', 'threshold', 'drifted'] as const;
/** What a comparison returns per pair of versions. */
export const COMPARISON_OUTPUTS = [
  'champion',
  'challenger',
  'delta',
  'ci_low',
  'ci_high',
  'p_value',
  'challenger_better',
] as const;
/** What an estimation returns per estimated metric. */
export const ESTIMATION_OUTPUTS = ['estimated', 'lower', 'upper', 'sampling_error', 'realized'] as const;
/** The metrics an estimation estimates from the scores, in the backend's order. */
export const ESTIMABLE_METRICS = ['roc_auc', 'f1', 'precision', 'recall', 'specificity', 'accuracy'] as const;
/** How an estimation calibrates the scores on the reference window; absent: isotonic. */
export const CALIBRATIONS = ['isotonic', 'none'] as const;
/** The regression metrics that take no sample weights (they count rows). */
export const UNWEIGHTED_METRICS = [
  'error_p50',
  'error_p90',
  'error_p99',
  'median_absolute_error',
  'max_error',
] as const;
/** Multiclass ROC AUC's schemes, as scikit-learn's multi_class: one-vs-rest, one-vs-one. */
export const MULTI_CLASS_SCHEMES = ['ovr', 'ovo'] as const;
/** What multivariate drift returns per series and bucket, in the backend's order. */
export const MULTIVARIATE_OUTPUTS = [
  'reconstruction_error',
  'sampling_error',
  'lower',
  'upper',
  'threshold_lower',
  'threshold_upper',
  'drifted',
] as const;
export type MetricName =
  | ClassificationMetric
  | (typeof REGRESSION_METRICS)[number]
  | (typeof OPERATIONS_METRICS)[number]
  | (typeof COVERAGE_METRICS)[number]
  | (typeof QUALITY_METRICS)[number]
  | (typeof DRIFT_OUTPUTS)[number]
  | (typeof COMPARISON_OUTPUTS)[number]
  | (typeof OUTCOME_METRICS)[number]
  | (typeof ESTIMATION_OUTPUTS)[number]
  | (typeof MULTIVARIATE_OUTPUTS)[number];

export const AVERAGES = ['none', 'macro', 'micro', 'weighted'] as const;
export type Average = (typeof AVERAGES)[number];

/** Whose drift definitions to follow where the peers differ; absent: the data source's (default modelwatch). */
export const DEFINITIONS = ['modelwatch', 'evidently', 'nannyml'] as const;
export type Definitions = (typeof DEFINITIONS)[number];

/** scikit-learn's zero_division for precision, recall and F1; absent: undefined (null). */
export const ZERO_DIVISIONS = ['0', '1'] as const;

/** Drift methods, auto first, as the backend lists them. */
export const DRIFT_METHODS = [
  'auto',
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl',
  'hellinger',
  'tvd',
  'anderson',
  'cramervonmises',
  'mannwhitney',
  'ttest',
  'eppssingleton',
  'energy',
  'fisher',
  'gtest',
  'linf',
  'mmd',
] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** The metrics a comparison can test between champion and challenger. */
export const COMPARE_METRICS = ['accuracy', 'precision', 'recall', 'specificity', 'mae', 'mse'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];
/** Compared proportions that are counted for the positive class. */
export const COMPARE_NEEDS_POSITIVE_CLASS: readonly string[] = ['precision', 'recall', 'specificity'];

export const FILTER_OPS = ['=', '!=', 'in', 'not in', '<', '<=', '>', '>='] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
/** Operators that take a list of values; the others take exactly one. */
export const MULTI_VALUE_OPS: readonly FilterOp[] = ['in', 'not in'];

export const DRIFT_BINS = { min: 2, max: 1000, default: 20 } as const;
/** numpy's bin rules that bins may name instead of a number, as the backend lists them. */
export const BIN_RULES = ['sturges', 'sqrt', 'rice', 'scott', 'doane', 'fd', 'auto'] as const;
/** Drift's handling of rows without a value; absent: drop. */
export const NULLS = ['drop', 'category'] as const;

export type ResultFormat = 'timeseries' | 'numeric' | 'histogram';

/** The query JSON of docs/query-reference.md (schemaVersion 1). */
export interface ModelwatchQuery extends DataQuery {
  schemaVersion?: number;
  queryType?: QueryType;
  model?: string;
  /** Empty or absent: every version of the model. */
  versions?: string[];
  /** The family's metrics (drift and comparison: outputs); empty: the family's default. */
  metrics?: string[];
  positiveClass?: string;
  /** Predicted positive when `score >= threshold`; absent: use the logged predicted label. */
  threshold?: number;
  /** Every family but confusion; histogram is for drift only. */
  format?: ResultFormat;
  /** Overrides Grafana's interval for buckets, e.g. `1h`. */
  interval?: string;
  /** Row filters; a multi-value template variable in `values` expands into several values. */
  filters?: QueryFilter[];
  /** A column whose values split the result into labelled series. */
  groupBy?: string;
  /** Quality and drift: feature columns; empty: every feature. */
  features?: string[];
  /** Quality, drift and estimation: the reference window. */
  reference?: ReferenceWindow;
  /** Classification: multiclass average of precision, recall and F1; none: one series per class. */
  average?: Average;
  /**
   * Classification: precision, recall and F1 where their denominator is 0 (scikit-learn's
   * zero_division); absent or null: undefined. A string is a template variable ("0", "1", "null").
   */
  zeroDivision?: 0 | 1 | null | string;
  /** Regression: the quantile (alpha) of the pinball loss, in (0, 1); default 0.5. */
  quantile?: number;
  /** Regression: false leaves r2 and explained_variance of constant actuals undefined (scikit-learn's force_finite). */
  forceFinite?: boolean;
  /** Classification: the beta of fbeta (default 1: F1). */
  beta?: number;
  /** Classification: the classes the macro, micro and weighted averages run over; absent: the classes present. */
  labels?: string[];
  /** Drift method, bins and threshold. */
  method?: DriftMethod;
  /** Drift: rows without a value left out (drop, the default) or one more category of the binned methods. */
  nulls?: (typeof NULLS)[number];
  /** Drift: whose definitions to follow where the peers differ; absent: the data source's. */
  definitions?: Definitions;
  /** Drift: a number of reference bins, or one of numpy's rules (BIN_RULES). */
  bins?: number | string;
  driftThreshold?: number;
  /** Comparison: the metric tested between versions[0] (champion) and versions[1] (challenger). */
  compare?: CompareMetric;
  /** Operations: the numeric column of the column_* metrics (resource usage logged per request, e.g. cpu_ms). */
  column?: string;
  /** Classification, regression, operations, coverage, quality, outcome: every metric beside its value in a reference window. */
  compareTo?: CompareTo;
  /** Operations, coverage, outcome: one series for the model over the selected versions, without a version label. */
  combineVersions?: boolean;
  /** Outcome: the column logged about what happened after the prediction, e.g. clicked. */
  outcome?: string;
  /** Outcome of a text column: the text that counts as positive in the rate, e.g. yes. */
  value?: string;
  /** Estimation: the metrics estimated from the scores; absent or empty: all of ESTIMABLE_METRICS. */
  estimate?: string[];
  /** Estimation: isotonic calibration on the reference window (default), or none. */
  calibration?: (typeof CALIBRATIONS)[number];
  /** Classification with an average: multiclass ROC AUC one-vs-rest (the default) or one-vs-one. */
  multiClass?: (typeof MULTI_CLASS_SCHEMES)[number];
  /** Classification and regression: a number column of sample weights (scikit-learn's sample_weight). */
  weight?: string;
  /** Multivariate drift: the share of the reference's variance its kept principal components explain (below 1), or their number; absent: 0.65. */
  components?: number;
}

/** How compareTo compares a metric with its reference value (docs/query-reference.md). */
export const CHANGES = ['pct_change', 'ratio', 'delta'] as const;
export type ChangeKind = (typeof CHANGES)[number];

/** The saved compareTo: the reference window and the comparison (default pct_change). */
export interface CompareTo {
  reference: ReferenceWindow;
  as?: ChangeKind;
}

export interface QueryFilter {
  column: string;
  op: FilterOp;
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

export type StoreType = 'duckdb' | ServerStore;

/** The stores on a team's own server. */
export type ServerStore = 'postgres' | 'clickhouse';

/** The TLS modes the backend accepts (libpq's that never fall back to plaintext, and disable; ClickHouse has no verify-ca). */
export type SSLMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** `jsonData` of the data source settings. */
export interface ModelwatchOptions extends DataSourceJsonData {
  store?: StoreType;
  /** The DuckDB file (store duckdb). */
  path?: string;
  /** The server (store postgres or clickhouse): host name or address, and port (default 5432; ClickHouse 9440, or 9000 without TLS). */
  host?: string;
  port?: number;
  database?: string;
  /** A user with SELECT on the tables only. */
  user?: string;
  /** Default require. */
  sslMode?: SSLMode;
  /** Most connections open at once; default 10. */
  poolSize?: number;
  /** Defaults to `predictions` on the backend. */
  table?: string;
  /** A table of late labels joined on prediction_id (actual_label/actual_value, labeled_at). */
  labelsTable?: string;
  /** The table's own names for base columns that it names differently, e.g. { ts: 'event_time' }. */
  columns?: Partial<Record<BaseColumn, string>>;
  /** Most series one query may return; default 5000. */
  maxSeries?: number;
  /** Duration such as 30s (the default) or 2m. */
  queryTimeout?: string;
  /** DuckDB memory_limit such as 2GB; default a quarter of the server's memory. */
  memoryLimit?: string;
  /** DuckDB threads; default the server's cores. */
  threads?: number;
  /** Answer from the store's hourly rollups when a query allows it; default true. */
  rollups?: boolean;
  /** Drift definitions of the queries that name none; absent: modelwatch. */
  definitions?: Definitions;
  /** Columns logged about what happened after a prediction (clicked): outcomes, not model inputs. */
  outcomeColumns?: string[];
  /** The write routes for predictions and late labels; absent means off, with every default. */
  ingest?: IngestOptions;
}

/** `secureJsonData` of the data source settings (PostgreSQL): written, never read back. */
export interface ModelwatchSecureOptions {
  password?: string;
  /** PEM of the CA that signs the server's certificate (verify-ca, verify-full). */
  tlsCACert?: string;
  /** PEM of a client certificate and its unencrypted key. */
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** Least organisation role allowed to write through the ingest routes. */
export type IngestRole = 'Editor' | 'Admin';

/** `jsonData.ingest`: a missing field (or 0) takes the backend's default. */
export interface IngestOptions {
  /** Default false: the routes answer 404. */
  enabled?: boolean;
  /** Default Editor. */
  role?: IngestRole;
  /** Size of one request's body, as sent and decompressed; default 32 MiB, 1 KiB to 64 MiB. */
  maxBodyBytes?: number;
  /** Rows in one request; default 50,000, 1 to 1,000,000. */
  maxBatchRows?: number;
  /** Sustained rows per second for the data source; default 200,000, 1 to 10,000,000. */
  rowsPerSecond?: number;
  /** Requests per second for the data source; default 50, 1 to 10,000. */
  batchesPerSecond?: number;
}

/** The prediction table's base columns, by their default names (docs/query-reference.md). */
export const BASE_COLUMNS = [
  'prediction_id',
  'ts',
  'model',
  'model_version',
  'predicted_label',
  'predicted_value',
  'score',
  'actual_label',
  'actual_value',
  'latency_ms',
  'error',
] as const;
export type BaseColumn = (typeof BASE_COLUMNS)[number];

export const DEFAULT_TABLE = 'predictions';

/** One row of the `columns` resource route. */
export interface StoreColumn {
  name: string;
  /** double, integer, text, boolean or timestamp. */
  type: string;
  /** feature, outcome, timestamp, or the role of a logged column such as the model or its label. */
  role: string;
  engineType?: string;
}
