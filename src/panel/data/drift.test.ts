import { readFileSync } from 'fs';
import path from 'path';
import { dataFrameFromJSON, toDataFrame, type DataFrameJSON } from '@grafana/data';

import { AGE_DRIFTED, driftFrame, PLAN_STABLE, TENURE_UNDEFINED } from '../../test/panelFrames';
import { driftHistogramFromFrame, driftHistogramsFromFrames, driftSeverity, sortByDrift } from './drift';

describe('driftHistogramFromFrame', () => {
  const age = driftHistogramFromFrame(driftFrame(AGE_DRIFTED))!;

  it('reads bins, kinds, edges, counts and shares', () => {
    expect(age.bins.map((bin) => bin.kind)).toEqual(['underflow', 'bin', 'bin', 'bin', 'overflow']);
    expect(age.bins.map((bin) => bin.label)).toEqual(['< 0', '[0, 10)', '[10, 20)', '[20, 30]', '> 30']);
    expect(age.bins[1]).toMatchObject({ lower: 0, upper: 10, referenceCount: 50, currentCount: 10 });
    expect(age.bins[1].reference).toBeCloseTo(0.5, 12);
    expect(age.bins[1].current).toBeCloseTo(0.1, 12);
    expect(age.bins[4].current).toBeCloseTo(0.1, 12);
    expect(age.bins.map((bin) => bin.outsideReference)).toEqual([true, false, false, false, true]);
    expect(age.maxShare).toBeCloseTo(0.5, 12);
    expect(age.categorical).toBe(false);
  });

  it('reads the result from meta.custom', () => {
    expect(age).toMatchObject({
      title: 'age · v2',
      feature: 'age',
      model: 'basket-forecaster',
      version: 'v2',
      method: 'wasserstein',
      score: 1.46,
      scoreKind: 'distance',
      threshold: 0.1,
      verdict: 'drift',
      reason: undefined,
    });
  });

  it('marks unseen categories and categorical features', () => {
    const plan = driftHistogramFromFrame(driftFrame(PLAN_STABLE))!;
    expect(plan.categorical).toBe(true);
    expect(plan.bins.map((bin) => bin.outsideReference)).toEqual([false, false, true]);
    expect(plan.verdict).toBe('no-drift');
    expect(plan.scoreKind).toBe('p_value');
    expect(plan.pValue).toBe(0.42);
  });

  it('keeps an undefined score with its reason and null shares for an empty window', () => {
    const tenure = driftHistogramFromFrame(driftFrame(TENURE_UNDEFINED))!;
    expect(tenure.score).toBeNull();
    expect(tenure.verdict).toBe('undefined');
    expect(tenure.reason).toBe('no non-null values in the current window');
    expect(tenure.bins.every((bin) => bin.current === null)).toBe(true);
    expect(tenure.bins[1].reference).toBeCloseTo(1 / 3, 12);
  });

  it('computes shares from counts when a frame carries counts only', () => {
    const frame = toDataFrame({
      meta: { custom: { kind: 'drift-histogram', feature: 'x', method: 'psi', score: 0.2, drifted: true } },
      fields: [
        { name: 'bin', values: ['a', 'b'] },
        { name: 'reference', values: [null, null] },
        { name: 'current', values: [null, null] },
        { name: 'reference_count', values: [1, 3] },
        { name: 'current_count', values: [0, 0] },
      ],
    });
    const histogram = driftHistogramFromFrame(frame)!;
    expect(histogram.bins.map((bin) => bin.reference)).toEqual([0.25, 0.75]);
    expect(histogram.bins.map((bin) => bin.current)).toEqual([null, null]);
  });

  it('refuses a frame without bins or shares', () => {
    expect(driftHistogramFromFrame(toDataFrame({ fields: [{ name: 'score', values: [1] }] }))).toBeUndefined();
  });
});

describe('sorting by drift', () => {
  const histogram = (feature: string, scoreKind: 'p_value' | 'distance', score: number | null, threshold: number) =>
    driftHistogramFromFrame(
      driftFrame({ feature, scoreKind, score, threshold, bins: [{ bin: 'a', referenceCount: 1, currentCount: 1 }] })
    )!;

  it('puts low p-values first within p-value methods', () => {
    const sorted = sortByDrift([
      histogram('p1', 'p_value', 0.3, 0.05),
      histogram('p2', 'p_value', 0.1, 0.05),
      histogram('p3', 'p_value', 0.01, 0.05),
      histogram('p4', 'p_value', 0.001, 0.05),
    ]);
    expect(sorted.map((h) => h.feature)).toEqual(['p4', 'p3', 'p2', 'p1']);
  });

  it('puts large distances first within distance methods', () => {
    const sorted = sortByDrift([
      histogram('d1', 'distance', 0.02, 0.1),
      histogram('d2', 'distance', 0.05, 0.1),
      histogram('d3', 'distance', 0.2, 0.1),
      histogram('d4', 'distance', 0.5, 0.1),
    ]);
    expect(sorted.map((h) => h.feature)).toEqual(['d4', 'd3', 'd2', 'd1']);
  });

  it('puts drifted features of either kind before the others and undefined scores last', () => {
    const sorted = sortByDrift([
      histogram('undefined', 'distance', null, 0.1),
      histogram('stable-distance', 'distance', 0.09, 0.1),
      histogram('drifted-p', 'p_value', 0.01, 0.05),
      histogram('stable-p', 'p_value', 0.5, 0.05),
      histogram('drifted-distance', 'distance', 0.8, 0.1),
    ]);
    expect(sorted.map((h) => h.feature)).toEqual([
      'drifted-distance',
      'drifted-p',
      'stable-distance',
      'stable-p',
      'undefined',
    ]);
  });

  it('measures severity against the threshold on one scale', () => {
    expect(driftSeverity({ score: 0.01, scoreKind: 'p_value', threshold: 0.05 })).toBeCloseTo(5, 12);
    expect(driftSeverity({ score: 0, scoreKind: 'p_value', threshold: 0.05 })).toBe(Number.POSITIVE_INFINITY);
    expect(driftSeverity({ score: 0.3, scoreKind: 'distance', threshold: 0.1 })).toBeCloseTo(3, 12);
    expect(driftSeverity({ score: null, scoreKind: 'distance', threshold: 0.1 })).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('driftHistogramsFromFrames', () => {
  it('skips frames of other kinds and sorts the rest', () => {
    const other = toDataFrame({ meta: { custom: { kind: 'confusion' } }, fields: [{ name: 'bin', values: ['a'] }] });
    const histograms = driftHistogramsFromFrames([
      driftFrame(TENURE_UNDEFINED),
      other,
      driftFrame(PLAN_STABLE),
      driftFrame(AGE_DRIFTED),
    ]);
    expect(histograms.map((h) => h.title)).toEqual(['age · v2', 'plan · v2', 'tenure_months · v1']);
    expect(new Set(histograms.map((h) => h.key)).size).toBe(3);
  });

  it('reads real backend output (tests/browser/fixtures/drift.json)', () => {
    const file = path.resolve(__dirname, '../../../tests/browser/fixtures/drift.json');
    const body = JSON.parse(readFileSync(file, 'utf8')) as { frames: DataFrameJSON[] };
    const histograms = driftHistogramsFromFrames(body.frames.map((frame) => dataFrameFromJSON(frame)));
    expect(histograms).toHaveLength(body.frames.length);
    expect(histograms[0]).toMatchObject({ feature: 'age', version: 'v2', verdict: 'drift', categorical: false });
    expect(histograms[0].bins[0].kind).toBe('underflow');
    expect(histograms[histograms.length - 1].verdict).toBe('undefined');
    const plan = histograms.find((h) => h.feature === 'plan' && h.version === 'v2')!;
    expect(plan.categorical).toBe(true);
    const shares = plan.bins.reduce((sum, bin) => sum + (bin.current ?? 0), 0);
    expect(shares).toBeCloseTo(1, 9);
  });
});
