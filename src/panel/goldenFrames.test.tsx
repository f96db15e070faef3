import React from 'react';

import '../test/uplotEnvironment';
import { render, screen, within } from '@testing-library/react';

import { labels } from '../labels';
import { selectors } from '../selectors';
import { goldenFrames, goldenFramesJSON, rawValues } from '../test/goldenFrames';
import { comparisonsFromFrames } from './data/comparison';
import { confusionMatricesFromFrames } from './data/confusion';
import { driftHistogramsFromFrames } from './data/drift';
import { estimationsFromFrames } from './data/estimation';
import { multivariateFromFrames } from './data/multivariate';
import { panelContent } from './views/panelContent';
import { DEFAULT_PANEL_OPTIONS } from './types';
import { ComparisonView } from './views/ComparisonView';
import { ConfusionMatrix, formatCount } from './views/ConfusionMatrix';
import { DriftHistograms } from './views/DriftHistograms';

// The panel draws the frames the Go backend produced for its queries on the demo store
// (testdata/frames/, written by pkg/plugin/frames_golden_test.go), so that a change of frame
// shape on either side fails a test. Edge cases the demo lacks stay in the factory-built tests.

describe('golden frames from the backend: confusion', () => {
  // Read from the JSON inside each test, so that a renamed field fails the tests, not the suite.
  const countOf = (version: string, a: string, p: string) => {
    const [json] = goldenFramesJSON('confusion');
    const versions = rawValues(json, 'version');
    const actual = rawValues(json, 'actual');
    const predicted = rawValues(json, 'predicted');
    const counts = rawValues(json, 'count') as number[];
    return counts.find((_, i) => versions[i] === version && actual[i] === a && predicted[i] === p) ?? 0;
  };

  it('builds one matrix per version with the counts of the frame', () => {
    const matrices = confusionMatricesFromFrames(goldenFrames('confusion'));
    expect(matrices.map((m) => m.version)).toEqual(['A', 'B']);
    for (const matrix of matrices) {
      expect(matrix.labels).toEqual(['churn', 'stay']);
      const cells = matrix.cells.flat().map((cell) => cell.count);
      const expected = matrix.labels.flatMap((a) => matrix.labels.map((p) => countOf(matrix.version!, a, p)));
      expect(cells).toEqual(expected);
      expect(matrix.total).toBe(expected.reduce((sum, c) => sum + c, 0));
    }
  });

  it('shows every count of the frame in the matrix cells', () => {
    const matrices = confusionMatricesFromFrames(goldenFrames('confusion'));
    render(
      <ConfusionMatrix matrices={matrices} options={{ normalize: 'row', showCounts: true }} width={800} height={600} />
    );
    const ids = selectors.panel.confusion;
    const drawn = screen.getAllByTestId(ids.matrix);
    expect(drawn).toHaveLength(2);
    drawn.forEach((matrix, i) => {
      const version = ['A', 'B'][i];
      expect(within(matrix).getByTestId(ids.title)).toHaveTextContent(`churn-classifier · ${version}`);
      const shown = within(matrix)
        .getAllByTestId(ids.count)
        .map((el) => el.textContent);
      expect(shown).toEqual([
        formatCount(countOf(version, 'churn', 'churn')),
        formatCount(countOf(version, 'churn', 'stay')),
        formatCount(countOf(version, 'stay', 'churn')),
        formatCount(countOf(version, 'stay', 'stay')),
      ]);
    });
  });
});

describe('golden frames from the backend: drift histogram', () => {
  const json = goldenFramesJSON('drift_histogram');
  const ids = selectors.panel.drift;
  const text = labels.panel.drift;

  it('reads every bin and the verdict of each feature', () => {
    const histograms = driftHistogramsFromFrames(goldenFrames('drift_histogram'));
    expect(histograms).toHaveLength(json.length);
    for (const frame of json) {
      const feature = frame.schema?.name;
      const histogram = histograms.find((h) => h.feature === feature)!;
      expect(histogram).toBeDefined();
      expect(histogram.bins.map((bin) => bin.label)).toEqual(rawValues(frame, 'bin'));
      expect(histogram.bins.map((bin) => bin.referenceCount)).toEqual(rawValues(frame, 'reference_count'));
      expect(histogram.bins.map((bin) => bin.currentCount)).toEqual(rawValues(frame, 'current_count'));
      const drifted = (frame.schema?.meta?.custom as { drifted: boolean }).drifted;
      expect(histogram.verdict).toBe(drifted ? 'drift' : 'no-drift');
    }
  });

  it('draws two bars per bin and heads each chart with its verdict', () => {
    const histograms = driftHistogramsFromFrames(goldenFrames('drift_histogram'));
    render(<DriftHistograms histograms={histograms} width={900} height={500} timeZone="utc" />);
    const charts = screen.getAllByTestId(ids.chart);
    expect(charts).toHaveLength(json.length);
    const byTitle = new Map(
      screen.getAllByTestId(ids.header).map((header, i) => [within(header).getByTestId(ids.title).textContent, i])
    );
    // The demo's ages shift older in the last week: age drifts, the plan mix does not.
    const expectations = [
      { title: 'age · v1', verdict: text.verdict.drift },
      { title: 'plan · v1', verdict: text.verdict.noDrift },
    ];
    for (const { title, verdict } of expectations) {
      const i = byTitle.get(title);
      expect(i).toBeDefined();
      const frame = json.find((f) => `${f.schema?.name} · v1` === title)!;
      const bins = rawValues(frame, 'bin').length;
      expect(within(charts[i!]).getAllByTestId(ids.bin)).toHaveLength(bins);
      expect(within(charts[i!]).getAllByTestId(ids.bar)).toHaveLength(2 * bins);
      expect(within(screen.getAllByTestId(ids.header)[i!]).getByTestId(ids.verdict)).toHaveTextContent(verdict);
    }
    // Ages below and above the reference's range are hatched; the plan's categories label the axis.
    expect(within(charts[byTitle.get('age · v1')!]).getAllByTestId(ids.outOfRange)).toHaveLength(2);
    const plan = charts[byTitle.get('plan · v1')!];
    expect(within(plan).queryAllByTestId(ids.outOfRange)).toHaveLength(0);
    expect(
      within(plan)
        .getAllByTestId(ids.tick)
        .map((tick) => tick.textContent)
    ).toEqual(['basic', 'plus', 'pro']);
  });
});

describe('golden frames from the backend: comparison', () => {
  const ids = selectors.panel.comparison;
  const text = labels.panel.comparison;
  const series = goldenFramesJSON('comparison_timeseries');
  const valuesOf = (output: string) => {
    const frame = series.find((f) => f.schema?.name === output);
    if (!frame) {
      throw new Error(`no ${output} frame in comparison_timeseries.json`);
    }
    return rawValues(frame, output) as Array<number | null>;
  };

  it('reads one comparison with every output of the time series frames', () => {
    const comparisons = comparisonsFromFrames(goldenFrames('comparison_timeseries'));
    expect(comparisons).toHaveLength(1);
    const [comparison] = comparisons;
    expect(comparison.compare).toBe('precision');
    expect([comparison.championVersion, comparison.challengerVersion]).toEqual(['A', 'B']);
    expect(comparison.times).toEqual(rawValues(series[0], 'time'));
    for (const output of ['champion', 'challenger', 'delta', 'ci_low', 'ci_high', 'p_value', 'challenger_better']) {
      expect(comparison.series[output as keyof typeof comparison.series]).toEqual(valuesOf(output));
    }
  });

  it('draws both versions with a legend and says the challenger is better', () => {
    const frames = [...goldenFrames('comparison_timeseries'), ...goldenFrames('comparison_numeric')];
    render(<ComparisonView comparisons={comparisonsFromFrames(frames)} width={800} height={500} timeZone="utc" />);
    // The chart's table (what screen readers get): a row per bucket, a column per version, a
    // value wherever the backend has one.
    const table = within(screen.getByTestId(ids.metricChart)).getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows[0]).toEqual(['Time', 'A (champion)', 'B (challenger)']);
    expect(rows).toHaveLength(valuesOf('champion').length + 1);
    const points = (output: string) => valuesOf(output).filter((v) => v !== null).length;
    expect(rows.slice(1).filter((row) => row[1] !== '-')).toHaveLength(points('champion'));
    expect(rows.slice(1).filter((row) => row[2] !== '-')).toHaveLength(points('challenger'));
    const legend = screen.getByTestId(ids.legend);
    expect(legend).toHaveTextContent('A (champion)');
    expect(legend).toHaveTextContent('B (challenger)');
    // The numeric frame summarises the whole range, where the retrained B leads.
    const summary = screen.getByTestId(ids.summary);
    expect(summary).toHaveTextContent('Precision · churn-classifier · B (challenger) vs A (champion)');
    expect(summary).toHaveTextContent(text.wholeRange);
    expect(within(summary).getByTestId(ids.verdict)).toHaveTextContent(text.verdict.better);
  });
});

describe('golden frames from the backend: estimation', () => {
  const ids = selectors.panel.estimation;
  const text = labels.panel.estimation;
  const json = goldenFramesJSON('estimation_timeseries');
  const valuesOf = (metric: string, output: string) => {
    const frame = json.find((f) => f.schema?.name === output && f.schema?.fields[1]?.labels?.metric === metric);
    if (!frame) {
      throw new Error(`no ${metric} ${output} frame in estimation_timeseries.json`);
    }
    return rawValues(frame, output) as Array<number | null>;
  };

  it('reads one model per estimated metric with its estimate, band and realized values', () => {
    const estimations = estimationsFromFrames(goldenFrames('estimation_timeseries'));
    expect(estimations.map((e) => e.metric)).toEqual(['f1', 'roc_auc']);
    for (const estimation of estimations) {
      expect(estimation.labels).toEqual({ model: 'churn-classifier', version: 'A' });
      expect(estimation.calibration).toBe('isotonic');
      expect(estimation.times).toEqual(rawValues(json[0], 'time'));
      for (const output of ['estimated', 'lower', 'upper', 'realized'] as const) {
        expect(estimation.series[output]).toEqual(valuesOf(estimation.metric, output));
      }
    }
  });

  it('is the view auto picks, with a block, a legend and a chart per metric', () => {
    const { view, element } = panelContent({
      series: goldenFrames('estimation_timeseries'),
      options: DEFAULT_PANEL_OPTIONS,
      width: 800,
      height: 600,
      timeZone: 'utc',
    });
    expect(view).toBe('estimation');
    render(element!);
    const blocks = screen.getAllByTestId(ids.block);
    expect(blocks).toHaveLength(2);
    const summary = within(blocks[0]).getByTestId(ids.summary);
    expect(summary).toHaveTextContent('F1 · churn-classifier · A');
    expect(summary).toHaveTextContent(text.lastEstimate);
    expect(summary).toHaveTextContent('calibration isotonic');
    const legend = within(blocks[0]).getByTestId(ids.legend);
    for (const name of [text.estimated, text.band, text.realized]) {
      expect(legend).toHaveTextContent(name);
    }
    // The chart's table (what screen readers get): a row per bucket, the estimate and the
    // realized value wherever the backend has one.
    const table = within(within(blocks[0]).getByTestId(ids.chart)).getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows[0]).toEqual(['Time', text.estimated, text.realized, text.band]);
    expect(rows).toHaveLength(valuesOf('f1', 'estimated').length + 1);
    expect(rows.slice(1).filter((row) => row[2] !== '-')).toHaveLength(
      valuesOf('f1', 'realized').filter((v) => v !== null).length
    );
  });

  it('says which query to write when the frames hold no estimation', () => {
    const { view, element } = panelContent({
      series: goldenFrames('confusion'),
      options: { ...DEFAULT_PANEL_OPTIONS, view: 'estimation' },
      width: 800,
      height: 600,
    });
    expect(view).toBe('estimation');
    expect(element).toBeUndefined();
  });
});

describe('golden frames from the backend: multivariate drift', () => {
  const ids = selectors.panel.multivariate;
  const text = labels.panel.multivariate;
  const json = goldenFramesJSON('multivariate_timeseries');
  const valuesOf = (version: string, output: string) => {
    const frame = json.find((f) => f.schema?.name === output && f.schema?.fields[1]?.labels?.version === version);
    if (!frame) {
      throw new Error(`no ${version} ${output} frame in multivariate_timeseries.json`);
    }
    return rawValues(frame, output) as Array<number | null>;
  };

  it('reads one model per version with its error, band, thresholds and verdicts', () => {
    const models = multivariateFromFrames(goldenFrames('multivariate_timeseries'));
    expect(models.map((m) => m.labels.version)).toEqual(['A', 'B']);
    for (const model of models) {
      const version = model.labels.version;
      expect(model.labels).toEqual({ model: 'churn-classifier', version });
      expect(model.features).toEqual(['age', 'tenure_months', 'plan', 'country', 'is_mobile']);
      expect(model.components).toBeGreaterThan(0);
      expect(model.explainedVariance).toBeGreaterThanOrEqual(0.65);
      expect(model.times).toEqual(rawValues(json[0], 'time'));
      for (const output of ['reconstruction_error', 'lower', 'upper', 'threshold_lower', 'threshold_upper'] as const) {
        expect(model.series[output]).toEqual(valuesOf(version, output));
      }
      expect(model.driftedBuckets).toBe(valuesOf(version, 'drifted').filter((v) => v === 1).length);
    }
  });

  it('tells the drifted buckets as the backend does when the query left the drifted output out', () => {
    // The default outputs (a dashboard's query without metrics) have no drifted series.
    const frames = goldenFrames('multivariate_timeseries').filter((frame) => frame.name !== 'drifted');
    const models = multivariateFromFrames(frames);
    expect(models.map((m) => m.labels.version)).toEqual(['A', 'B']);
    for (const model of models) {
      expect(model.series.drifted).toEqual(valuesOf(model.labels.version, 'drifted'));
      expect(model.driftedBuckets).toBe(valuesOf(model.labels.version, 'drifted').filter((v) => v === 1).length);
    }
  });

  it('is the view auto picks, with a verdict, a legend and a chart per version', () => {
    const { view, element } = panelContent({
      series: goldenFrames('multivariate_timeseries'),
      options: DEFAULT_PANEL_OPTIONS,
      width: 800,
      height: 600,
      timeZone: 'utc',
    });
    expect(view).toBe('multivariate');
    render(element!);
    const blocks = screen.getAllByTestId(ids.block);
    expect(blocks).toHaveLength(2);
    const summary = within(blocks[0]).getByTestId(ids.summary);
    expect(summary).toHaveTextContent('churn-classifier · A');
    expect(summary).toHaveTextContent(text.lastError);
    expect(summary).toHaveTextContent(`5 ${text.features}`);
    // The demo's signups grow older in its last week: A's last day is outside the thresholds.
    const last = valuesOf('A', 'drifted').at(-1);
    expect(last).toBe(1);
    expect(within(summary).getByTestId(ids.verdict)).toHaveTextContent(text.drifted);
    const legend = within(blocks[0]).getByTestId(ids.legend);
    for (const name of [text.error, text.band, text.thresholds]) {
      expect(legend).toHaveTextContent(name);
    }
    // The chart's table (what screen readers get): a row per bucket with the error.
    const table = within(within(blocks[0]).getByTestId(ids.chart)).getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows[0]).toEqual(['Time', text.error, text.thresholdUpper, text.thresholdLower, text.band]);
    expect(rows).toHaveLength(valuesOf('A', 'reconstruction_error').length + 1);
  });

  it('says which query to write when the frames hold no multivariate drift', () => {
    const { view, element } = panelContent({
      series: goldenFrames('estimation_timeseries'),
      options: { ...DEFAULT_PANEL_OPTIONS, view: 'multivariate' },
      width: 800,
      height: 600,
    });
    expect(view).toBe('multivariate');
    expect(element).toBeUndefined();
  });
});
