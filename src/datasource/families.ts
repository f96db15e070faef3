import {
  CLASSIFICATION_METRICS,
  COMPARISON_OUTPUTS,
  COVERAGE_METRICS,
  DRIFT_OUTPUTS,
  ESTIMATION_OUTPUTS,
  MULTIVARIATE_OUTPUTS,
  OPERATIONS_METRICS,
  OUTCOME_METRICS,
  QUALITY_METRICS,
  REGRESSION_METRICS,
  type ModelwatchQuery,
  type QueryType,
  type ResultFormat,
} from './types';

/** An editor field below the query type and model; each family lists the ones it reads. */
export type FamilyField =
  | 'versions'
  | 'championChallenger'
  | 'metrics'
  | 'positiveClass'
  | 'threshold'
  | 'average'
  | 'zeroDivision'
  | 'beta'
  | 'quantile'
  | 'forceFinite'
  | 'labels'
  | 'compare'
  | 'compareTo'
  | 'features'
  | 'reference'
  | 'method'
  | 'definitions'
  | 'nulls'
  | 'bins'
  | 'driftThreshold'
  | 'format'
  | 'interval'
  | 'groupBy'
  | 'column'
  | 'combineVersions'
  | 'outcome'
  | 'outcomeValue'
  | 'estimate'
  | 'calibration'
  | 'components'
  | 'multiClass'
  | 'weight'
  | 'filters';

export interface Family {
  /** The editor's rows, top to bottom; a field absent here is not shown and not saved. */
  rows: ReadonlyArray<readonly FamilyField[]>;
  /** Metric (or output) names the backend accepts in `metrics`. */
  metrics: readonly string[];
  /** Drift and comparison return outputs rather than metrics. */
  metricsAreOutputs?: boolean;
  formats: readonly ResultFormat[];
  /** Family-specific fields a new query of this family starts with. */
  defaults: Partial<ModelwatchQuery>;
}

const SERIES: ResultFormat[] = ['timeseries', 'numeric'];
const SHAPE_ROW: FamilyField[] = ['format', 'interval', 'groupBy'];

/** What each family reads, after docs/query-reference.md. */
export const FAMILIES: Record<QueryType, Family> = {
  classification: {
    rows: [
      ['versions'],
      ['metrics'],
      ['compareTo'],
      ['positiveClass', 'threshold', 'average', 'zeroDivision'],
      ['beta', 'labels', 'multiClass'],
      ['weight'],
      SHAPE_ROW,
      ['filters'],
    ],
    metrics: CLASSIFICATION_METRICS,
    formats: SERIES,
    defaults: { metrics: ['precision', 'recall', 'f1'], format: 'timeseries' },
  },
  confusion: {
    rows: [['versions'], ['positiveClass', 'threshold'], ['filters']],
    metrics: [],
    formats: [],
    defaults: {},
  },
  regression: {
    rows: [['versions'], ['metrics'], ['compareTo'], ['quantile', 'forceFinite', 'weight'], SHAPE_ROW, ['filters']],
    metrics: REGRESSION_METRICS,
    formats: SERIES,
    defaults: { metrics: ['mae', 'rmse'], format: 'timeseries' },
  },
  operations: {
    rows: [['versions', 'combineVersions'], ['metrics'], ['compareTo'], ['column'], SHAPE_ROW, ['filters']],
    metrics: OPERATIONS_METRICS,
    formats: SERIES,
    defaults: { metrics: ['throughput', 'error_rate', 'latency_p95'], format: 'timeseries' },
  },
  coverage: {
    rows: [['versions', 'combineVersions'], ['metrics'], ['compareTo'], SHAPE_ROW, ['filters']],
    metrics: COVERAGE_METRICS,
    formats: SERIES,
    defaults: { metrics: ['label_coverage'], format: 'timeseries' },
  },
  quality: {
    rows: [['versions'], ['features'], ['reference'], ['metrics'], ['compareTo'], SHAPE_ROW, ['filters']],
    metrics: QUALITY_METRICS,
    formats: SERIES,
    defaults: { features: [], metrics: [], format: 'numeric', reference: { type: 'previous' } },
  },
  drift: {
    rows: [
      ['versions'],
      ['features'],
      ['reference'],
      ['method', 'bins', 'driftThreshold'],
      ['definitions', 'nulls'],
      ['metrics'],
      SHAPE_ROW,
      ['filters'],
    ],
    metrics: DRIFT_OUTPUTS,
    metricsAreOutputs: true,
    formats: ['timeseries', 'numeric', 'histogram'],
    defaults: { features: [], method: 'auto', metrics: [], format: 'numeric', reference: { type: 'previous' } },
  },
  comparison: {
    rows: [['championChallenger'], ['compare', 'positiveClass', 'threshold'], ['metrics'], SHAPE_ROW, ['filters']],
    metrics: COMPARISON_OUTPUTS,
    metricsAreOutputs: true,
    formats: SERIES,
    defaults: { versions: [], compare: 'precision', metrics: [], format: 'numeric' },
  },
  outcome: {
    rows: [
      ['versions', 'combineVersions'],
      ['outcome', 'outcomeValue'],
      ['metrics'],
      ['compareTo'],
      SHAPE_ROW,
      ['filters'],
    ],
    metrics: OUTCOME_METRICS,
    formats: SERIES,
    defaults: { metrics: ['rate', 'count', 'coverage'], format: 'timeseries' },
  },
  estimation: {
    rows: [
      ['versions'],
      ['reference'],
      ['estimate', 'calibration'],
      ['positiveClass', 'threshold'],
      ['metrics'],
      SHAPE_ROW,
      ['filters'],
    ],
    metrics: ESTIMATION_OUTPUTS,
    metricsAreOutputs: true,
    formats: SERIES,
    defaults: { estimate: [], metrics: [], format: 'timeseries', reference: { type: 'previous' } },
  },
  multivariate: {
    rows: [['versions'], ['features'], ['reference'], ['components'], ['metrics'], SHAPE_ROW, ['filters']],
    metrics: MULTIVARIATE_OUTPUTS,
    metricsAreOutputs: true,
    formats: SERIES,
    defaults: { features: [], metrics: [], format: 'timeseries', reference: { type: 'previous' } },
  },
};

export function familyOf(query: ModelwatchQuery): Family {
  return FAMILIES[query.queryType ?? 'classification'] ?? FAMILIES.classification;
}

export function familyFields(type: QueryType): FamilyField[] {
  return FAMILIES[type].rows.flat();
}

/** The saved keys that each field writes. */
const FIELD_KEYS: Record<FamilyField, ReadonlyArray<keyof ModelwatchQuery>> = {
  versions: ['versions'],
  championChallenger: ['versions'],
  metrics: ['metrics'],
  positiveClass: ['positiveClass'],
  threshold: ['threshold'],
  average: ['average'],
  zeroDivision: ['zeroDivision'],
  beta: ['beta'],
  quantile: ['quantile'],
  forceFinite: ['forceFinite'],
  labels: ['labels'],
  compare: ['compare'],
  compareTo: ['compareTo'],
  features: ['features'],
  reference: ['reference'],
  method: ['method'],
  definitions: ['definitions'],
  nulls: ['nulls'],
  bins: ['bins'],
  driftThreshold: ['driftThreshold'],
  format: ['format'],
  interval: ['interval'],
  groupBy: ['groupBy'],
  column: ['column'],
  combineVersions: ['combineVersions'],
  outcome: ['outcome'],
  outcomeValue: ['value'],
  estimate: ['estimate'],
  calibration: ['calibration'],
  components: ['components'],
  multiClass: ['multiClass'],
  weight: ['weight'],
  filters: ['filters'],
};

/** Fields whose meaning does not depend on the family: a type change keeps them when both use them. */
const SHARED_KEYS: ReadonlyArray<keyof ModelwatchQuery> = [
  'versions',
  'positiveClass',
  'threshold',
  'interval',
  'groupBy',
  'filters',
];

/**
 * The query after a change of family: the model and the shared fields the new family reads are
 * kept, every other field of the old family is dropped and the new family's defaults applied.
 * A comparison keeps the versions only when there are exactly two (champion, challenger).
 */
export function changeFamily(query: ModelwatchQuery, type: QueryType): ModelwatchQuery {
  const family = FAMILIES[type];
  const used = new Set(familyFields(type).flatMap((field) => FIELD_KEYS[field]));
  const next: ModelwatchQuery = { ...query, queryType: type };
  for (const field of Object.values(FIELD_KEYS).flat()) {
    if (!used.has(field) || !SHARED_KEYS.includes(field)) {
      delete next[field];
    }
  }
  Object.assign(next, JSON.parse(JSON.stringify(family.defaults)) as Partial<ModelwatchQuery>);
  if (type === 'comparison' && query.versions?.length === 2) {
    next.versions = [...query.versions];
  }
  return next;
}
