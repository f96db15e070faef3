import React, { type ChangeEvent } from 'react';
import { InlineField, Input, Stack, Text } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { BASE_COLUMNS, type BaseColumn } from '../types';

interface Props {
  columns: Partial<Record<BaseColumn, string>>;
  onChange: (columns: Partial<Record<BaseColumn, string>>) => void;
}

/** The table's own name for each base column; an empty row keeps the default name. */
export function ColumnMapping({ columns, onChange }: Props) {
  const set = (column: BaseColumn, name: string) => {
    const next = { ...columns };
    if (name.trim() === '' || name.trim() === column) {
      delete next[column];
    } else {
      next[column] = name.trim();
    }
    onChange(next);
  };
  return (
    <Stack direction="column" gap={0.5}>
      <Text element="h3" variant="h4">
        {labels.config.columns.title}
      </Text>
      <Text color="secondary">{labels.config.columns.description}</Text>
      {BASE_COLUMNS.map((column) => (
        <InlineField key={column} label={column} labelWidth={20}>
          <Input
            data-testid={selectors.config.column + column}
            width={32}
            placeholder={column}
            value={columns[column] ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => set(column, event.currentTarget.value)}
          />
        </InlineField>
      ))}
    </Stack>
  );
}
