import React, { type ReactNode } from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchDataSource } from '../datasource';
import { splitMetric } from '../change';
import { familyOf, type FamilyField } from '../families';
import {
  AVERAGES,
  COMPARE_METRICS,
  DEFINITIONS,
  DRIFT_METHODS,
  NULLS,
  ESTIMABLE_METRICS,
  CALIBRATIONS,
  MULTI_CLASS_SCHEMES,
  ZERO_DIVISIONS,
  type ModelwatchQuery,
} from '../types';
import {
  parseBeta,
  parseBins,
  parseCommaList,
  parseComponents,
  parseDriftThreshold,
  parseInterval,
  parseQuantile,
  parseThreshold,
  type Parsed,
} from '../validation';
import { BlurInput } from './BlurInput';
import { ChampionChallengerFields } from './ChampionChallengerFields';
import { CompareToEditor } from './CompareToEditor';
import { FiltersEditor } from './FiltersEditor';
import { MetricsField } from './MetricsField';
import { MultiPickerField } from './MultiPickerField';
import { ReferenceEditor } from './ReferenceEditor';
import { fieldText, type LabelWidth } from './fieldText';
import { PickerField } from './PickerField';
import type { EditorResources } from './useEditorResources';

const text = labels.query;
/** The first column's labels, aligned; the query editor's own first fields share it. */
export const LABEL_WIDTH = 18;
export const WIDE = 40;
const NARROW = 16;

const options = <T extends string>(values: readonly T[], describe: (value: T) => SelectableValue<string>) =>
  values.map((value) => ({ value, ...describe(value) }));
const AVERAGE_OPTIONS = options(AVERAGES, (value) => text.averageOptions[value]);
const COMPARE_OPTIONS = options(COMPARE_METRICS, (value) => ({ label: text.metricOptions[value] }));
const METHOD_OPTIONS = options(DRIFT_METHODS, (value) => text.methodOptions[value]);
const ZERO_DIVISION_OPTIONS = options(ZERO_DIVISIONS, (value) => text.zeroDivisionOptions[value]);
const DEFINITIONS_OPTIONS = options(DEFINITIONS, (value) => text.definitionsOptions[value]);
const NULLS_OPTIONS = options(NULLS, (value) => text.nullsOptions[value]);
const ESTIMATE_OPTIONS = options(ESTIMABLE_METRICS, (value) => ({ label: text.metricOptions[value] }));
const CALIBRATION_OPTIONS = options(CALIBRATIONS, (value) => text.calibrationOptions[value]);
const MULTI_CLASS_OPTIONS = options(MULTI_CLASS_SCHEMES, (value) => text.multiClassOptions[value]);

function parseThresholdText(value: string): Parsed<number> {
  const parsed = parseThreshold(value);
  return parsed.valid ? { value: parsed.threshold } : { error: text.threshold.outOfRange };
}

const asText = (value: number | string | undefined) => (value === undefined ? '' : String(value));

export interface FamilyFieldsProps {
  query: ModelwatchQuery;
  update: (patch: Partial<ModelwatchQuery>) => void;
  errors: Partial<Record<FamilyField, string>>;
  resources: EditorResources;
  datasource: ModelwatchDataSource;
}

/** A field's props: the editor's, and its label's width (aligned in the first column, fitted to the text after it). */
type FieldProps = FamilyFieldsProps & { labelWidth: LabelWidth };

type Render = (props: FieldProps) => ReactNode;

/** A picker of the table's number columns (and the dashboard's variables) that writes one key. */
function numericColumnField(key: 'column' | 'weight', id: string): Render {
  const NumericColumnField = ({ query, update, resources, errors, labelWidth }: FieldProps) => (
    <PickerField
      {...fieldText(text[key])}
      labelWidth={labelWidth}
      id={id}
      testId={selectors.query[key]}
      width={NARROW * 2}
      loading={resources.numericColumns.loading}
      allowCustomValue
      isClearable
      options={[...resources.numericColumns.options, ...resources.variables]}
      value={query[key]}
      onChange={(value) => update({ [key]: value })}
      error={errors[key]}
    />
  );
  return NumericColumnField;
}

/** How each field of the family table is drawn; FAMILIES decides which ones show. */
const FIELDS: Record<FamilyField, Render> = {
  versions: ({ query, update, resources, labelWidth }) => (
    <MultiPickerField
      {...fieldText(text.versions)}
      labelWidth={labelWidth}
      id="modelwatch-query-versions"
      testId={selectors.query.versions}
      width={WIDE}
      loading={resources.versions.loading}
      allowCustomValue
      options={[...resources.versions.options, ...resources.variables]}
      value={query.versions ?? []}
      onChange={(versions) => update({ versions })}
    />
  ),
  championChallenger: ({ query, update, resources, errors, labelWidth }) => (
    <ChampionChallengerFields
      versions={query.versions ?? []}
      onChange={(versions) => update({ versions })}
      options={[...resources.versions.options, ...resources.variables]}
      loading={resources.versions.loading}
      error={errors.championChallenger}
      labelWidth={labelWidth}
      width={NARROW * 2}
    />
  ),
  metrics: ({ query, update, errors, labelWidth }) => (
    <MetricsField
      family={familyOf(query)}
      compared={query.compareTo !== undefined}
      value={query.metrics ?? []}
      onChange={(metrics) => update({ metrics })}
      error={errors.metrics}
      labelWidth={labelWidth}
      width={WIDE * 2}
    />
  ),
  positiveClass: ({ query, update, resources, errors, labelWidth }) => (
    <PickerField
      {...fieldText(text.positiveClass)}
      labelWidth={labelWidth}
      id="modelwatch-query-positive-class"
      testId={selectors.query.positiveClass}
      width={NARROW * 2}
      loading={resources.classes.loading}
      allowCustomValue
      isClearable
      options={[...resources.classes.options, ...resources.variables]}
      value={query.positiveClass}
      onChange={(positiveClass) => update({ positiveClass })}
      error={errors.positiveClass}
    />
  ),
  threshold: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.threshold)}
      labelWidth={labelWidth}
      id="modelwatch-query-threshold"
      testId={selectors.query.threshold}
      width={NARROW}
      value={asText(query.threshold)}
      parse={parseThresholdText}
      onCommit={(threshold) => update({ threshold })}
      error={errors.threshold}
    />
  ),
  average: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.average)}
      labelWidth={labelWidth}
      id="modelwatch-query-average"
      testId={selectors.query.average}
      width={NARROW}
      isClearable
      options={AVERAGE_OPTIONS}
      value={query.average}
      onChange={(average) => update({ average: average as ModelwatchQuery['average'] })}
    />
  ),
  zeroDivision: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.zeroDivision)}
      labelWidth={labelWidth}
      id="modelwatch-query-zero-division"
      testId={selectors.query.zeroDivision}
      width={NARROW}
      isClearable
      options={ZERO_DIVISION_OPTIONS}
      value={query.zeroDivision === undefined || query.zeroDivision === null ? undefined : String(query.zeroDivision)}
      onChange={(value) => update({ zeroDivision: value === undefined ? undefined : (Number(value) as 0 | 1) })}
    />
  ),
  beta: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.beta)}
      labelWidth={labelWidth}
      id="modelwatch-query-beta"
      testId={selectors.query.beta}
      width={NARROW}
      value={asText(query.beta)}
      parse={parseBeta}
      onCommit={(beta) => update({ beta })}
      error={errors.beta}
    />
  ),
  quantile: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.quantile)}
      labelWidth={labelWidth}
      id="modelwatch-query-quantile"
      testId={selectors.query.quantile}
      width={NARROW}
      value={asText(query.quantile)}
      parse={parseQuantile}
      onCommit={(quantile) => update({ quantile })}
      error={errors.quantile}
    />
  ),
  forceFinite: ({ query, update, labelWidth }) => (
    <InlineField label={text.forceFinite.label} tooltip={text.forceFinite.tooltip} labelWidth={labelWidth}>
      <InlineSwitch
        id="modelwatch-query-force-finite"
        data-testid={selectors.query.forceFinite}
        value={query.forceFinite ?? true}
        onChange={(event) => update({ forceFinite: event.currentTarget.checked ? undefined : false })}
      />
    </InlineField>
  ),
  labels: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.labels)}
      labelWidth={labelWidth}
      id="modelwatch-query-labels"
      testId={selectors.query.labels}
      width={WIDE}
      value={(query.labels ?? []).join(', ')}
      parse={(value) => ({ value: parseCommaList(value) })}
      onCommit={(labels) => update({ labels })}
      error={errors.labels}
    />
  ),
  nulls: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.nulls)}
      labelWidth={labelWidth}
      id="modelwatch-query-nulls"
      testId={selectors.query.nulls}
      width={NARROW}
      isClearable
      options={NULLS_OPTIONS}
      value={query.nulls}
      onChange={(nulls) => update({ nulls: nulls as ModelwatchQuery['nulls'] })}
    />
  ),
  estimate: ({ query, update, labelWidth }) => (
    <MultiPickerField
      {...fieldText(text.estimate)}
      labelWidth={labelWidth}
      id="modelwatch-query-estimate"
      testId={selectors.query.estimate}
      width={WIDE}
      options={ESTIMATE_OPTIONS}
      value={query.estimate ?? []}
      onChange={(estimate) => update({ estimate })}
    />
  ),
  calibration: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.calibration)}
      labelWidth={labelWidth}
      id="modelwatch-query-calibration"
      testId={selectors.query.calibration}
      width={NARROW}
      isClearable
      options={CALIBRATION_OPTIONS}
      value={query.calibration}
      onChange={(calibration) => update({ calibration: calibration as ModelwatchQuery['calibration'] })}
    />
  ),
  multiClass: ({ query, update, errors, labelWidth }) => (
    <PickerField
      {...fieldText(text.multiClass)}
      labelWidth={labelWidth}
      id="modelwatch-query-multi-class"
      testId={selectors.query.multiClass}
      width={NARROW}
      isClearable
      options={MULTI_CLASS_OPTIONS}
      value={query.multiClass}
      onChange={(multiClass) => update({ multiClass: multiClass as ModelwatchQuery['multiClass'] })}
      error={errors.multiClass}
    />
  ),
  definitions: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.definitions)}
      labelWidth={labelWidth}
      id="modelwatch-query-definitions"
      testId={selectors.query.definitions}
      width={NARROW}
      isClearable
      options={DEFINITIONS_OPTIONS}
      value={query.definitions}
      onChange={(definitions) => update({ definitions: definitions as ModelwatchQuery['definitions'] })}
    />
  ),
  compare: ({ query, update, errors, labelWidth }) => (
    <PickerField
      {...fieldText(text.compare)}
      labelWidth={labelWidth}
      id="modelwatch-query-compare"
      testId={selectors.query.compare}
      width={NARROW * 2}
      options={COMPARE_OPTIONS}
      value={query.compare}
      onChange={(compare) => update({ compare: compare as ModelwatchQuery['compare'] })}
      error={errors.compare}
    />
  ),
  compareTo: ({ query, update, errors, labelWidth }) => (
    <CompareToEditor
      value={query.compareTo}
      onChange={(compareTo) =>
        update(
          compareTo
            ? { compareTo }
            : {
                compareTo,
                metrics: (query.metrics ?? []).filter((name) => !splitMetric(name, familyOf(query).metrics).suffix),
              }
        )
      }
      error={errors.compareTo}
      labelWidth={labelWidth}
    />
  ),
  features: ({ query, update, resources, errors, labelWidth }) => (
    <MultiPickerField
      {...fieldText(text.features)}
      labelWidth={labelWidth}
      id="modelwatch-query-features"
      testId={selectors.query.features}
      width={WIDE * 2}
      loading={resources.features.loading}
      allowCustomValue
      options={[...resources.features.options, ...resources.variables]}
      value={query.features ?? []}
      onChange={(features) => update({ features })}
      error={errors.features}
    />
  ),
  reference: ({ query, update, errors, labelWidth }) => (
    <ReferenceEditor
      value={query.reference}
      onChange={(reference) => update({ reference })}
      error={errors.reference}
      labelWidth={labelWidth}
    />
  ),
  method: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.method)}
      labelWidth={labelWidth}
      id="modelwatch-query-method"
      testId={selectors.query.method}
      width={NARROW * 2}
      options={METHOD_OPTIONS}
      value={query.method ?? 'auto'}
      onChange={(method) => update({ method: (method ?? 'auto') as ModelwatchQuery['method'] })}
    />
  ),
  bins: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.bins)}
      labelWidth={labelWidth}
      id="modelwatch-query-bins"
      testId={selectors.query.bins}
      width={NARROW / 2}
      value={asText(query.bins)}
      parse={parseBins}
      onCommit={(bins) => update({ bins })}
      error={errors.bins}
    />
  ),
  components: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.components)}
      labelWidth={labelWidth}
      id="modelwatch-query-components"
      testId={selectors.query.components}
      width={NARROW}
      value={asText(query.components)}
      parse={parseComponents}
      onCommit={(components) => update({ components })}
      error={errors.components}
    />
  ),
  driftThreshold: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.driftThreshold)}
      labelWidth={labelWidth}
      id="modelwatch-query-drift-threshold"
      testId={selectors.query.driftThreshold}
      width={NARROW}
      value={asText(query.driftThreshold)}
      parse={parseDriftThreshold}
      onCommit={(driftThreshold) => update({ driftThreshold })}
      error={errors.driftThreshold}
    />
  ),
  format: ({ query, update, labelWidth }) => (
    <PickerField
      {...fieldText(text.format)}
      labelWidth={labelWidth}
      id="modelwatch-query-format"
      testId={selectors.query.format}
      width={NARROW}
      options={options(familyOf(query).formats, (value) => text.formatOptions[value])}
      value={query.format ?? 'timeseries'}
      onChange={(format) => update({ format: (format ?? 'timeseries') as ModelwatchQuery['format'] })}
    />
  ),
  interval: ({ query, update, errors, labelWidth }) => (
    <BlurInput
      {...fieldText(text.interval)}
      labelWidth={labelWidth}
      id="modelwatch-query-interval"
      testId={selectors.query.interval}
      width={NARROW / 2}
      value={query.interval ?? ''}
      parse={parseInterval}
      onCommit={(interval) => update({ interval })}
      error={errors.interval}
    />
  ),
  groupBy: ({ query, update, resources, labelWidth }) => (
    <PickerField
      {...fieldText(text.groupBy)}
      labelWidth={labelWidth}
      id="modelwatch-query-group-by"
      testId={selectors.query.groupBy}
      width={NARROW + 4}
      loading={resources.columns.loading}
      allowCustomValue
      isClearable
      options={[...resources.columns.options, ...resources.variables]}
      value={query.groupBy}
      onChange={(groupBy) => update({ groupBy })}
    />
  ),
  column: numericColumnField('column', 'modelwatch-query-column'),
  weight: numericColumnField('weight', 'modelwatch-query-weight'),
  combineVersions: ({ query, update, labelWidth }) => (
    <InlineField label={text.combineVersions.label} tooltip={text.combineVersions.tooltip} labelWidth={labelWidth}>
      <InlineSwitch
        id="modelwatch-query-combine-versions"
        data-testid={selectors.query.combineVersions}
        value={query.combineVersions ?? false}
        onChange={(event) => update({ combineVersions: event.currentTarget.checked ? true : undefined })}
      />
    </InlineField>
  ),
  outcome: ({ query, update, resources, errors, labelWidth }) => (
    <PickerField
      {...fieldText(text.outcome)}
      labelWidth={labelWidth}
      id="modelwatch-query-outcome"
      testId={selectors.query.outcome}
      width={NARROW * 2}
      loading={resources.outcomeColumns.loading}
      allowCustomValue
      options={[...resources.outcomeColumns.options, ...resources.variables]}
      value={query.outcome}
      onChange={(outcome) =>
        update({ outcome, value: keepsValue(outcomeType(resources, outcome)) ? query.value : undefined })
      }
      error={errors.outcome}
    />
  ),
  outcomeValue: ({ query, update, resources, errors, labelWidth }) =>
    showsOutcomeValue(query, resources) ? (
      <BlurInput
        {...fieldText(text.outcomeValue)}
        labelWidth={labelWidth}
        id="modelwatch-query-outcome-value"
        testId={selectors.query.outcomeValue}
        width={NARROW}
        value={query.value ?? ''}
        parse={(value) => ({ value: value === '' ? undefined : value })}
        onCommit={(value) => update({ value })}
        error={errors.outcomeValue}
      />
    ) : null,
  filters: ({ query, update, resources, errors, datasource, labelWidth }) => (
    <InlineField
      label={text.filters.label}
      tooltip={text.filters.tooltip}
      labelWidth={labelWidth}
      invalid={Boolean(errors.filters)}
      error={errors.filters}
    >
      <FiltersEditor
        filters={query.filters ?? []}
        onChange={(filters) => update({ filters: filters.length > 0 ? filters : undefined })}
        columns={resources.columns.options}
        variables={resources.variables}
        model={query.model ?? ''}
        loadValues={(model, column) => datasource.getValues(model, column)}
      />
    </InlineField>
  ),
};

/** The type of an outcome column as the columns route gives it; undefined for a $variable or an unknown name. */
function outcomeType(resources: EditorResources, outcome: string | undefined): string | undefined {
  return resources.outcomeColumns.options.find((option) => option.value === outcome)?.type;
}

/** A boolean or number outcome has no positive value: its rate counts true or non-zero outcomes. */
function keepsValue(type: string | undefined): boolean {
  return type === undefined || type === 'text';
}

/**
 * The positive value field shows for a text outcome, for an outcome whose type is not known
 * (a $variable), and whenever a value is saved (so that it can be cleared).
 */
function showsOutcomeValue(query: ModelwatchQuery, resources: EditorResources): boolean {
  if (!query.outcome) {
    return false;
  }
  return keepsValue(outcomeType(resources, query.outcome)) || query.value !== undefined;
}

/** The fields of the query's family, row by row, as FAMILIES lists them. */
export function FamilyFields(props: FamilyFieldsProps) {
  return (
    <>
      {familyOf(props.query).rows.map((row) => (
        <InlineFieldRow key={row.join()}>
          {row.map((field, i) => (
            <React.Fragment key={field}>
              {FIELDS[field]({ ...props, labelWidth: i === 0 ? LABEL_WIDTH : 'auto' })}
            </React.Fragment>
          ))}
        </InlineFieldRow>
      ))}
    </>
  );
}
