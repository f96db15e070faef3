import { screen } from '@testing-library/react';

import { labels } from '../../labels';
import type { ModelwatchQuery } from '../types';
import { choose, fieldLabels, openMenu, renderEditor } from './testUtils';

const text = labels.query;

const multiclass: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  model: 'species',
  queryType: 'classification',
  average: 'macro',
  metrics: ['roc_auc', 'log_loss'],
  format: 'timeseries',
};

describe('multiclass score and sample weight fields', () => {
  it('offers the multiclass ROC AUC scheme beside the average and writes the chosen one', async () => {
    const { onChange } = await renderEditor(multiclass);
    expect(fieldLabels()).toContain(text.multiClass.label);
    const menu = await openMenu(text.multiClass.label);
    expect(menu).toHaveTextContent(text.multiClassOptions.ovr.label);
    expect(menu).toHaveTextContent(text.multiClassOptions.ovo.label);
    await choose(text.multiClass.label, text.multiClassOptions.ovo.label);
    expect(onChange.mock.calls[0][0].multiClass).toBe('ovo');
  });

  it('takes the score metrics under an average without a positive class', async () => {
    await renderEditor(multiclass);
    expect(screen.queryByText(text.scoreMetricsNeedClass)).not.toBeInTheDocument();
    expect(screen.queryByText(text.positiveClass.required)).not.toBeInTheDocument();
  });

  it('says why one-vs-one is not per class', async () => {
    await renderEditor({ ...multiclass, average: 'none', multiClass: 'ovo', metrics: ['roc_auc'] });
    expect(screen.getByText(text.multiclassScores.ovoPerClass)).toBeInTheDocument();
  });

  it('offers the numeric columns as sample weights and writes the chosen one', async () => {
    const { onChange } = await renderEditor(multiclass);
    expect(fieldLabels()).toContain(text.weight.label);
    await choose(text.weight.label, 'age');
    expect(onChange.mock.calls[0][0].weight).toBe('age');
  });
});
