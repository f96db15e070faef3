import React, { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { QueryFilter } from '../types';
import { FiltersEditor } from './FiltersEditor';
import { choose, settle } from './testUtils';

const text = labels.query.filters;

/** The editor inside a parent that keeps its state, as the query editor does. */
function Harness({ initial, onChange }: { initial: QueryFilter[]; onChange: (filters: QueryFilter[]) => void }) {
  const [filters, setFilters] = useState(initial);
  return (
    <FiltersEditor
      filters={filters}
      onChange={(next) => {
        setFilters(next);
        onChange(next);
      }}
      columns={[
        { label: 'country', value: 'country', description: 'text' },
        { label: 'age', value: 'age', description: 'double' },
      ]}
      variables={[{ label: '$country', value: '$country' }]}
      model="churn-classifier"
      loadValues={async (model, column) =>
        model === 'churn-classifier' && column === 'country' ? ['DE', 'FR', 'US'] : []
      }
    />
  );
}

async function renderFilters(initial: QueryFilter[] = []) {
  const onChange = jest.fn();
  render(<Harness initial={initial} onChange={onChange} />);
  await settle();
  return { onChange, last: (): QueryFilter[] => onChange.mock.calls[onChange.mock.calls.length - 1][0] };
}

describe('FiltersEditor', () => {
  it('starts without rows and adds an empty one', async () => {
    const { last } = await renderFilters();
    expect(screen.queryAllByTestId(selectors.query.filterRow)).toHaveLength(0);
    fireEvent.click(screen.getByText(text.add));
    expect(screen.getAllByTestId(selectors.query.filterRow)).toHaveLength(1);
    expect(last()).toEqual([{ column: '', op: '=', values: [] }]);
  });

  it('writes {column, op, values} with several values for "in", variables included', async () => {
    const { last } = await renderFilters();
    fireEvent.click(screen.getByText(text.add));
    await choose(text.column, 'country');
    await choose(text.op, 'in');
    await choose(text.value, 'DE');
    await choose(text.value, 'FR');
    await choose(text.value, '$country');
    expect(last()).toEqual([{ column: 'country', op: 'in', values: ['DE', 'FR', '$country'] }]);
  });

  it('keeps one value when the operator goes back to one that takes one', async () => {
    const { last } = await renderFilters([{ column: 'country', op: 'in', values: ['DE', 'FR'] }]);
    await choose(text.op, '!=');
    expect(last()).toEqual([{ column: 'country', op: '!=', values: ['DE'] }]);
  });

  it('clears the values when the column changes', async () => {
    const { last } = await renderFilters([{ column: 'country', op: '=', values: ['DE'] }]);
    await choose(text.column, 'age');
    expect(last()).toEqual([{ column: 'age', op: '=', values: [] }]);
  });

  it('removes the row whose button is pressed', async () => {
    const { last } = await renderFilters([
      { column: 'country', op: '=', values: ['DE'] },
      { column: 'age', op: '>=', values: [40] },
    ]);
    const rows = screen.getAllByTestId(selectors.query.filterRow);
    expect(within(rows[1]).getByDisplayValue('40')).toBeInTheDocument();
    fireEvent.click(within(rows[0]).getByRole('button', { name: text.remove }));
    await settle();
    expect(screen.getAllByTestId(selectors.query.filterRow)).toHaveLength(1);
    expect(last()).toEqual([{ column: 'age', op: '>=', values: [40] }]);
  });
});
