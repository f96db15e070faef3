/* eslint-disable @typescript-eslint/no-deprecated -- Select and MultiSelect exist in every Grafana release that
   grafanaDependency admits; move to Combobox when the minimum version is raised. */
import React, { useMemo, useState, type ChangeEvent } from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Input, MultiSelect, RadioButtonGroup, Select } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchDataSource } from '../datasource';
import { migrateQuery } from '../migration';
import {
  CLASSIFICATION_METRICS,
  QUERY_TYPES,
  RESULT_FORMATS,
  type ModelwatchOptions,
  type ModelwatchQuery,
  type QueryType,
  type ResultFormat,
} from '../types';
import { useResourceOptions, withValues } from './useResourceOptions';

type Props = QueryEditorProps<ModelwatchDataSource, ModelwatchQuery, ModelwatchOptions>;

const LABEL_WIDTH = 16;
const WIDE = 40;
const NARROW = 16;

const text = labels.query;

const QUERY_TYPE_OPTIONS: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((value) => ({
  value,
  ...text.queryTypeOptions[value],
}));
const METRIC_OPTIONS: Array<SelectableValue<string>> = CLASSIFICATION_METRICS.map((value) => ({
  value,
  label: text.metricOptions[value],
}));
const FORMAT_OPTIONS: Array<SelectableValue<ResultFormat>> = RESULT_FORMATS.map((value) => ({
  value,
  ...text.formatOptions[value],
}));

/** Empty text means "no threshold"; anything else must be a number in [0, 1]. */
export function parseThreshold(value: string): { threshold?: number; valid: boolean } {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { valid: true };
  }
  const threshold = Number(trimmed);
  return Number.isFinite(threshold) && threshold >= 0 && threshold <= 1 ? { threshold, valid: true } : { valid: false };
}

/** Editor of one Modelwatch query. */
export function QueryEditor({ query: savedQuery, datasource, onChange, onRunQuery }: Props) {
  const query = useMemo(() => migrateQuery(savedQuery), [savedQuery]);
  const queryType = query.queryType ?? 'classification';
  const isClassification = queryType === 'classification';
  const model = query.model ?? '';

  const [thresholdText, setThresholdText] = useState(query.threshold === undefined ? '' : String(query.threshold));
  const [intervalText, setIntervalText] = useState(query.interval ?? '');
  const thresholdValid = parseThreshold(thresholdText).valid;

  const models = useResourceOptions(() => datasource.getModels(), 'models');
  const versions = useResourceOptions(() => datasource.getVersions(model), model === '' ? null : model);
  const classes = useResourceOptions(() => datasource.getClasses(model), model === '' ? null : model);
  const variables = useMemo(
    () => datasource.getVariableNames().map((name) => ({ label: name, value: name })),
    [datasource]
  );
  const resourceError = models.error ?? versions.error ?? classes.error;

  const update = (patch: Partial<ModelwatchQuery>) => {
    const next: ModelwatchQuery = { ...query, ...patch };
    for (const key of Object.keys(patch) as Array<keyof ModelwatchQuery>) {
      if (patch[key] === undefined) {
        delete next[key];
      }
    }
    onChange(next);
    if (next.model) {
      onRunQuery();
    }
  };

  // metrics and format belong to classification only; the backend reads them nowhere else.
  const changeQueryType = (value: QueryType) =>
    value === 'classification'
      ? update({ queryType: value, format: query.format ?? 'timeseries' })
      : update({ queryType: value, metrics: undefined, format: undefined });

  const commitThreshold = () => {
    const parsed = parseThreshold(thresholdText);
    if (parsed.valid && parsed.threshold !== query.threshold) {
      update({ threshold: parsed.threshold });
    }
  };

  const commitInterval = () => {
    const interval = intervalText.trim() === '' ? undefined : intervalText.trim();
    if (interval !== query.interval) {
      update({ interval });
    }
  };

  return (
    <div data-testid={selectors.query.editor}>
      {resourceError && (
        <Alert severity="warning" title={text.resourceError}>
          {resourceError}
        </Alert>
      )}
      <InlineFieldRow>
        <InlineField label={text.queryType.label} tooltip={text.queryType.tooltip} labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<QueryType>
            aria-label={text.queryType.label}
            options={QUERY_TYPE_OPTIONS}
            value={queryType}
            onChange={changeQueryType}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label={text.model.label}
          tooltip={text.model.tooltip}
          labelWidth={LABEL_WIDTH}
          htmlFor="modelwatch-query-model"
          required
        >
          <Select
            inputId="modelwatch-query-model"
            data-testid={selectors.query.model}
            width={WIDE}
            isLoading={models.loading}
            allowCustomValue
            placeholder={text.model.placeholder}
            options={withValues([...models.options, ...variables], [model])}
            value={model || null}
            onChange={(option) => update({ model: option?.value, versions: [] })}
          />
        </InlineField>
        <InlineField
          label={text.versions.label}
          tooltip={text.versions.tooltip}
          labelWidth={LABEL_WIDTH}
          htmlFor="modelwatch-query-versions"
        >
          <MultiSelect
            inputId="modelwatch-query-versions"
            data-testid={selectors.query.versions}
            width={WIDE}
            isLoading={versions.loading}
            allowCustomValue
            placeholder={text.versions.placeholder}
            options={withValues([...versions.options, ...variables], query.versions ?? [])}
            value={query.versions ?? []}
            onChange={(options) => update({ versions: options.map((option) => option.value ?? '').filter(Boolean) })}
          />
        </InlineField>
      </InlineFieldRow>
      {isClassification && (
        <InlineFieldRow>
          <InlineField
            label={text.metrics.label}
            tooltip={text.metrics.tooltip}
            labelWidth={LABEL_WIDTH}
            htmlFor="modelwatch-query-metrics"
          >
            <MultiSelect
              inputId="modelwatch-query-metrics"
              data-testid={selectors.query.metrics}
              width={WIDE * 2}
              placeholder={text.metrics.placeholder}
              options={METRIC_OPTIONS}
              value={query.metrics ?? []}
              onChange={(options) => update({ metrics: options.map((option) => option.value ?? '').filter(Boolean) })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField
          label={text.positiveClass.label}
          tooltip={text.positiveClass.tooltip}
          labelWidth={LABEL_WIDTH}
          htmlFor="modelwatch-query-positive-class"
        >
          <Select
            inputId="modelwatch-query-positive-class"
            data-testid={selectors.query.positiveClass}
            width={NARROW * 2}
            isLoading={classes.loading}
            allowCustomValue
            isClearable
            placeholder={text.positiveClass.placeholder}
            options={withValues([...classes.options, ...variables], [query.positiveClass])}
            value={query.positiveClass || null}
            onChange={(option) => update({ positiveClass: option?.value })}
          />
        </InlineField>
        <InlineField
          label={text.threshold.label}
          tooltip={text.threshold.tooltip}
          labelWidth={LABEL_WIDTH}
          invalid={!thresholdValid}
          error={thresholdValid ? undefined : text.threshold.outOfRange}
        >
          <Input
            id="modelwatch-query-threshold"
            data-testid={selectors.query.threshold}
            type="number"
            min={0}
            max={1}
            step={0.05}
            width={NARROW}
            placeholder={text.threshold.placeholder}
            value={thresholdText}
            onChange={(event: ChangeEvent<HTMLInputElement>) => setThresholdText(event.currentTarget.value)}
            onBlur={commitThreshold}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {isClassification && (
          <InlineField
            label={text.format.label}
            tooltip={text.format.tooltip}
            labelWidth={LABEL_WIDTH}
            htmlFor="modelwatch-query-format"
          >
            <Select<ResultFormat>
              inputId="modelwatch-query-format"
              data-testid={selectors.query.format}
              width={NARROW * 2}
              options={FORMAT_OPTIONS}
              value={query.format ?? 'timeseries'}
              onChange={(option) => update({ format: option.value ?? 'timeseries' })}
            />
          </InlineField>
        )}
        <InlineField label={text.interval.label} tooltip={text.interval.tooltip} labelWidth={LABEL_WIDTH}>
          <Input
            id="modelwatch-query-interval"
            data-testid={selectors.query.interval}
            width={NARROW}
            placeholder={text.interval.placeholder}
            value={intervalText}
            onChange={(event: ChangeEvent<HTMLInputElement>) => setIntervalText(event.currentTarget.value)}
            onBlur={commitInterval}
          />
        </InlineField>
      </InlineFieldRow>
    </div>
  );
}
