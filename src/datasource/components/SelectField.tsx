/* eslint-disable @typescript-eslint/no-deprecated -- Select and MultiSelect exist in every Grafana release that
   grafanaDependency admits; move to Combobox when the minimum version is raised. */
import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, Select } from '@grafana/ui';

import { withValues } from './useResourceOptions';

export interface PickerProps {
  label: string;
  tooltip?: string;
  labelWidth?: number;
  id: string;
  testId: string;
  width: number;
  placeholder?: string;
  options: Array<SelectableValue<string>>;
  loading?: boolean;
  /** Typed values and `$variables` besides the options. */
  allowCustomValue?: boolean;
  required?: boolean;
  error?: string;
}

interface SingleProps extends PickerProps {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  isClearable?: boolean;
}

/** One labelled picker; a saved value that is not among the options still shows. */
export function SelectField({ value, onChange, isClearable, ...props }: SingleProps) {
  return (
    <InlineField
      label={props.label}
      tooltip={props.tooltip}
      labelWidth={props.labelWidth}
      htmlFor={props.id}
      required={props.required}
      invalid={Boolean(props.error)}
      error={props.error}
    >
      <Select<string>
        inputId={props.id}
        data-testid={props.testId}
        width={props.width}
        isLoading={props.loading}
        allowCustomValue={props.allowCustomValue}
        isClearable={isClearable}
        placeholder={props.placeholder}
        options={withValues(props.options, [value])}
        value={value || null}
        onChange={(option: SelectableValue<string> | null) => onChange(option?.value || undefined)}
      />
    </InlineField>
  );
}
