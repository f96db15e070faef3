import { fireEvent, screen } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchQuery } from '../types';
import { openMenu, renderEditor } from './testUtils';

const text = labels.query;

const multivariate: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  model: 'churn-classifier',
  queryType: 'multivariate',
  format: 'timeseries',
};

describe('multivariate drift fields', () => {
  it('offers the multivariate outputs, not drift’s', async () => {
    await renderEditor(multivariate);
    const menu = await openMenu(text.outputs.label);
    for (const output of [
      'reconstruction_error',
      'sampling_error',
      'lower',
      'upper',
      'threshold_lower',
      'threshold_upper',
      'drifted',
    ] as const) {
      expect(menu).toHaveTextContent(text.metricOptions[output]);
    }
    expect(menu).not.toHaveTextContent(text.metricOptions.p_value);
  });

  it.each([
    ['0.8', 0.8],
    ['3', 3],
    ['', undefined],
  ])('saves components %p on blur', async (typed, saved) => {
    const { onChange } = await renderEditor({ ...multivariate, components: 0.5 });
    const input = screen.getByTestId(selectors.query.components);
    fireEvent.change(input, { target: { value: typed } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith({ ...multivariate, components: saved });
  });

  it.each(['0', '1.5', '65', '-1', 'many', '1e309'])('refuses components %p and saves nothing', async (typed) => {
    const { onChange, onRunQuery } = await renderEditor(multivariate);
    const input = screen.getByTestId(selectors.query.components);
    fireEvent.change(input, { target: { value: typed } });
    fireEvent.blur(input);
    expect(screen.getByText(text.components.outOfRange)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('shows the error for a saved query with components out of range', async () => {
    await renderEditor({ ...multivariate, components: 70 });
    expect(screen.getByText(text.components.outOfRange)).toBeInTheDocument();
  });
});
