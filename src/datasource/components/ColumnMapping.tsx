import React, { type ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { BASE_COLUMNS, type BaseColumn } from '../types';
import { CONFIG_LABEL_WIDTH, ConfigSection } from './ConfigSection';

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
    <ConfigSection title={labels.config.columns.title} description={labels.config.columns.description}>
      {BASE_COLUMNS.map((column) => (
        <InlineField key={column} label={column} labelWidth={CONFIG_LABEL_WIDTH}>
          <Input
            data-testid={selectors.config.column + column}
            width={32}
            placeholder={column}
            value={columns[column] ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => set(column, event.currentTarget.value)}
          />
        </InlineField>
      ))}
    </ConfigSection>
  );
}
