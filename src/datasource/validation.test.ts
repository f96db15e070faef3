import { labels } from '../labels';
import type { ModelwatchQuery } from './types';
import {
  durationProblem,
  isDuration,
  isRfc3339,
  parseBins,
  parseDriftThreshold,
  parseInterval,
  parseShift,
  parseThreshold,
  queryErrors,
} from './validation';

const text = labels.query;

describe('parseThreshold', () => {
  it.each([
    ['', { valid: true }],
    ['0', { valid: true, threshold: 0 }],
    ['1', { valid: true, threshold: 1 }],
    ['0.35', { valid: true, threshold: 0.35 }],
    ['-0.1', { valid: false }],
    ['1.01', { valid: false }],
    ['abc', { valid: false }],
  ])('%p', (input, expected) => {
    expect(parseThreshold(input)).toEqual(expected);
  });
});

describe('durations and times', () => {
  // What the backend's ParseDuration (gtime) reads: single units through Grafana's rangeUtil,
  // Go's compound and fractional forms, and Go's sub-millisecond units.
  it.each([
    '7d',
    '12h',
    '30m',
    '45s',
    '2w',
    '500ms',
    '1h30m',
    '1.5h',
    '.5h',
    '250us',
    '100ns',
    '5µs',
    '5μs',
    '+1h',
    '1.h',
    ' 14d ',
    '007d',
  ])('%p is a duration', (value) => {
    expect(isDuration(value)).toBe(true);
  });
  it.each(['', '0d', '0s', '0h0m', '-1d', '-1h', '1.5d', '+1d', 'd', '7 days', 'a week', '1h 30m', '30d5h'])(
    '%p is not',
    (value) => {
      expect(durationProblem(value)).toBe('invalid');
    }
  );
  // Units the backend does not know, some of them Grafana's elsewhere (1D, 1Y in date-fns).
  it.each(['1x', '1D', '1W', '1Y', '1H', '5min', '1sec'])('%p is an unknown unit', (value) => {
    expect(durationProblem(value)).toBe('invalid');
  });
  // Regression: rangeUtil reads months and years (1M, 1y) but the backend refuses them: a month
  // has no fixed length. The editor must say so rather than save a query that fails when run.
  it.each(['1M', '6M', '1y', '2y'])('%p is refused for months or years', (value) => {
    expect(durationProblem(value)).toBe('monthsOrYears');
  });
  // Regression: the backend refuses durations that overflow Go's (about 292 years); the editor
  // accepted them and the query failed only when run.
  it.each(['106751d', '15250w', '2562047h', '9223372036s'])('%p is the longest the backend holds', (value) => {
    expect(isDuration(value)).toBe(true);
  });
  it.each(['106752d', '15251w', '9999999999999999d', '2562048h', '9223372037s', '2562047h60m'])(
    '%p is too long',
    (value) => {
      expect(durationProblem(value)).toBe('tooLong');
    }
  );
  it.each(['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.5+02:00'])('%p is RFC 3339', (value) => {
    expect(isRfc3339(value)).toBe(true);
  });
  it.each(['2026-03-01', '2026-03-01 00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday'])('%p is not', (value) => {
    expect(isRfc3339(value)).toBe(false);
  });
});

describe('interval and shift', () => {
  it.each([
    ['', {}],
    ['1h', { value: '1h' }],
    [' 1d ', { value: '1d' }],
    ['$__interval', { value: '$__interval' }],
    ['${bucket}', { value: '${bucket}' }],
    ['hourly', { error: text.interval.invalid }],
    ['1x', { error: text.interval.invalid }],
    ['1M', { error: text.duration.monthsOrYears }],
    ['1y', { error: text.duration.monthsOrYears }],
    ['106752d', { error: text.duration.tooLong }],
  ])('interval %p', (input, expected) => {
    expect(parseInterval(input)).toEqual(expected);
  });
  it.each([
    ['7d', { value: '7d' }],
    ['$shift', { value: '$shift' }],
    ['a week', { error: text.reference.invalidShift }],
    ['', { error: text.reference.invalidShift }],
    ['1M', { error: text.duration.monthsOrYears }],
    ['15251w', { error: text.duration.tooLong }],
  ])('shift %p', (input, expected) => {
    expect(parseShift(input)).toEqual(expected);
  });
});

describe('bins and drift threshold', () => {
  it.each([
    ['', {}],
    ['2', { value: 2 }],
    ['1000', { value: 1000 }],
    ['1', { error: text.bins.outOfRange }],
    ['1001', { error: text.bins.outOfRange }],
    ['2.5', { error: text.bins.outOfRange }],
  ])('bins %p', (input, expected) => {
    expect(parseBins(input)).toEqual(expected);
  });
  it.each([
    ['0', { value: 0 }],
    ['0.2', { value: 0.2 }],
    ['-1', { error: text.driftThreshold.invalid }],
  ])('drift threshold %p', (input, expected) => {
    expect(parseDriftThreshold(input)).toEqual(expected);
  });
});

describe('queryErrors', () => {
  const base = { refId: 'A', schemaVersion: 1, model: 'm' };
  it.each<[string, ModelwatchQuery, Record<string, string>]>([
    [
      'classification without a positive class',
      { ...base, queryType: 'classification' },
      { positiveClass: text.positiveClass.required },
    ],
    ['classification averaged', { ...base, queryType: 'classification', average: 'macro', metrics: ['f1'] }, {}],
    [
      'multivariate drift of one feature',
      { ...base, queryType: 'multivariate', features: ['age'] },
      { features: text.features.multivariateNeedsTwo },
    ],
    ['multivariate drift of two features', { ...base, queryType: 'multivariate', features: ['age', 'plan'] }, {}],
    ['multivariate drift of every input', { ...base, queryType: 'multivariate', features: [] }, {}],
    ['multivariate drift of a variable', { ...base, queryType: 'multivariate', features: ['$features'] }, {}],
    ['drift of one feature', { ...base, queryType: 'drift', features: ['age'] }, {}],
    [
      'classification averaged over classes, F-beta at beta 2 and the MCC',
      { ...base, queryType: 'classification', average: 'micro', labels: ['cat'], beta: 2, metrics: ['fbeta', 'mcc'] },
      {},
    ],
    [
      'classes without an average',
      { ...base, queryType: 'classification', positiveClass: 'cat', labels: ['cat'] },
      { labels: labels.query.labels.needsAverage },
    ],
    [
      'a beta of 0',
      { ...base, queryType: 'classification', positiveClass: 'cat', beta: 0, metrics: ['fbeta'] },
      { beta: labels.query.beta.outOfRange },
    ],
    [
      'a change of a metric without compareTo',
      { ...base, queryType: 'regression', metrics: ['mae', 'mae_change'] },
      { metrics: text.compareTo.needsCompareTo },
    ],
    [
      'a change with compareTo',
      { ...base, queryType: 'regression', metrics: ['mae_change'], compareTo: { reference: { type: 'previous' } } },
      {},
    ],
    [
      'an averaged change with compareTo',
      {
        ...base,
        queryType: 'classification',
        average: 'macro',
        metrics: ['f1_reference'],
        compareTo: { reference: { type: 'shift', shift: '7d' } },
      },
      {},
    ],
    [
      'a compareTo range that ends before it starts',
      {
        ...base,
        queryType: 'operations',
        compareTo: { reference: { type: 'range', from: '2026-03-08T00:00:00Z', to: '2026-03-01T00:00:00Z' } },
      },
      { compareTo: text.reference.emptyRange },
    ],
    [
      'multiclass ROC AUC one-vs-one with the other score metrics',
      {
        ...base,
        queryType: 'classification',
        average: 'weighted',
        multiClass: 'ovo',
        metrics: ['roc_auc', 'average_precision', 'log_loss', 'brier'],
      },
      {},
    ],
    [
      'per-class ROC AUC and average precision',
      { ...base, queryType: 'classification', average: 'none', metrics: ['roc_auc', 'average_precision'] },
      {},
    ],
    [
      'micro-averaged ROC AUC',
      { ...base, queryType: 'classification', average: 'micro', metrics: ['roc_auc'] },
      { metrics: text.multiclassScores.micro },
    ],
    [
      'per-class log loss',
      { ...base, queryType: 'classification', average: 'none', metrics: ['log_loss'] },
      { metrics: text.multiclassScores.perClass },
    ],
    [
      'classes with the score metrics',
      { ...base, queryType: 'classification', average: 'macro', labels: ['cat'], metrics: ['brier'] },
      { labels: text.multiclassScores.labels },
    ],
    [
      'a multiclass scheme without ROC AUC',
      { ...base, queryType: 'classification', average: 'macro', multiClass: 'ovr', metrics: ['f1'] },
      { multiClass: text.multiclassScores.needsAuc },
    ],
    [
      'one-vs-one per class',
      { ...base, queryType: 'classification', average: 'none', multiClass: 'ovo', metrics: ['roc_auc'] },
      { multiClass: text.multiclassScores.ovoPerClass },
    ],
    [
      'a multiclass scheme without an average',
      { ...base, queryType: 'classification', positiveClass: 'cat', multiClass: 'ovo', metrics: ['roc_auc'] },
      { multiClass: text.multiclassScores.needsAverage },
    ],
    [
      'weighted classification and regression',
      { ...base, queryType: 'regression', weight: 'w', metrics: ['mae', 'r2'] },
      {},
    ],
    [
      'a weighted error quantile',
      { ...base, queryType: 'regression', weight: 'w', metrics: ['mae', 'error_p90'] },
      { weight: text.weight.unweighted },
    ],
    [
      'weighted one-vs-one ROC AUC',
      { ...base, queryType: 'classification', average: 'macro', multiClass: 'ovo', weight: 'w', metrics: ['roc_auc'] },
      { weight: text.weight.ovo },
    ],
    [
      'score metrics without a positive class or an average',
      { ...base, queryType: 'classification', metrics: ['roc_auc'] },
      { positiveClass: text.positiveClass.required, metrics: text.scoreMetricsNeedClass },
    ],
    [
      'an average with a metric it does not apply to',
      { ...base, queryType: 'classification', average: 'macro', metrics: ['specificity'] },
      { metrics: text.metricsWithAverage },
    ],
    [
      'a confusion threshold without a positive class',
      { ...base, queryType: 'confusion', threshold: 0.5 },
      { positiveClass: text.positiveClass.requiredWithThreshold },
    ],
    [
      'a comparison of one version twice',
      { ...base, queryType: 'comparison', versions: ['A', 'A'], compare: 'mae' },
      { championChallenger: text.championChallengerError },
    ],
    // Versions are matched exactly: a version named by a space is a version, not "not set".
    [
      'a comparison of a version named by a space',
      { ...base, queryType: 'comparison', versions: ['A', ' '], compare: 'mae' },
      {},
    ],
    [
      'a comparison with an empty version',
      { ...base, queryType: 'comparison', versions: ['A', ''], compare: 'mae' },
      { championChallenger: text.championChallengerError },
    ],
    [
      'a comparison of recall without a positive class',
      { ...base, queryType: 'comparison', versions: ['A', 'B'], compare: 'recall' },
      { compare: text.compare.needsPositiveClass },
    ],
    [
      'an incomplete filter',
      { ...base, queryType: 'regression', filters: [{ column: 'country', op: 'in', values: [] }] },
      { filters: text.filters.incomplete },
    ],
    [
      'a reference range that ends before it starts',
      {
        ...base,
        queryType: 'drift',
        reference: { type: 'range', from: '2026-02-08T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      },
      { reference: text.reference.emptyRange },
    ],
    [
      'a reference shift as a variable',
      { ...base, queryType: 'quality', reference: { type: 'shift', shift: '$shift' } },
      {},
    ],
    [
      'a reference shift in months',
      { ...base, queryType: 'drift', reference: { type: 'shift', shift: '1M' } },
      { reference: text.duration.monthsOrYears },
    ],
    [
      'an interval in years',
      { ...base, queryType: 'regression', interval: '1y' },
      { interval: text.duration.monthsOrYears },
    ],
    [
      'an interval that is not a duration',
      { ...base, queryType: 'regression', interval: '1x' },
      { interval: text.interval.invalid },
    ],
    ['an interval as a variable', { ...base, queryType: 'regression', interval: '$__interval' }, {}],
    ['fields the family does not read', { ...base, queryType: 'regression', bins: 1, threshold: 3 }, {}],
  ])('%s', (_, query, expected) => {
    expect(queryErrors(query)).toEqual(expected);
  });
});
