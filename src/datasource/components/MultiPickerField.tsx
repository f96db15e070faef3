import React from 'react';
import { InlineField, MultiCombobox } from '@grafana/ui';

import { comboboxOptions, type PickerProps } from './PickerField';
import { withValues } from './useResourceOptions';

interface Props extends PickerProps {
  value: string[];
  onChange: (value: string[]) => void;
}

/** A labelled picker of several values, in the order they were chosen. */
export function MultiPickerField({ value, onChange, ...props }: Props) {
  return (
    <InlineField
      label={props.label}
      tooltip={props.tooltip}
      labelWidth={props.labelWidth}
      htmlFor={props.id}
      invalid={Boolean(props.error)}
      error={props.error}
    >
      <MultiCombobox<string>
        id={props.id}
        data-testid={props.testId}
        width={props.width}
        loading={props.loading}
        createCustomValue={props.allowCustomValue}
        placeholder={props.placeholder}
        options={comboboxOptions(withValues(props.options, value))}
        value={value}
        onChange={(options) => onChange(options.map((option) => option.value).filter((item) => item !== ''))}
      />
    </InlineField>
  );
}
