import { readFileSync } from 'fs';
import path from 'path';
import { dataFrameFromJSON, toDataFrame, type DataFrameJSON } from '@grafana/data';

import {
  comparisonFrames,
  comparisonNumericJSON,
  PRECISION_AB,
  PRECISION_AB_WHOLE_RANGE,
} from '../../test/panelFrames';
import { comparisonsFromFrames, comparisonVerdict, definedRuns, summaryFromSeries } from './comparison';

const DAY = 24 * 60 * 60 * 1000;

describe('comparisonsFromFrames', () => {
  it('joins the per-output frames of one pair into one model on the same buckets', () => {
    const [comparison] = comparisonsFromFrames(comparisonFrames(PRECISION_AB));
    expect(comparison).toMatchObject({
      title: 'churn-classifier',
      model: 'churn-classifier',
      compare: 'precision',
      championVersion: 'A',
      challengerVersion: 'B',
      test: 'two_proportion_z',
    });
    expect(comparison.times).toHaveLength(5);
    expect(comparison.times[1] - comparison.times[0]).toBe(DAY);
    expect(comparison.series.champion).toEqual(PRECISION_AB.series.champion);
    expect(comparison.series.ci_low).toEqual(PRECISION_AB.series.ci_low);
    expect(comparison.series.ci_high).toEqual(PRECISION_AB.series.ci_high);
  });

  it('summarises from the last bucket with a delta when there is no numeric frame', () => {
    const [comparison] = comparisonsFromFrames(comparisonFrames(PRECISION_AB));
    expect(comparison.summary).toEqual({
      champion: 0.6,
      challenger: 0.74,
      delta: 0.14,
      ciLow: 0.09,
      ciHigh: 0.19,
      pValue: 0.0001,
      verdict: 'better',
      source: 'timeseries',
      time: comparison.times[3],
    });
  });

  it('gives no verdict, rather than "not enough data", when the query left out what it reads', () => {
    // The outputs of the drift dashboard's query: no p_value, no challenger_better.
    const frames = comparisonFrames(PRECISION_AB).filter((frame) =>
      frame.fields.every((field) => field.name !== 'p_value' && field.name !== 'challenger_better')
    );
    const [comparison] = comparisonsFromFrames(frames);
    expect(comparison.summary).toMatchObject({ delta: 0.14, pValue: null, verdict: 'unasked' });
  });

  it('summarises from the numeric frame of the same pair when a second query gives one', () => {
    const numeric = dataFrameFromJSON(comparisonNumericJSON(PRECISION_AB_WHOLE_RANGE));
    const comparisons = comparisonsFromFrames([...comparisonFrames(PRECISION_AB), numeric]);
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0].summary).toMatchObject({
      delta: 0.2096,
      pValue: 4.2e-105,
      verdict: 'better',
      source: 'numeric',
    });
    expect(comparisons[0].times).toHaveLength(5);
  });

  it('gives a summary without lines for a numeric frame alone', () => {
    const numeric = dataFrameFromJSON(comparisonNumericJSON(PRECISION_AB_WHOLE_RANGE));
    const [comparison] = comparisonsFromFrames([numeric]);
    expect(comparison.times).toEqual([]);
    expect(comparison.summary.source).toBe('numeric');
    expect(comparison.championVersion).toBe('A');
  });

  it('keeps one model per pair and ignores frames of other kinds', () => {
    const other = toDataFrame({ fields: [{ name: 'delta', values: [1] }] });
    const cd = { ...PRECISION_AB, champion: 'C', challenger: 'D' };
    const comparisons = comparisonsFromFrames([...comparisonFrames(PRECISION_AB), other, ...comparisonFrames(cd)]);
    expect(comparisons.map((c) => `${c.championVersion}/${c.challengerVersion}`)).toEqual(['A/B', 'C/D']);
  });

  it('reads real backend output (tests/browser/fixtures/comparison*.json)', () => {
    const read = (name: string) =>
      (
        JSON.parse(readFileSync(path.resolve(__dirname, '../../../tests/browser/fixtures', name), 'utf8')) as {
          frames: DataFrameJSON[];
        }
      ).frames.map((frame) => dataFrameFromJSON(frame));
    const [comparison] = comparisonsFromFrames([...read('comparison.json'), ...read('comparison-numeric.json')]);
    expect(comparison.compare).toBe('precision');
    expect(comparison.times.length).toBeGreaterThan(7);
    expect(comparison.summary.source).toBe('numeric');
    expect(comparison.summary.verdict).toBe('better');
    const { ci_low: low, ci_high: high, delta } = comparison.series;
    delta.forEach((d, i) => {
      if (d !== null) {
        expect(low[i]!).toBeLessThanOrEqual(d);
        expect(high[i]!).toBeGreaterThanOrEqual(d);
      }
    });
  });
});

describe('comparisonVerdict', () => {
  it('needs the backend flag for better and a significant delta for worse', () => {
    expect(comparisonVerdict(1, 0.001, 0.1)).toBe('better');
    expect(comparisonVerdict(0, 0.001, -0.1)).toBe('worse');
    expect(comparisonVerdict(0, 0.3, 0.05)).toBe('same');
    expect(comparisonVerdict(null, null, null)).toBe('unknown');
    expect(comparisonVerdict(0, null, null)).toBe('unknown');
  });
});

describe('summaryFromSeries', () => {
  it('is all null when no bucket has a delta', () => {
    const series = comparisonsFromFrames(comparisonFrames(PRECISION_AB))[0].series;
    const empty = { ...series, delta: series.delta.map(() => null) };
    const summary = summaryFromSeries([1, 2, 3, 4, 5], empty);
    expect(summary).toMatchObject({ delta: null, pValue: null, verdict: 'unknown', time: undefined });
  });
});

describe('definedRuns', () => {
  it('splits at nulls, optionally of a second series too', () => {
    expect(definedRuns([null, 1, 2, null, 3])).toEqual([
      [1, 2],
      [4, 4],
    ]);
    expect(definedRuns([1, 2, 3], [1, null, 3])).toEqual([
      [0, 0],
      [2, 2],
    ]);
    expect(definedRuns([])).toEqual([]);
  });
});
