import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ReferenceWindow } from '../types';
import { isRfc3339, parseShift, type Parsed } from '../validation';
import { BlurInput } from './BlurInput';

const text = labels.query.reference;

type ReferenceType = ReferenceWindow['type'];

const TYPE_OPTIONS: Array<SelectableValue<ReferenceType>> = (['previous', 'shift', 'range'] as const).map((value) => ({
  value,
  ...labels.query.referenceOptions[value],
}));

/** Shift of a new shifted reference: a week, the usual seasonality of traffic. */
const DEFAULT_SHIFT = '7d';

function parseTime(value: string): Parsed<string> {
  return isRfc3339(value) ? { value: value.trim() } : { error: text.invalidTime };
}

interface Props {
  value: ReferenceWindow | undefined;
  onChange: (reference: ReferenceWindow) => void;
  /** The saved reference's error (a range that ends before it starts). */
  error?: string;
  labelWidth: number;
}

/** The reference window of quality and drift queries: previous period, shifted range or fixed range. */
export function ReferenceEditor({ value, onChange, error, labelWidth }: Props) {
  const reference: ReferenceWindow = value ?? { type: 'previous' };

  const changeType = (type: ReferenceType) => {
    if (type === reference.type) {
      return;
    }
    if (type === 'previous') {
      onChange({ type });
    } else if (type === 'shift') {
      onChange({ type, shift: DEFAULT_SHIFT });
    } else {
      onChange({ type, from: '', to: '' });
    }
  };

  return (
    <>
      <InlineField label={text.label} tooltip={text.tooltip} labelWidth={labelWidth}>
        <RadioButtonGroup<ReferenceType>
          aria-label={text.label}
          options={TYPE_OPTIONS}
          value={reference.type}
          onChange={changeType}
        />
      </InlineField>
      {reference.type === 'shift' && (
        <BlurInput
          label={text.shift.label}
          tooltip={text.shift.tooltip}
          id="modelwatch-query-reference-shift"
          testId={selectors.query.referenceShift}
          width={12}
          placeholder={text.shift.placeholder}
          value={reference.shift}
          parse={parseShift}
          onCommit={(shift) => onChange({ type: 'shift', shift: shift ?? '' })}
        />
      )}
      {reference.type === 'range' && (
        <>
          <BlurInput
            label={text.from.label}
            tooltip={text.from.tooltip}
            id="modelwatch-query-reference-from"
            testId={selectors.query.referenceFrom}
            width={28}
            placeholder={text.from.placeholder}
            value={reference.from}
            parse={parseTime}
            onCommit={(from) => onChange({ ...reference, from: from ?? '' })}
          />
          <BlurInput
            label={text.to.label}
            tooltip={text.to.tooltip}
            id="modelwatch-query-reference-to"
            testId={selectors.query.referenceTo}
            width={28}
            placeholder={text.to.placeholder}
            value={reference.to}
            parse={parseTime}
            onCommit={(to) => onChange({ ...reference, to: to ?? '' })}
            error={error === text.emptyRange ? error : undefined}
          />
        </>
      )}
    </>
  );
}
