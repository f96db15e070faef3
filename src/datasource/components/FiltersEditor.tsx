import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { Button, Stack } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { QueryFilter } from '../types';
import { FilterRow } from './FilterRow';

const text = labels.query.filters;

interface Props {
  filters: QueryFilter[];
  onChange: (filters: QueryFilter[]) => void;
  columns: Array<SelectableValue<string>>;
  variables: Array<SelectableValue<string>>;
  model: string;
  loadValues: (model: string, column: string) => Promise<string[]>;
}

/**
 * Rows of `{column, op, values}`; every row must hold for a prediction to count. A control, like a
 * picker: the caller's InlineField gives it its label and error.
 */
export function FiltersEditor({ filters, onChange, model, columns, variables, loadValues }: Props) {
  const replace = (index: number, filter: QueryFilter) =>
    onChange(filters.map((current, i) => (i === index ? filter : current)));

  return (
    <Stack direction="column" gap={0.5} alignItems="flex-start">
      {filters.map((filter, index) => (
        <FilterRow
          // Rows have no identity of their own; the position is what the query saves.
          key={index}
          index={index}
          filter={filter}
          model={model}
          columns={columns}
          variables={variables}
          loadValues={loadValues}
          onChange={(next) => replace(index, next)}
          onRemove={() => onChange(filters.filter((_, i) => i !== index))}
        />
      ))}
      <Button
        variant="secondary"
        size="sm"
        icon="plus"
        data-testid={selectors.query.filterAdd}
        onClick={() => onChange([...filters, { column: '', op: '=', values: [] }])}
      >
        {text.add}
      </Button>
    </Stack>
  );
}
