import React from 'react';
import type { SelectableValue } from '@grafana/data';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { Family } from '../families';
import type { MetricName } from '../types';
import { MultiPickerField } from './MultiPickerField';

interface Props {
  family: Family;
  value: string[];
  onChange: (metrics: string[]) => void;
  error?: string;
  labelWidth: number;
  width: number;
}

/** The family's metrics (drift and comparison: outputs); empty means the family's default. */
export function MetricsField({ family, value, onChange, error, labelWidth, width }: Props) {
  const text = family.metricsAreOutputs ? labels.query.outputs : labels.query.metrics;
  const options: Array<SelectableValue<string>> = family.metrics.map((name) => ({
    value: name,
    label: labels.query.metricOptions[name as MetricName] ?? name,
  }));
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
