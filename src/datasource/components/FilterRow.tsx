/* eslint-disable @typescript-eslint/no-deprecated -- Select and MultiSelect exist in every Grafana release that
   grafanaDependency admits; move to Combobox when the minimum version is raised. */
import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { IconButton, MultiSelect, Select, Stack } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FILTER_OPS, MULTI_VALUE_OPS, type FilterOp, type QueryFilter } from '../types';
import { useResourceOptions, withValues } from './useResourceOptions';

const text = labels.query.filters;

const OP_OPTIONS: Array<SelectableValue<FilterOp>> = FILTER_OPS.map((op) => ({ label: op, value: op }));

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

  return (
    <Stack direction="row" gap={0.5} alignItems="center" data-testid={selectors.query.filterRow}>
      <Select<string>
        aria-label={text.column}
        data-testid={selectors.query.filterColumn}
        width={20}
        allowCustomValue
        placeholder={text.columnPlaceholder}
        options={withValues([...columns, ...variables], [filter.column])}
        value={filter.column || null}
        onChange={(option) => onChange({ ...filter, column: option?.value ?? '', values: [] })}
      />
      <Select<FilterOp>
        aria-label={text.op}
        data-testid={selectors.query.filterOp}
        width={10}
        options={OP_OPTIONS}
        value={filter.op}
        onChange={(option) => option.value && changeOp(option.value)}
      />
      {multi ? (
        <MultiSelect<string>
          aria-label={text.value}
          data-testid={selectors.query.filterValues}
          inputId={`modelwatch-query-filter-${index}-values`}
          width={36}
          isLoading={choices.loading}
          allowCustomValue
          placeholder={text.valuePlaceholder}
          options={valueOptions}
          value={values}
          onChange={(options) => onChange({ ...filter, values: options.map((option) => option.value ?? '') })}
        />
      ) : (
        <Select<string>
          aria-label={text.value}
          data-testid={selectors.query.filterValues}
          inputId={`modelwatch-query-filter-${index}-values`}
          width={36}
          isLoading={choices.loading}
          allowCustomValue
          placeholder={text.valuePlaceholder}
          options={valueOptions}
          value={values[0] ?? null}
          onChange={(option) => onChange({ ...filter, values: option?.value ? [option.value] : [] })}
        />
      )}
      <IconButton name="trash-alt" tooltip={text.remove} onClick={onRemove} />
    </Stack>
  );
}
