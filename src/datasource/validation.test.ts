import { labels } from '../labels';
import type { ModelwatchQuery } from './types';
import { isDuration, isRfc3339, parseBins, parseDriftThreshold, parseThreshold, queryErrors } from './validation';

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
  it.each(['7d', '12h', '30m', '45s', '2w', '1h30m', '1.5h', ' 14d '])('%p is a duration', (value) => {
    expect(isDuration(value)).toBe(true);
  });
  it.each(['', '0d', '0s', '-1d', '1.5d', 'd', '7 days', 'a week', '1x'])('%p is not', (value) => {
    expect(isDuration(value)).toBe(false);
  });
  // Regression: the backend refuses durations that overflow Go's (about 292 years); the editor
  // accepted them and the query failed only when run.
  it.each(['106751d', '15250w', '2562047h', '9223372036s'])('%p is the longest the backend holds', (value) => {
    expect(isDuration(value)).toBe(true);
  });
  it.each(['106752d', '15251w', '9999999999999999d', '2562048h', '9223372037s', '2562047h60m'])(
    '%p is too long',
    (value) => {
      expect(isDuration(value)).toBe(false);
    }
  );
  it.each(['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.5+02:00'])('%p is RFC 3339', (value) => {
    expect(isRfc3339(value)).toBe(true);
  });
  it.each(['2026-03-01', '2026-03-01 00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday'])('%p is not', (value) => {
    expect(isRfc3339(value)).toBe(false);
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
      'an average with a metric it does not apply to',
      { ...base, queryType: 'classification', average: 'macro', metrics: ['mcc'] },
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
    ['fields the family does not read', { ...base, queryType: 'regression', bins: 1, threshold: 3 }, {}],
  ])('%s', (_, query, expected) => {
    expect(queryErrors(query)).toEqual(expected);
  });
});
