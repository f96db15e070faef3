import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { Combobox, IconButton, MultiCombobox, Stack, type ComboboxOption } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FILTER_OPS, MULTI_VALUE_OPS, type FilterOp, type QueryFilter } from '../types';
import { comboboxOptions } from './PickerField';
import { useResourceOptions, withValues } from './useResourceOptions';

const text = labels.query.filters;

const OP_OPTIONS: Array<ComboboxOption<FilterOp>> = FILTER_OPS.map((op) => ({ label: op, value: op }));

interface Props {
  index: number;
  filter: QueryFilter;
  columns: Array<SelectableValue<string>>;
  variables: Array<SelectableValue<string>>;
  /** The query's model, whose logged values the value picker offers; empty: none yet. */
  model: string;
  loadValues: (model: string, column: string) => Promise<string[]>;
  onChange: (filter: QueryFilter) => void;
  onRemove: () => void;
}

/** One filter: column, operator and value (several for `in` and `not in`). */
export function FilterRow({ index, filter, model, columns, variables, loadValues, onChange, onRemove }: Props) {
  const multi = MULTI_VALUE_OPS.includes(filter.op);
  const values = filter.values.map(String);
  // The unit separator cannot appear in a model or column name typed by a user.
  const key = model !== '' && filter.column !== '' ? `${model}\u001f${filter.column}` : null;
  const choices = useResourceOptions(() => loadValues(model, filter.column), key);
  const valueOptions = withValues([...choices.options, ...variables], values);

  const changeOp = (op: FilterOp) =>
    onChange({ ...filter, op, values: MULTI_VALUE_OPS.includes(op) ? filter.values : filter.values.slice(0, 1) });

  const id = (part: string) => `modelwatch-query-filter-${index}-${part}`;
  const valueProps = {
    id: id('values'),
    'aria-labelledby': id('value-label'),
    'data-testid': selectors.query.filterValues,
    width: 36,
    loading: choices.loading,
    createCustomValue: true,
    placeholder: text.valuePlaceholder,
    options: comboboxOptions(valueOptions),
  };

  // A combobox takes no aria-label; these hidden names label the pickers of a row that has no visible labels.
  return (
    <Stack direction="row" gap={0.5} alignItems="center" data-testid={selectors.query.filterRow}>
      <span id={id('column-label')} hidden>
        {text.column}
      </span>
      <span id={id('op-label')} hidden>
        {text.op}
      </span>
      <span id={id('value-label')} hidden>
        {text.value}
      </span>
      <Combobox<string>
        id={id('column')}
        aria-labelledby={id('column-label')}
        data-testid={selectors.query.filterColumn}
        width={20}
        createCustomValue
        placeholder={text.columnPlaceholder}
        options={comboboxOptions(withValues([...columns, ...variables], [filter.column]))}
        value={filter.column || null}
        onChange={(option) => onChange({ ...filter, column: option.value, values: [] })}
      />
      <Combobox<FilterOp>
        id={id('op')}
        aria-labelledby={id('op-label')}
        data-testid={selectors.query.filterOp}
        width={10}
        options={OP_OPTIONS}
        value={filter.op}
        onChange={(option) => changeOp(option.value)}
      />
      {multi ? (
        <MultiCombobox<string>
          {...valueProps}
          value={values}
          onChange={(options) => onChange({ ...filter, values: options.map((option) => option.value) })}
        />
      ) : (
        <Combobox<string>
          {...valueProps}
          isClearable
          value={values[0] ?? null}
          onChange={(option) => onChange({ ...filter, values: option?.value ? [option.value] : [] })}
        />
      )}
      <IconButton name="trash-alt" tooltip={text.remove} onClick={onRemove} />
    </Stack>
  );
}
