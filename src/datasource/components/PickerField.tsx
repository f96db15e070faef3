import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { Combobox, InlineField, type ComboboxOption } from '@grafana/ui';

import { withValues } from './useResourceOptions';
import type { LabelWidth } from './fieldText';

export interface PickerProps {
  label: string;
  tooltip?: string;
  labelWidth?: LabelWidth;
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

/** The options as a combobox takes them: every option has a value; those without one are left out. */
export function comboboxOptions(options: Array<SelectableValue<string>>): Array<ComboboxOption<string>> {
  return (
    options
      .filter((option): option is SelectableValue<string> & { value: string } => typeof option.value === 'string')
      // Combobox sizes a row by whether it has a description key, so only options with one carry it.
      .map(({ label, value, description }) => ({
        label: label ?? value,
        value,
        ...(description ? { description } : {}),
      }))
  );
}

/** One labelled picker; a saved value that is not among the options still shows. */
export function PickerField({ value, onChange, isClearable, ...props }: SingleProps) {
  const choose = (option: ComboboxOption<string> | null) => onChange(option?.value || undefined);
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
      <Combobox<string>
        id={props.id}
        data-testid={props.testId}
        width={props.width}
        loading={props.loading}
        createCustomValue={props.allowCustomValue}
        placeholder={props.placeholder}
        options={comboboxOptions(withValues(props.options, [value]))}
        value={value || null}
        {...(isClearable ? { isClearable: true, onChange: choose } : { onChange: choose })}
      />
    </InlineField>
  );
}
