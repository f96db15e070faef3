import React, { useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';

import type { Parsed } from '../validation';
import type { LabelWidth } from './fieldText';

interface Props<T> {
  label: string;
  tooltip?: string;
  labelWidth?: LabelWidth;
  id: string;
  testId: string;
  width: number;
  placeholder?: string;
  /** The saved value as text; the input follows it when it changes from outside. */
  value: string;
  parse: (text: string) => Parsed<T>;
  /** Called on blur (or Enter) with a valid value that differs from the saved one. */
  onCommit: (value: T | undefined) => void;
  /** An error of the saved query, shown while the text itself reads fine. */
  error?: string;
  type?: 'text' | 'number';
}

/**
 * A text input that saves on blur, not on every keystroke, so that a query runs once per edit.
 * Text that does not read is not saved and its error shows beside the field.
 */
export function BlurInput<T>({
  label,
  tooltip,
  labelWidth,
  id,
  testId,
  width,
  placeholder,
  value,
  parse,
  onCommit,
  error,
  type,
}: Props<T>) {
  const [text, setText] = useState(value);
  const [saved, setSaved] = useState(value);
  if (value !== saved) {
    setSaved(value);
    setText(value);
  }
  const parsed = parse(text);
  const shown = parsed.error ?? (text === value ? error : undefined);

  const commit = () => {
    if (!parse(text).error && text.trim() !== value) {
      onCommit(parse(text).value);
    }
  };

  return (
    <InlineField
      label={label}
      tooltip={tooltip}
      labelWidth={labelWidth}
      htmlFor={id}
      invalid={Boolean(shown)}
      error={shown}
    >
      <Input
        id={id}
        data-testid={testId}
        type={type}
        width={width}
        placeholder={placeholder}
        value={text}
        onChange={(event: ChangeEvent<HTMLInputElement>) => setText(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => event.key === 'Enter' && commit()}
      />
    </InlineField>
  );
}
