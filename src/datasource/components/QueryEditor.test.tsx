import { cleanup, fireEvent, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchQuery, QueryType } from '../types';
import { choose, fieldLabels, openMenu, renderEditor } from './testUtils';

const text = labels.query;

const base = { refId: 'A', schemaVersion: 1, model: 'churn-classifier' };

const classification: ModelwatchQuery = {
  ...base,
  queryType: 'classification',
  versions: ['A'],
  metrics: ['precision'],
  positiveClass: 'churn',
  format: 'timeseries',
};

const confusion: ModelwatchQuery = { ...base, queryType: 'confusion', versions: ['A'] };

// Every label below the query type and model that some family shows.
const FIELD_LABELS = [
  text.versions.label,
  text.champion.label,
  text.challenger.label,
  text.metrics.label,
  text.outputs.label,
  text.positiveClass.label,
  text.threshold.label,
  text.average.label,
  text.zeroDivision.label,
  text.beta.label,
  text.labels.label,
  text.quantile.label,
  text.forceFinite.label,
  text.compare.label,
  text.compareTo.label,
  text.features.label,
  text.reference.label,
  text.method.label,
  text.bins.label,
  text.driftThreshold.label,
  text.definitions.label,
  text.nulls.label,
  text.format.label,
  text.interval.label,
  text.groupBy.label,
  text.outcome.label,
  text.outcomeValue.label,
  text.components.label,
  text.filters.label,
];

const SHAPE = [text.format.label, text.interval.label, text.groupBy.label, text.filters.label];

const FAMILY_FIELDS: Array<[QueryType, string[]]> = [
  [
    'classification',
    [
      text.versions.label,
      text.metrics.label,
      text.compareTo.label,
      text.positiveClass.label,
      text.threshold.label,
      text.average.label,
      text.zeroDivision.label,
      text.beta.label,
      text.labels.label,
      ...SHAPE,
    ],
  ],
  ['confusion', [text.versions.label, text.positiveClass.label, text.threshold.label, text.filters.label]],
  [
    'regression',
    [
      text.versions.label,
      text.metrics.label,
      text.compareTo.label,
      text.quantile.label,
      text.forceFinite.label,
      ...SHAPE,
    ],
  ],
  ['operations', [text.versions.label, text.metrics.label, text.compareTo.label, text.column.label, ...SHAPE]],
  ['coverage', [text.versions.label, text.metrics.label, text.compareTo.label, ...SHAPE]],
  [
    'quality',
    [
      text.versions.label,
      text.features.label,
      text.reference.label,
      text.metrics.label,
      text.compareTo.label,
      ...SHAPE,
    ],
  ],
  [
    'drift',
    [
      text.versions.label,
      text.features.label,
      text.reference.label,
      text.method.label,
      text.bins.label,
      text.driftThreshold.label,
      text.definitions.label,
      text.nulls.label,
      text.outputs.label,
      ...SHAPE,
    ],
  ],
  [
    'comparison',
    [
      text.champion.label,
      text.challenger.label,
      text.compare.label,
      text.positiveClass.label,
      text.threshold.label,
      text.outputs.label,
      ...SHAPE,
    ],
  ],
  ['outcome', [text.versions.label, text.outcome.label, text.metrics.label, text.compareTo.label, ...SHAPE]],
  [
    'multivariate',
    [
      text.versions.label,
      text.features.label,
      text.reference.label,
      text.components.label,
      text.outputs.label,
      ...SHAPE,
    ],
  ],
];

describe('QueryEditor fields', () => {
  it.each(FAMILY_FIELDS)('%s shows exactly its fields', async (queryType, expected) => {
    await renderEditor({ ...base, queryType });
    const shown = fieldLabels();
    expect(shown.filter((label) => label === text.queryType.label || label === text.model.label)).toHaveLength(2);
    for (const label of FIELD_LABELS) {
      expect([label, shown.filter((item) => item === label).length]).toEqual([label, expected.includes(label) ? 1 : 0]);
    }
  });

  it('offers every family with a description each', async () => {
    await renderEditor(classification);
    const menu = await openMenu(text.queryType.label);
    for (const option of Object.values(text.queryTypeOptions)) {
      expect(menu).toHaveTextContent(option.label);
      expect(menu).toHaveTextContent(option.description);
    }
  });

  it('offers the outputs of drift, not the metrics of classification', async () => {
    await renderEditor({ ...base, queryType: 'drift' });
    const menu = await openMenu(text.outputs.label);
    expect(menu).toHaveTextContent(text.metricOptions.drifted);
    expect(menu).not.toHaveTextContent(text.metricOptions.precision);
  });

  it('compares every metric with a reference window when compareTo is on', async () => {
    const { onChange } = await renderEditor(classification);
    fireEvent.click(screen.getByRole('radio', { name: text.referenceOptions.shift.label }));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ compareTo: { reference: { type: 'shift', shift: '7d' }, as: 'pct_change' } })
    );
  });

  it('offers reference values and changes of the metrics with compareTo, and the change kinds', async () => {
    const query: ModelwatchQuery = {
      ...classification,
      metrics: ['precision', 'precision_change'],
      compareTo: { reference: { type: 'previous' }, as: 'ratio' },
    };
    const { onChange } = await renderEditor(query);
    const menu = await openMenu(text.metrics.label);
    expect(menu).toHaveTextContent(`${text.metricOptions.recall} ${text.compareTo.metricSuffixes._change}`);
    expect(menu).toHaveTextContent(`${text.metricOptions.recall} ${text.compareTo.metricSuffixes._reference}`);
    fireEvent.click(screen.getByRole('radio', { name: text.changeOptions.delta.label }));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ compareTo: { reference: { type: 'previous' }, as: 'delta' } })
    );
    fireEvent.click(screen.getByRole('radio', { name: text.compareTo.off }));
    expect(onChange.mock.lastCall?.[0]).not.toHaveProperty('compareTo');
    // Without compareTo the changes are not answered: they leave the metrics.
    expect(onChange.mock.lastCall?.[0].metrics).toEqual(['precision']);
  });

  it('keeps the quality reference and the compareTo window apart', async () => {
    await renderEditor({
      ...base,
      queryType: 'quality',
      reference: { type: 'shift', shift: '1d' },
      compareTo: { reference: { type: 'shift', shift: '7d' } },
    });
    expect(screen.getByTestId(selectors.query.referenceShift)).toHaveValue('1d');
    expect(screen.getByTestId(selectors.query.compareToShift)).toHaveValue('7d');
  });

  it('offers the model outputs after the input features, marked as outputs', async () => {
    const { datasource } = await renderEditor({ ...base, queryType: 'quality' }, (ds) =>
      ds.getFeatures.mockResolvedValue(['age', 'country', 'score', 'predicted_label'])
    );
    expect(datasource.getFeatures).toHaveBeenCalled();
    const menu = await openMenu(text.features.label);
    const options = within(menu)
      .getAllByRole('option')
      .map((option) => option.textContent ?? '');
    expect(options.slice(0, 4)).toEqual([
      'age',
      'country',
      `score${text.features.modelOutput}`,
      `predicted_label${text.features.modelOutput}`,
    ]);
  });

  it('offers a histogram format for drift only', async () => {
    await renderEditor({ ...base, queryType: 'drift', format: 'histogram' });
    expect(screen.getByDisplayValue(text.formatOptions.histogram.label)).toBeInTheDocument();
  });

  it('loads models, versions and classes of the chosen model', async () => {
    const { datasource } = await renderEditor(classification);
    expect(datasource.getModels).toHaveBeenCalled();
    expect(datasource.getVersions).toHaveBeenCalledWith('churn-classifier');
    expect(datasource.getClasses).toHaveBeenCalledWith('churn-classifier');
    expect(datasource.getColumns).toHaveBeenCalled();
    expect(datasource.getFeatures).not.toHaveBeenCalled();
  });

  it('takes a model that the route does not list, typed by the user', async () => {
    const { onChange } = await renderEditor(classification);
    const input = screen.getByTestId(selectors.query.model);
    fireEvent.click(input);
    fireEvent.change(input, { target: { value: 'fraud-scorer' } });
    await choose(text.model.label, 'fraud-scorer');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ model: 'fraud-scorer' }));
  });
});

// What a classification query (one version, a positive class, a threshold, an interval and a
// filter) becomes when the user picks each family.
const start: ModelwatchQuery = {
  ...classification,
  threshold: 0.5,
  interval: '1h',
  average: 'macro',
  filters: [{ column: 'country', op: '=', values: ['DE'] }],
};
const kept = { ...base, versions: ['A'], interval: '1h', filters: start.filters };

const TYPE_CHANGES: Array<[QueryType, ModelwatchQuery]> = [
  [
    'confusion',
    {
      ...base,
      queryType: 'confusion',
      versions: ['A'],
      positiveClass: 'churn',
      threshold: 0.5,
      filters: start.filters,
    },
  ],
  ['regression', { ...kept, queryType: 'regression', metrics: ['mae', 'rmse'], format: 'timeseries' }],
  [
    'operations',
    { ...kept, queryType: 'operations', metrics: ['throughput', 'error_rate', 'latency_p95'], format: 'timeseries' },
  ],
  ['coverage', { ...kept, queryType: 'coverage', metrics: ['label_coverage'], format: 'timeseries' }],
  [
    'quality',
    { ...kept, queryType: 'quality', features: [], metrics: [], format: 'numeric', reference: { type: 'previous' } },
  ],
  [
    'drift',
    {
      ...kept,
      queryType: 'drift',
      features: [],
      method: 'auto',
      metrics: [],
      format: 'numeric',
      reference: { type: 'previous' },
    },
  ],
  [
    'comparison',
    {
      ...kept,
      queryType: 'comparison',
      versions: [],
      positiveClass: 'churn',
      threshold: 0.5,
      compare: 'precision',
      metrics: [],
      format: 'numeric',
    },
  ],
];

describe('QueryEditor type change', () => {
  it.each(TYPE_CHANGES)('to %s applies its defaults and keeps what it shares', async (queryType, expected) => {
    const { onChange } = await renderEditor(start);
    await choose(text.queryType.label, text.queryTypeOptions[queryType].label);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange.mock.calls[0][0]).toEqual(expected);
  });

  it('back to classification starts from its defaults', async () => {
    const { onChange } = await renderEditor({ ...base, queryType: 'drift', features: ['age'], method: 'psi' });
    await choose(text.queryType.label, text.queryTypeOptions.classification.label);
    expect(onChange.mock.calls[0][0]).toEqual({
      ...base,
      queryType: 'classification',
      metrics: ['precision', 'recall', 'f1'],
      format: 'timeseries',
    });
  });

  it('keeps two versions as champion and challenger', async () => {
    const { onChange } = await renderEditor({ ...classification, versions: ['A', 'B'] });
    await choose(text.queryType.label, text.queryTypeOptions.comparison.label);
    expect(onChange.mock.calls[0][0].versions).toEqual(['A', 'B']);
  });

  it('runs a complete query of the new family', async () => {
    const { onRunQuery } = await renderEditor(classification);
    await choose(text.queryType.label, text.queryTypeOptions.confusion.label);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('does not run a comparison that has no champion and challenger yet', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    await choose(text.queryType.label, text.queryTypeOptions.comparison.label);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onRunQuery).not.toHaveBeenCalled();
  });
});

describe('QueryEditor comparison', () => {
  const comparison: ModelwatchQuery = {
    ...base,
    queryType: 'comparison',
    versions: ['A'],
    compare: 'mae',
    format: 'numeric',
  };

  it('shows an error with one version', async () => {
    await renderEditor(comparison);
    expect(screen.getByText(text.championChallengerError)).toBeInTheDocument();
  });

  it('shows no error with a champion and a challenger', async () => {
    await renderEditor({ ...comparison, versions: ['A', 'B'] });
    expect(screen.queryByText(text.championChallengerError)).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.query.champion)).toHaveValue('A');
    expect(screen.getByTestId(selectors.query.challenger)).toHaveValue('B');
  });

  it('writes the challenger after the champion and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor(comparison);
    await choose(text.challenger.label, 'B');
    expect(onChange.mock.calls[0][0].versions).toEqual(['A', 'B']);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('asks for the positive class when comparing precision', async () => {
    const { onChange, onRunQuery } = await renderEditor({ ...comparison, versions: ['A', 'B'] });
    expect(screen.queryByText(text.compare.needsPositiveClass)).not.toBeInTheDocument();
    await choose(text.compare.label, text.metricOptions.precision);
    expect(onChange.mock.calls[0][0].compare).toBe('precision');
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('shows the positive-class error of a saved precision comparison', async () => {
    await renderEditor({ ...comparison, versions: ['A', 'B'], compare: 'precision' });
    expect(screen.getByText(text.compare.needsPositiveClass)).toBeInTheDocument();
  });
});

describe('QueryEditor inputs', () => {
  it('hides metrics and format for a confusion matrix', async () => {
    await renderEditor(confusion);
    expect(fieldLabels()).not.toContain(text.metrics.label);
    expect(fieldLabels()).not.toContain(text.format.label);
  });

  it('shows an error for a threshold outside [0, 1] and does not save or run it', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    expect(screen.queryByText(text.threshold.outOfRange)).not.toBeInTheDocument();
    const input = screen.getByTestId(selectors.query.threshold);
    fireEvent.change(input, { target: { value: '1.5' } });
    fireEvent.blur(input);
    expect(screen.getByText(text.threshold.outOfRange)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('shows the error for a saved query with an invalid threshold', async () => {
    await renderEditor({ ...classification, threshold: 1.5 });
    expect(screen.getByText(text.threshold.outOfRange)).toBeInTheDocument();
  });

  it('saves a valid threshold on blur, not while typing, and runs the query once', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    const input = screen.getByTestId(selectors.query.threshold);
    fireEvent.change(input, { target: { value: '0.' } });
    fireEvent.change(input, { target: { value: '0.7' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith({ ...classification, threshold: 0.7 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('asks for a positive class when classification has neither a class nor an average', async () => {
    const { onChange, onRunQuery } = await renderEditor({ ...classification, positiveClass: undefined });
    expect(screen.getByText(text.positiveClass.required)).toBeInTheDocument();
    await choose(text.average.label, text.averageOptions.macro.label);
    expect(onChange.mock.calls[0][0].average).toBe('macro');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it("saves scikit-learn's zero_division as a number and clears it to undefined", async () => {
    const { onChange } = await renderEditor({ ...classification });
    await choose(text.zeroDivision.label, text.zeroDivisionOptions['1'].label);
    expect(onChange).toHaveBeenLastCalledWith({ ...classification, zeroDivision: 1 });
  });

  it("saves a drift query's definitions and clears them to the data source's", async () => {
    const drift: ModelwatchQuery = { ...base, queryType: 'drift' };
    const { onChange } = await renderEditor(drift);
    await choose(text.definitions.label, text.definitionsOptions.evidently.label);
    expect(onChange).toHaveBeenLastCalledWith({ ...drift, definitions: 'evidently' });
  });

  it('refuses bins outside [2, 1000]', async () => {
    const { onChange } = await renderEditor({ ...base, queryType: 'drift' });
    const input = screen.getByTestId(selectors.query.bins);
    fireEvent.change(input, { target: { value: '1' } });
    fireEvent.blur(input);
    expect(screen.getByText(text.bins.outOfRange)).toBeInTheDocument();
    fireEvent.change(input, { target: { value: '40' } });
    fireEvent.blur(input);
    expect(screen.queryByText(text.bins.outOfRange)).not.toBeInTheDocument();
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange.mock.calls[0][0].bins).toBe(40);
    fireEvent.change(input, { target: { value: ' sturges ' } });
    fireEvent.blur(input);
    expect(onChange.mock.calls[1][0].bins).toBe('sturges');
  });

  it('refuses an interval that is not a duration', async () => {
    const { onChange } = await renderEditor(classification);
    const input = screen.getByTestId(selectors.query.interval);
    fireEvent.change(input, { target: { value: 'hourly' } });
    fireEvent.blur(input);
    expect(screen.getByText(text.interval.invalid)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('writes the chosen drift method and group-by column', async () => {
    const { onChange } = await renderEditor({ ...base, queryType: 'drift' });
    await choose(text.method.label, text.methodOptions.wasserstein.label);
    expect(onChange.mock.calls[0][0].method).toBe('wasserstein');
    await choose(text.groupBy.label, 'country');
    expect(onChange.mock.calls[1][0].groupBy).toBe('country');
  });

  it('offers the numeric columns logged per request for the operations column metrics', async () => {
    const { onChange } = await renderEditor({ ...base, queryType: 'operations', metrics: ['column_p95'] });
    expect(screen.getByText(text.column.required)).toBeInTheDocument();
    const menu = await openMenu(text.column.label);
    expect(menu).toHaveTextContent('age');
    expect(menu).not.toHaveTextContent('country');
    expect(menu).not.toHaveTextContent('ts');
    await choose(text.column.label, 'age');
    expect(onChange.mock.calls[0][0].column).toBe('age');
  });

  it('offers availability, last seen and the column metrics among the operations metrics', async () => {
    await renderEditor({ ...base, queryType: 'operations' });
    const menu = await openMenu(text.metrics.label);
    for (const metric of ['availability', 'last_seen_seconds', 'column_p95'] as const) {
      expect(menu).toHaveTextContent(text.metricOptions[metric]);
    }
  });

  it('combines the versions of operations and coverage queries into one series, and only theirs', async () => {
    const { onChange } = await renderEditor({ ...base, queryType: 'operations', metrics: ['last_seen_seconds'] });
    fireEvent.click(screen.getByTestId(selectors.query.combineVersions));
    expect(onChange.mock.calls[0][0].combineVersions).toBe(true);
    await renderEditor({ ...base, queryType: 'coverage' });
    expect(screen.getAllByTestId(selectors.query.combineVersions)).toHaveLength(2);
    cleanup();
    await renderEditor({ ...base, queryType: 'classification' });
    expect(screen.queryByTestId(selectors.query.combineVersions)).not.toBeInTheDocument();
  });

  it('migrates a legacy query it is given', async () => {
    const legacy = { refId: 'D', queryType: 'classification', model: 'churn-classifier', version: 'B', metric: 'f1' };
    const { onChange } = await renderEditor(legacy as ModelwatchQuery);
    const input = screen.getByTestId(selectors.query.interval);
    fireEvent.change(input, { target: { value: '1h' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenCalledWith({
      refId: 'D',
      schemaVersion: 1,
      queryType: 'classification',
      model: 'churn-classifier',
      versions: ['B'],
      metrics: ['f1'],
      format: 'timeseries',
      interval: '1h',
    });
  });
});
