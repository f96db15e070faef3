import { useMemo } from 'react';
import type { SelectableValue } from '@grafana/data';

import { labels } from '../../labels';
import type { ModelwatchDataSource } from '../datasource';
import type { FamilyField } from '../families';
import { isModelOutput } from '../types';
import { useResourceOptions, type ResourceOptions } from './useResourceOptions';

const NUMERIC_TYPES = ['double', 'integer'];

/** The choices of the editor's pickers, each loaded only when a field of the family shows it. */
export interface EditorResources {
  models: ResourceOptions;
  versions: ResourceOptions;
  classes: ResourceOptions;
  /** Columns other than the timestamp, described by their type. */
  columns: ResourceOptions;
  features: ResourceOptions;
  /** Numeric columns besides the base ones: what the operations column metrics read. */
  numericColumns: ResourceOptions;
  /** Columns an outcome query can read: the declared outcomes, then the other non-base columns. */
  outcomeColumns: ResourceOptions;
  /** Dashboard variables as `$name`. */
  variables: Array<SelectableValue<string>>;
  /** The first failed request, if any. */
  error?: string;
}

export function useEditorResources(
  datasource: ModelwatchDataSource,
  model: string,
  fields: readonly FamilyField[]
): EditorResources {
  const uses = (...wanted: FamilyField[]) => wanted.some((field) => fields.includes(field));
  const modelKey = (wanted: boolean) => (wanted && model !== '' ? model : null);

  const models = useResourceOptions(() => datasource.getModels(), 'models');
  const versions = useResourceOptions(
    () => datasource.getVersions(model),
    modelKey(uses('versions', 'championChallenger'))
  );
  const classes = useResourceOptions(() => datasource.getClasses(model), modelKey(uses('positiveClass')));
  const columns = useResourceOptions(
    () =>
      datasource
        .getColumns()
        .then((list) =>
          list
            .filter((column) => column.role !== 'timestamp')
            .map((column) => ({ label: column.name, value: column.name, description: column.type }))
        ),
    uses('filters', 'groupBy') ? 'columns' : null
  );
  // The inputs, then the model outputs the table has (as the features route lists them), marked.
  const features = useResourceOptions(
    () =>
      datasource
        .getFeatures()
        .then((names) =>
          names.map((name) =>
            isModelOutput(name) ? { label: name, value: name, description: labels.query.features.modelOutput } : name
          )
        ),
    uses('features') ? 'features' : null
  );
  const numericColumns = useResourceOptions(
    () =>
      datasource
        .getColumns()
        .then((list) =>
          list
            .filter((column) => column.role === 'feature' && NUMERIC_TYPES.includes(column.type))
            .map((column) => ({ label: column.name, value: column.name, description: column.type }))
        ),
    uses('column') || uses('weight') ? 'numeric-columns' : null
  );
  const outcomeColumns = useResourceOptions(
    () =>
      datasource.getColumns().then((list) =>
        [
          ...list.filter((column) => column.role === 'outcome'),
          ...list.filter((column) => column.role === 'feature'),
        ].map((column) => ({
          label: column.name,
          value: column.name,
          description: column.role === 'outcome' ? `${column.type}, ${labels.query.outcome.declared}` : column.type,
          type: column.type,
        }))
      ),
    uses('outcome') ? 'outcome-columns' : null
  );
  const variables = useMemo(
    () => datasource.getVariableNames().map((name) => ({ label: name, value: name })),
    [datasource]
  );
  const error = [models, versions, classes, columns, features, numericColumns, outcomeColumns].find(
    (resource) => resource.error
  )?.error;
  return { models, versions, classes, columns, features, numericColumns, outcomeColumns, variables, error };
}
