import { screen } from '@testing-library/react';

import { labels } from '../../labels';
import type { ModelwatchQuery } from '../types';
import { choose, fieldLabels, openMenu, renderEditor } from './testUtils';

const text = labels.query;

const estimation: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  model: 'churn-classifier',
  queryType: 'estimation',
  positiveClass: 'churn',
  format: 'timeseries',
};

describe('estimation fields', () => {
  it('shows the reference window, the estimated metrics, the calibration and the decision rule', async () => {
    await renderEditor(estimation);
    const shown = fieldLabels();
    for (const label of [
      text.estimate.label,
      text.calibration.label,
      text.positiveClass.label,
      text.threshold.label,
      text.outputs.label,
    ]) {
      expect(shown).toContain(label);
    }
    expect(shown).not.toContain(text.average.label);
    expect(shown).not.toContain(text.method.label);
  });

  it('offers the six estimable metrics and writes the chosen ones', async () => {
    const { onChange } = await renderEditor(estimation);
    const menu = await openMenu(text.estimate.label);
    for (const metric of ['roc_auc', 'f1', 'precision', 'recall', 'specificity', 'accuracy'] as const) {
      expect(menu).toHaveTextContent(text.metricOptions[metric]);
    }
    expect(menu).not.toHaveTextContent(text.metricOptions.log_loss);
    await choose(text.estimate.label, text.metricOptions.f1);
    expect(onChange.mock.calls[0][0].estimate).toEqual(['f1']);
  });

  it('writes the calibration and offers the estimation outputs', async () => {
    const { onChange } = await renderEditor(estimation);
    await choose(text.calibration.label, text.calibrationOptions.none.label);
    expect(onChange.mock.calls[0][0].calibration).toBe('none');
    const menu = await openMenu(text.outputs.label);
    for (const output of ['estimated', 'lower', 'upper', 'sampling_error', 'realized'] as const) {
      expect(menu).toHaveTextContent(text.metricOptions[output]);
    }
  });

  it('asks for the positive class', async () => {
    await renderEditor({ ...estimation, positiveClass: undefined });
    expect(screen.getByText(text.positiveClass.requiredForEstimation)).toBeInTheDocument();
  });
});
