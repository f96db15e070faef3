import { rangeUtil } from '@grafana/data';

import { labels } from '../labels';
import { splitMetric } from './change';
import { familyOf, type FamilyField } from './families';
import {
  AVERAGED_METRICS,
  COLUMN_METRICS,
  COMPARE_METRICS,
  COMPARE_NEEDS_POSITIVE_CLASS,
  BIN_RULES,
  DRIFT_BINS,
  MULTI_VALUE_OPS,
  SCORE_METRICS,
  UNWEIGHTED_METRICS,
  type ModelwatchQuery,
  type QueryFilter,
  type ReferenceWindow,
} from './types';

const text = labels.query;

/** A text input's reading: the value to save, or why it cannot be saved. */
export type Parsed<T> = { value?: T; error?: undefined } | { value?: undefined; error: string };

function isVariable(value: string): boolean {
  return value.includes('$');
}

/** Empty text means "quantile 0.5"; anything else must be a number strictly between 0 and 1. */
export function parseQuantile(value: string): Parsed<number | undefined> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { value: undefined };
  }
  const quantile = Number(trimmed);
  return Number.isFinite(quantile) && quantile > 0 && quantile < 1
    ? { value: quantile }
    : { error: text.quantile.outOfRange };
}

/** Empty text means "0.65 of the variance"; anything else a share in (0, 1) or a whole number of components from 1 to 64. */
export function parseComponents(value: string): Parsed<number | undefined> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { value: undefined };
  }
  const components = Number(trimmed);
  const share = components > 0 && components < 1;
  const count = Number.isInteger(components) && components >= 1 && components <= 64;
  return share || count ? { value: components } : { error: text.components.outOfRange };
}

/** Empty text means "beta 1"; anything else must be a number above 0 and at most 1e6. */
export function parseBeta(value: string): Parsed<number | undefined> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { value: undefined };
  }
  const beta = Number(trimmed);
  return Number.isFinite(beta) && beta > 0 && beta <= 1e6 ? { value: beta } : { error: text.beta.outOfRange };
}

/** A comma-separated list (column names, classes), each once, spaces around entries and empty entries dropped; undefined when empty. */
export function parseCommaList(text: string): string[] | undefined {
  const entries = [...new Set(text.split(',').map((name) => name.trim()))].filter((name) => name !== '');
  return entries.length > 0 ? entries : undefined;
}

/** Empty text means "no threshold"; anything else must be a number in [0, 1]. */
export function parseThreshold(value: string): { threshold?: number; valid: boolean } {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { valid: true };
  }
  const threshold = Number(trimmed);
  return Number.isFinite(threshold) && threshold >= 0 && threshold <= 1 ? { threshold, valid: true } : { valid: false };
}

// The backend reads durations with the SDK's gtime.ParseDuration (pkg/query): a whole number of
// days or weeks, or a Go duration. It refuses months and years, which have no fixed length, and
// durations beyond what a Go duration holds (2^63 - 1 ns, about 292 years) rather than wrap them.
//
// Single-unit durations (7d, 12h, 30m, 500ms), the common case, are read with Grafana's own
// rangeUtil. Its reader matches only a prefix (1h30m would read as 1h, 1.5h as 1h) and does not
// know ns or us, so the whole text is checked against the backend's grammar first, and Go's
// compound and fractional forms are summed here.
const SINGLE_UNIT = /^\d+(ms|[smhdwMy])$/;
const GO_DURATION = /^\+?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const MAX_MS = 9223372036854.775807;
const MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

export type DurationProblem = 'invalid' | 'monthsOrYears' | 'tooLong';

/** Why the backend would refuse the text as a duration, or undefined if it reads it. */
export function durationProblem(value: string): DurationProblem | undefined {
  const trimmed = value.trim();
  let ms: number;
  if (SINGLE_UNIT.test(trimmed)) {
    const { type, count } = rangeUtil.describeInterval(trimmed);
    if (count > 0 && (type === 'M' || type === 'y')) {
      return 'monthsOrYears';
    }
    ms = rangeUtil.intervalToMs(trimmed);
  } else if (GO_DURATION.test(trimmed)) {
    ms = 0;
    for (const [, amount, unit] of trimmed.matchAll(GO_PART)) {
      ms += Number(amount) * MS[unit];
    }
  } else {
    return 'invalid';
  }
  if (!(ms > 0)) {
    return 'invalid';
  }
  return ms > MAX_MS ? 'tooLong' : undefined;
}

/** Whether the backend reads the text as a positive duration such as 7d, 12h or 1h30m. */
export function isDuration(value: string): boolean {
  return durationProblem(value) === undefined;
}

/** A duration's error message: `invalid` for text that is no duration, else what is wrong. */
function durationError(value: string, invalid: string): string | undefined {
  const problem = durationProblem(value);
  return problem === undefined ? undefined : problem === 'invalid' ? invalid : text.duration[problem];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Whether the text is an RFC 3339 time, as the backend requires for a fixed reference. */
export function isRfc3339(value: string): boolean {
  return RFC3339.test(value.trim()) && Number.isFinite(Date.parse(value.trim()));
}

export function parseBins(value: string): Parsed<number | string> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return {};
  }
  if ((BIN_RULES as readonly string[]).includes(trimmed)) {
    return { value: trimmed };
  }
  const bins = Number(trimmed);
  return Number.isInteger(bins) && bins >= DRIFT_BINS.min && bins <= DRIFT_BINS.max
    ? { value: bins }
    : { error: text.bins.outOfRange };
}

export function parseDriftThreshold(value: string): Parsed<number> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return {};
  }
  const threshold = Number(trimmed);
  return Number.isFinite(threshold) && threshold >= 0 ? { value: threshold } : { error: text.driftThreshold.invalid };
}

/** An interval is a duration or a $variable; empty means Grafana's interval. */
export function parseInterval(value: string): Parsed<string> {
  const trimmed = value.trim();
  if (trimmed === '') {
    return {};
  }
  const error = isVariable(trimmed) ? undefined : durationError(trimmed, text.interval.invalid);
  return error ? { error } : { value: trimmed };
}

/** A reference shift is a duration or a $variable. */
export function parseShift(value: string): Parsed<string> {
  const trimmed = value.trim();
  const error = isVariable(trimmed) ? undefined : durationError(trimmed, text.reference.invalidShift);
  return error ? { error } : { value: trimmed };
}

export function referenceError(reference: ReferenceWindow | undefined): string | undefined {
  if (reference?.type === 'shift') {
    return parseShift(reference.shift).error;
  }
  if (reference?.type === 'range') {
    if (!isRfc3339(reference.from) || !isRfc3339(reference.to)) {
      return text.reference.invalidTime;
    }
    return Date.parse(reference.from) < Date.parse(reference.to) ? undefined : text.reference.emptyRange;
  }
  return undefined;
}

export function filterComplete(filter: QueryFilter): boolean {
  const values = filter.values.filter((value) => value !== '');
  const multi = MULTI_VALUE_OPS.includes(filter.op);
  return filter.column !== '' && (multi ? values.length > 0 : values.length === 1);
}

/** The metrics a query computes: its metric names without their compareTo suffixes. */
function baseMetrics(query: ModelwatchQuery): string[] {
  const known = familyOf(query).metrics;
  return (query.metrics ?? []).map((name) => splitMetric(name, known).base);
}

function classificationErrors(query: ModelwatchQuery): Partial<Record<FamilyField, string>> {
  const metrics = baseMetrics(query);
  if (query.average) {
    if (!metrics.every((metric) => AVERAGED_METRICS.includes(metric))) {
      return { metrics: text.metricsWithAverage };
    }
    return multiclassScoreErrors(query, metrics);
  }
  const errors: Partial<Record<FamilyField, string>> = {};
  if (query.multiClass) {
    errors.multiClass = text.multiclassScores.needsAverage;
  }
  if (!query.positiveClass) {
    errors.positiveClass = text.positiveClass.required;
  }
  if (!query.positiveClass && metrics.some((metric) => SCORE_METRICS.includes(metric))) {
    errors.metrics = text.scoreMetricsNeedClass;
  }
  return errors;
}

function isUnweighted(metric: string): boolean {
  return (UNWEIGHTED_METRICS as readonly string[]).includes(metric);
}

/** What the backend refuses of the score metrics under a multiclass average (validateMulticlass). */
function multiclassScoreErrors(query: ModelwatchQuery, metrics: string[]): Partial<Record<FamilyField, string>> {
  const ranked = metrics.some((metric) => metric === 'roc_auc' || metric === 'average_precision');
  const scored = metrics.some((metric) => SCORE_METRICS.includes(metric));
  const errors: Partial<Record<FamilyField, string>> = {};
  if (ranked && query.average === 'micro') {
    errors.metrics = text.multiclassScores.micro;
  } else if (query.average === 'none' && metrics.some((metric) => metric === 'log_loss' || metric === 'brier')) {
    errors.metrics = text.multiclassScores.perClass;
  }
  if (scored && query.labels?.length) {
    errors.labels = text.multiclassScores.labels;
  }
  if (query.multiClass && !metrics.includes('roc_auc')) {
    errors.multiClass = text.multiclassScores.needsAuc;
  } else if (query.multiClass === 'ovo' && query.average === 'none') {
    errors.multiClass = text.multiclassScores.ovoPerClass;
  }
  return errors;
}

function comparisonErrors(query: ModelwatchQuery): Partial<Record<FamilyField, string>> {
  const errors: Partial<Record<FamilyField, string>> = {};
  // Versions are matched exactly; only an empty entry means "not set".
  const versions = (query.versions ?? []).filter((version) => version !== '');
  if (versions.length !== 2 || versions[0] === versions[1]) {
    errors.championChallenger = text.championChallengerError;
  }
  const compare = query.compare ?? '';
  if (COMPARE_NEEDS_POSITIVE_CLASS.includes(compare) && !query.positiveClass) {
    errors.compare = text.compare.needsPositiveClass;
  } else if (!(COMPARE_METRICS as readonly string[]).includes(compare)) {
    errors.compare = text.compare.tooltip;
  }
  return errors;
}

/**
 * What the backend would refuse in a saved query, by editor field. The editor shows each message
 * beside its field and does not run a query that has any.
 */
export function queryErrors(query: ModelwatchQuery): Partial<Record<FamilyField, string>> {
  const errors: Partial<Record<FamilyField, string>> = {};
  const type = query.queryType ?? 'classification';
  if (query.threshold !== undefined && !parseThreshold(String(query.threshold)).valid) {
    errors.threshold = text.threshold.outOfRange;
  }
  if (query.threshold !== undefined && !query.positiveClass) {
    errors.positiveClass = text.positiveClass.requiredWithThreshold;
  }
  if (type === 'classification') {
    Object.assign(errors, classificationErrors(query));
  }
  if (query.weight && query.multiClass === 'ovo') {
    errors.weight = text.weight.ovo;
  }
  if (query.weight && type === 'regression' && baseMetrics(query).some((metric) => isUnweighted(metric))) {
    errors.weight = text.weight.unweighted;
  }
  if (type === 'comparison') {
    Object.assign(errors, comparisonErrors(query));
  }
  if (type === 'estimation' && !query.positiveClass) {
    errors.positiveClass = text.positiveClass.requiredForEstimation;
  }
  if (
    type === 'operations' &&
    !query.column &&
    (query.metrics ?? []).some((metric) => COLUMN_METRICS.includes(metric))
  ) {
    errors.column = text.column.required;
  }
  // One named feature cannot be drifted together with others (a $variable may name several).
  const features = query.features ?? [];
  if (type === 'multivariate' && features.length === 1 && !features[0].includes('$')) {
    errors.features = text.features.multivariateNeedsTwo;
  }
  if (type === 'outcome' && !query.outcome) {
    errors.outcome = text.outcome.required;
  }
  const interval = query.interval === undefined ? undefined : parseInterval(query.interval).error;
  if (interval) {
    errors.interval = interval;
  }
  if (query.labels?.length && (!query.average || query.average === 'none')) {
    errors.labels = text.labels.needsAverage;
  }
  if (query.quantile !== undefined && parseQuantile(String(query.quantile)).error) {
    errors.quantile = text.quantile.outOfRange;
  }
  if (query.components !== undefined && parseComponents(String(query.components)).error) {
    errors.components = text.components.outOfRange;
  }
  if (query.beta !== undefined && parseBeta(String(query.beta)).error) {
    errors.beta = text.beta.outOfRange;
  }
  if (query.bins !== undefined && parseBins(String(query.bins)).error) {
    errors.bins = text.bins.outOfRange;
  }
  if (query.driftThreshold !== undefined && parseDriftThreshold(String(query.driftThreshold)).error) {
    errors.driftThreshold = text.driftThreshold.invalid;
  }
  const reference = referenceError(query.reference);
  if (reference) {
    errors.reference = reference;
  }
  const compareTo = query.compareTo ? referenceError(query.compareTo.reference) : undefined;
  if (compareTo) {
    errors.compareTo = compareTo;
  }
  const known = familyOf(query).metrics;
  if (!query.compareTo && !errors.metrics && (query.metrics ?? []).some((name) => splitMetric(name, known).suffix)) {
    errors.metrics = text.compareTo.needsCompareTo;
  }
  if ((query.filters ?? []).some((filter) => !filterComplete(filter))) {
    errors.filters = text.filters.incomplete;
  }
  // Only the fields the family shows can be fixed by the user; the others are never saved.
  const shown = new Set(familyOf(query).rows.flat());
  return Object.fromEntries(Object.entries(errors).filter(([field]) => shown.has(field as FamilyField)));
}
