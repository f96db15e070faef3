import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchDataSource } from '../datasource';
import type { ModelwatchQuery } from '../types';
import { parseThreshold, QueryEditor } from './QueryEditor';

function fakeDataSource() {
  return {
    getModels: jest.fn().mockResolvedValue(['churn-classifier', 'basket-forecaster']),
    getVersions: jest.fn().mockResolvedValue(['A', 'B']),
    getClasses: jest.fn().mockResolvedValue(['churn', 'stay']),
    getVariableNames: jest.fn().mockReturnValue(['$model']),
  };
}

const classification: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  queryType: 'classification',
  model: 'churn-classifier',
  versions: ['A'],
  metrics: ['precision'],
  positiveClass: 'churn',
  format: 'timeseries',
};

const confusion: ModelwatchQuery = {
  refId: 'C',
  schemaVersion: 1,
  queryType: 'confusion',
  model: 'churn-classifier',
  versions: ['A'],
};

/** The inline label of a field, as a user reads it ("Model *" for a required field is "Model"). */
function queryLabel(text: string) {
  return screen.queryAllByText(
    (_, element) => element?.tagName === 'LABEL' && element.textContent?.replace(/\s*\*$/, '').trim() === text
  );
}

async function renderEditor(query: ModelwatchQuery) {
  const datasource = fakeDataSource();
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <QueryEditor
      query={query}
      datasource={datasource as unknown as ModelwatchDataSource}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  // Let the resource requests settle so that their state updates happen inside act().
  await act(async () => {});
  return { datasource, onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('shows the classification fields', async () => {
    await renderEditor(classification);
    for (const label of [
      labels.query.queryType.label,
      labels.query.model.label,
      labels.query.versions.label,
      labels.query.metrics.label,
      labels.query.positiveClass.label,
      labels.query.threshold.label,
      labels.query.format.label,
      labels.query.interval.label,
    ]) {
      expect(queryLabel(label)).toHaveLength(1);
    }
    expect(screen.getByText('Precision')).toBeInTheDocument();
    expect(screen.getByText('churn-classifier')).toBeInTheDocument();
  });

  it('hides metrics and format for a confusion matrix', async () => {
    await renderEditor(confusion);
    expect(queryLabel(labels.query.model.label)).toHaveLength(1);
    expect(queryLabel(labels.query.positiveClass.label)).toHaveLength(1);
    expect(queryLabel(labels.query.threshold.label)).toHaveLength(1);
    expect(queryLabel(labels.query.metrics.label)).toHaveLength(0);
    expect(queryLabel(labels.query.format.label)).toHaveLength(0);
  });

  it('loads models, versions and classes of the chosen model', async () => {
    const { datasource } = await renderEditor(classification);
    expect(datasource.getModels).toHaveBeenCalled();
    expect(datasource.getVersions).toHaveBeenCalledWith('churn-classifier');
    expect(datasource.getClasses).toHaveBeenCalledWith('churn-classifier');
  });

  it('switches to a confusion query without classification-only fields and runs it', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    fireEvent.click(screen.getByLabelText(labels.query.queryTypeOptions.confusion.label));
    const next = onChange.mock.calls[0][0];
    expect(next.queryType).toBe('confusion');
    expect(next).not.toHaveProperty('metrics');
    expect(next).not.toHaveProperty('format');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('shows an error for a threshold outside [0, 1] and does not run the query', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    expect(screen.queryByText(labels.query.threshold.outOfRange)).not.toBeInTheDocument();
    const input = screen.getByTestId(selectors.query.threshold);
    fireEvent.change(input, { target: { value: '1.5' } });
    fireEvent.blur(input);
    expect(screen.getByText(labels.query.threshold.outOfRange)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('shows the error for a saved query with an invalid threshold', async () => {
    await renderEditor({ ...classification, threshold: 1.5 });
    expect(screen.getByText(labels.query.threshold.outOfRange)).toBeInTheDocument();
  });

  it('commits a valid threshold and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor(classification);
    const input = screen.getByTestId(selectors.query.threshold);
    fireEvent.change(input, { target: { value: '0.7' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith({ ...classification, threshold: 0.7 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(labels.query.threshold.outOfRange)).not.toBeInTheDocument();
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
