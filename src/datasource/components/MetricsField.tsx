import React from 'react';
import type { SelectableValue } from '@grafana/data';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { CHANGE_SUFFIXES, withChanges } from '../change';
import type { Family } from '../families';
import type { MetricName } from '../types';
import { MultiPickerField } from './MultiPickerField';
import type { LabelWidth } from './fieldText';

interface Props {
  family: Family;
  /** compareTo is set: each metric's reference value and change are offered too. */
  compared?: boolean;
  value: string[];
  onChange: (metrics: string[]) => void;
  error?: string;
  labelWidth: LabelWidth;
  width: number;
}

/** The family's metrics (drift and comparison: outputs); empty means the family's default. */
export function MetricsField({ family, compared, value, onChange, error, labelWidth, width }: Props) {
  const text = family.metricsAreOutputs ? labels.query.outputs : labels.query.metrics;
  const options: Array<SelectableValue<string>> = (compared ? withChanges(family.metrics) : family.metrics).map(
    (name) => ({
      value: name,
      label: metricLabel(name),
    })
  );
  return (
    <MultiPickerField
      label={text.label}
      tooltip={text.tooltip}
      labelWidth={labelWidth}
      id="modelwatch-query-metrics"
      testId={selectors.query.metrics}
      width={width}
      placeholder={text.placeholder}
      options={options}
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}

/** A metric's label; a compareTo output is its metric's label with "reference" or "change". */
function metricLabel(name: string): string {
  const own = labels.query.metricOptions[name as MetricName];
  if (own) {
    return own;
  }
  for (const suffix of CHANGE_SUFFIXES) {
    const base = labels.query.metricOptions[name.slice(0, -suffix.length) as MetricName];
    if (name.endsWith(suffix) && base) {
      return `${base} ${labels.query.compareTo.metricSuffixes[suffix]}`;
    }
  }
  return name;
}
