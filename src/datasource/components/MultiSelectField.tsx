/* eslint-disable @typescript-eslint/no-deprecated -- Select and MultiSelect exist in every Grafana release that
   grafanaDependency admits; move to Combobox when the minimum version is raised. */
import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, MultiSelect } from '@grafana/ui';

import type { PickerProps } from './SelectField';
import { withValues } from './useResourceOptions';

interface Props extends PickerProps {
  value: string[];
  onChange: (value: string[]) => void;
}

/** A labelled picker of several values, in the order they were chosen. */
export function MultiSelectField({ value, onChange, ...props }: Props) {
  return (
    <InlineField
      label={props.label}
      tooltip={props.tooltip}
      labelWidth={props.labelWidth}
      htmlFor={props.id}
      invalid={Boolean(props.error)}
      error={props.error}
    >
      <MultiSelect<string>
        inputId={props.id}
        data-testid={props.testId}
        width={props.width}
        isLoading={props.loading}
        allowCustomValue={props.allowCustomValue}
        placeholder={props.placeholder}
        options={withValues(props.options, value)}
        value={value}
        onChange={(options: Array<SelectableValue<string>>) =>
          onChange(options.map((option) => option.value ?? '').filter((item) => item !== ''))
        }
      />
    </InlineField>
  );
}
