import { fireEvent, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchQuery } from '../types';
import { choose, fakeDataSource, fieldLabels, openMenu, renderEditor } from './testUtils';

const text = labels.query;

const outcome: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  model: 'search-ranker',
  queryType: 'outcome',
  metrics: ['rate'],
  format: 'timeseries',
};

// The columns route of a store whose data source declares clicked an outcome.
const withOutcomes = (datasource: ReturnType<typeof fakeDataSource>) =>
  datasource.getColumns.mockResolvedValue([
    { name: 'ts', type: 'timestamp', role: 'timestamp' },
    { name: 'actual_label', type: 'text', role: 'actual' },
    { name: 'country', type: 'text', role: 'feature' },
    { name: 'revenue', type: 'double', role: 'feature' },
    { name: 'clicked', type: 'boolean', role: 'outcome' },
  ]);

describe('outcome fields', () => {
  it('offers the declared outcomes first, marked, then the other non-base columns', async () => {
    await renderEditor(outcome, withOutcomes);
    const menu = await openMenu(text.outcome.label);
    const options = within(menu)
      .getAllByRole('option')
      .map((option) => option.textContent ?? '');
    expect(options[0]).toContain('clicked');
    expect(options[0]).toContain(text.outcome.declared);
    expect(options.slice(1, 3).map((option) => option.replace(/(text|double).*$/, ''))).toEqual(['country', 'revenue']);
    expect(menu).not.toHaveTextContent('actual_label');
    expect(menu).not.toHaveTextContent(/^ts/);
  });

  it('writes the chosen outcome and hides the positive value for a boolean column', async () => {
    const { onChange } = await renderEditor(outcome, withOutcomes);
    expect(screen.getByText(text.outcome.required)).toBeInTheDocument();
    await choose(text.outcome.label, 'clicked');
    expect(onChange.mock.calls[0][0].outcome).toBe('clicked');
    expect(onChange.mock.calls[0][0].value).toBeUndefined();
    expect(fieldLabels()).not.toContain(text.outcomeValue.label);
  });

  it('asks for the positive value of a text outcome and writes it', async () => {
    const { onChange } = await renderEditor({ ...outcome, outcome: 'country' }, withOutcomes);
    expect(fieldLabels()).toContain(text.outcomeValue.label);
    const input = screen.getByTestId(selectors.query.outcomeValue);
    fireEvent.change(input, { target: { value: 'DE' } });
    fireEvent.blur(input);
    expect(onChange.mock.calls[0][0]).toMatchObject({ outcome: 'country', value: 'DE' });
  });

  it('drops the positive value when the outcome becomes a number column', async () => {
    const { onChange } = await renderEditor({ ...outcome, outcome: 'country', value: 'DE' }, withOutcomes);
    await choose(text.outcome.label, 'revenue');
    expect(onChange.mock.calls[0][0].outcome).toBe('revenue');
    expect(onChange.mock.calls[0][0].value).toBeUndefined();
  });

  it('offers rate, mean, sum, count and coverage', async () => {
    await renderEditor({ ...outcome, outcome: 'clicked' }, withOutcomes);
    const menu = await openMenu(text.metrics.label);
    for (const metric of ['rate', 'mean', 'sum', 'count', 'coverage'] as const) {
      expect(menu).toHaveTextContent(text.metricOptions[metric]);
    }
    expect(menu).not.toHaveTextContent(text.metricOptions.precision);
  });
});
