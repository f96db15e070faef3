import React, { type ChangeEvent, type FocusEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Combobox, InlineField, Input, type ComboboxOption } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import {
  DEFINITIONS,
  type Definitions,
  type IngestOptions,
  type ModelwatchOptions,
  type ModelwatchSecureOptions,
  type StoreType,
} from '../types';
import { parseCommaList } from '../validation';
import { ColumnMapping } from './ColumnMapping';
import { IngestSettings } from './IngestSettings';
import { LimitsEditor } from './LimitsEditor';
import { ServerSettings } from './ServerSettings';
import { CONFIG_LABEL_WIDTH } from './ConfigSection';

const INPUT_WIDTH = 48;

const STORE_OPTIONS: Array<ComboboxOption<StoreType>> = [
  { value: 'duckdb', ...labels.config.storeOptions.duckdb },
  { value: 'postgres', ...labels.config.storeOptions.postgres },
  { value: 'clickhouse', ...labels.config.storeOptions.clickhouse },
];

const DEFINITIONS_OPTIONS: Array<ComboboxOption<Definitions>> = DEFINITIONS.map((value) => ({
  value,
  ...labels.query.definitionsOptions[value],
}));

type Props = DataSourcePluginOptionsEditorProps<ModelwatchOptions, ModelwatchSecureOptions>;

/**
 * Settings of one Modelwatch data source: which prediction store to read (an embedded DuckDB file,
 * or a PostgreSQL or ClickHouse server), and, for the embedded store, whether it accepts writes.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};

  const update = (patch: Partial<ModelwatchOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  // All-default ingest settings leave no `ingest` key behind, not even an undefined one.
  const updateIngest = (ingest: IngestOptions | undefined) => {
    const rest = { ...jsonData };
    delete rest.ingest;
    onOptionsChange({ ...options, jsonData: ingest ? { ...rest, ingest } : rest });
  };

  const store = jsonData.store ?? 'duckdb';
  return (
    <>
      <InlineField
        label={labels.config.store.label}
        tooltip={labels.config.store.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
        htmlFor="modelwatch-config-store"
      >
        <Combobox<StoreType>
          id="modelwatch-config-store"
          data-testid={selectors.config.store}
          width={INPUT_WIDTH}
          options={STORE_OPTIONS}
          value={store}
          onChange={(option) => update({ store: option.value })}
        />
      </InlineField>
      {store !== 'duckdb' ? (
        <ServerSettings engine={store} options={options} onOptionsChange={onOptionsChange} />
      ) : (
        <InlineField
          label={labels.config.path.label}
          tooltip={labels.config.path.tooltip}
          labelWidth={CONFIG_LABEL_WIDTH}
          required
        >
          <Input
            id="modelwatch-config-path"
            data-testid={selectors.config.path}
            width={INPUT_WIDTH}
            placeholder={labels.config.path.placeholder}
            value={jsonData.path ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => update({ path: event.currentTarget.value })}
          />
        </InlineField>
      )}
      <InlineField
        label={labels.config.table.label}
        tooltip={labels.config.table.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
      >
        <Input
          id="modelwatch-config-table"
          data-testid={selectors.config.table}
          width={INPUT_WIDTH}
          placeholder={labels.config.table.placeholder}
          value={jsonData.table ?? ''}
          onChange={(event: ChangeEvent<HTMLInputElement>) => update({ table: event.currentTarget.value })}
        />
      </InlineField>
      {/* ClickHouse has no labels table: the backend refuses one (docs/clickhouse.md). */}
      {store !== 'clickhouse' && (
        <InlineField
          label={labels.config.labelsTable.label}
          tooltip={labels.config.labelsTable.tooltip}
          labelWidth={CONFIG_LABEL_WIDTH}
        >
          <Input
            id="modelwatch-config-labels-table"
            data-testid={selectors.config.labelsTable}
            width={INPUT_WIDTH}
            placeholder={labels.config.labelsTable.placeholder}
            value={jsonData.labelsTable ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              update({ labelsTable: event.currentTarget.value || undefined })
            }
          />
        </InlineField>
      )}
      <InlineField
        label={labels.config.outcomeColumns.label}
        tooltip={labels.config.outcomeColumns.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
      >
        <Input
          id="modelwatch-config-outcome-columns"
          data-testid={selectors.config.outcomeColumns}
          width={INPUT_WIDTH}
          placeholder={labels.config.outcomeColumns.placeholder}
          defaultValue={(jsonData.outcomeColumns ?? []).join(', ')}
          onBlur={(event: FocusEvent<HTMLInputElement>) =>
            update({ outcomeColumns: parseCommaList(event.currentTarget.value) })
          }
        />
      </InlineField>
      <ColumnMapping columns={jsonData.columns ?? {}} onChange={(columns) => update({ columns })} />
      <LimitsEditor jsonData={jsonData} embedded={store === 'duckdb'} onChange={update} />
      <InlineField
        label={labels.config.limits.definitions.label}
        tooltip={labels.config.limits.definitions.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
        htmlFor={selectors.config.definitions}
      >
        <Combobox<Definitions>
          id={selectors.config.definitions}
          data-testid={selectors.config.definitions}
          width={INPUT_WIDTH}
          options={DEFINITIONS_OPTIONS}
          value={jsonData.definitions ?? 'modelwatch'}
          onChange={(option) => update({ definitions: option.value === 'modelwatch' ? undefined : option.value })}
        />
      </InlineField>
      {store === 'duckdb' && (
        <IngestSettings uid={options.uid} ingest={jsonData.ingest ?? {}} onChange={updateIngest} />
      )}
    </>
  );
}
