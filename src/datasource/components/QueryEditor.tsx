import React, { useMemo } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Alert, InlineFieldRow } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchDataSource } from '../datasource';
import { changeFamily, familyFields } from '../families';
import { migrateQuery } from '../migration';
import { QUERY_TYPES, type ModelwatchOptions, type ModelwatchQuery, type QueryType } from '../types';
import { queryErrors } from '../validation';
import { FamilyFields, LABEL_WIDTH, WIDE } from './FamilyFields';
import { fieldText } from './fieldText';
import { PickerField } from './PickerField';
import { useEditorResources } from './useEditorResources';

type Props = QueryEditorProps<ModelwatchDataSource, ModelwatchQuery, ModelwatchOptions>;

const text = labels.query;

const QUERY_TYPE_OPTIONS = QUERY_TYPES.map((value) => ({ value, ...text.queryTypeOptions[value] }));

/** Editor of one Modelwatch query: the family, the model, then the fields the family reads. */
export function QueryEditor({ query: savedQuery, datasource, onChange, onRunQuery }: Props) {
  const query = useMemo(() => migrateQuery(savedQuery), [savedQuery]);
  const queryType = query.queryType ?? 'classification';
  const model = query.model ?? '';
  const resources = useEditorResources(datasource, model, familyFields(queryType));
  const errors = queryErrors(query);

  // A query runs only once it can answer: a model and nothing the backend would refuse.
  const apply = (next: ModelwatchQuery) => {
    onChange(next);
    if (next.model && Object.keys(queryErrors(next)).length === 0) {
      onRunQuery();
    }
  };

  const update = (patch: Partial<ModelwatchQuery>) => {
    const next: ModelwatchQuery = { ...query, ...patch };
    for (const key of Object.keys(patch) as Array<keyof ModelwatchQuery>) {
      if (patch[key] === undefined) {
        delete next[key];
      }
    }
    apply(next);
  };

  const changeType = (value: string | undefined) => {
    if (value && value !== queryType) {
      apply(changeFamily(query, value as QueryType));
    }
  };

  return (
    <div data-testid={selectors.query.editor}>
      {resources.error && (
        <Alert severity="warning" title={text.resourceError}>
          {resources.error}
        </Alert>
      )}
      <InlineFieldRow>
        <PickerField
          {...fieldText(text.queryType)}
          labelWidth={LABEL_WIDTH}
          id="modelwatch-query-type"
          testId={selectors.query.queryType}
          width={WIDE}
          options={QUERY_TYPE_OPTIONS}
          value={queryType}
          onChange={changeType}
        />
        <PickerField
          {...fieldText(text.model)}
          labelWidth="auto"
          id="modelwatch-query-model"
          testId={selectors.query.model}
          width={WIDE}
          required
          loading={resources.models.loading}
          allowCustomValue
          options={[...resources.models.options, ...resources.variables]}
          value={model || undefined}
          onChange={(value) => update({ model: value, versions: [] })}
        />
      </InlineFieldRow>
      <FamilyFields query={query} update={update} errors={errors} resources={resources} datasource={datasource} />
    </div>
  );
}
