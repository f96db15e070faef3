import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ReferenceWindow } from '../types';
import { isRfc3339, parseShift, type Parsed } from '../validation';
import { BlurInput } from './BlurInput';
import type { LabelWidth } from './fieldText';

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

/** Where the editor is used: its label, and the ids of its inputs (one page may show two). */
export interface ReferenceEditorPlace {
  label: string;
  tooltip: string;
  idPrefix: string;
  testIds: { shift: string; from: string; to: string };
}

const QUALITY_AND_DRIFT: ReferenceEditorPlace = {
  label: text.label,
  tooltip: text.tooltip,
  idPrefix: 'modelwatch-query-reference',
  testIds: {
    shift: selectors.query.referenceShift,
    from: selectors.query.referenceFrom,
    to: selectors.query.referenceTo,
  },
};

interface Props {
  value: ReferenceWindow | undefined;
  onChange: (reference: ReferenceWindow) => void;
  /** The saved reference's error (a range that ends before it starts). */
  error?: string;
  labelWidth: LabelWidth;
  /** Default: the reference window of quality and drift. */
  place?: ReferenceEditorPlace;
  /** When set, the editor offers "Off" first, and an absent value is off rather than the previous period. */
  off?: { label: string; onOff: () => void };
}

/** A reference window (quality and drift's, or compareTo's): previous period, shifted range or fixed range. */
export function ReferenceEditor({ value, onChange, error, labelWidth, place = QUALITY_AND_DRIFT, off }: Props) {
  const isOff = off !== undefined && value === undefined;
  const reference: ReferenceWindow = value ?? { type: 'previous' };
  const options: Array<SelectableValue<ReferenceType | 'off'>> = off
    ? [{ value: 'off', label: off.label }, ...TYPE_OPTIONS]
    : TYPE_OPTIONS;

  const changeType = (type: ReferenceType | 'off') => {
    if (type === 'off') {
      off?.onOff();
      return;
    }
    if (type === reference.type && !isOff) {
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
      <InlineField label={place.label} tooltip={place.tooltip} labelWidth={labelWidth}>
        <RadioButtonGroup<ReferenceType | 'off'>
          id={place.idPrefix}
          aria-label={place.label}
          options={options}
          value={isOff ? 'off' : reference.type}
          onChange={changeType}
        />
      </InlineField>
      {!isOff && reference.type === 'shift' && (
        <BlurInput
          label={text.shift.label}
          tooltip={text.shift.tooltip}
          id={`${place.idPrefix}-shift`}
          testId={place.testIds.shift}
          width={12}
          placeholder={text.shift.placeholder}
          value={reference.shift}
          parse={parseShift}
          onCommit={(shift) => onChange({ type: 'shift', shift: shift ?? '' })}
        />
      )}
      {!isOff && reference.type === 'range' && (
        <>
          <BlurInput
            label={text.from.label}
            tooltip={text.from.tooltip}
            id={`${place.idPrefix}-from`}
            testId={place.testIds.from}
            width={28}
            placeholder={text.from.placeholder}
            value={reference.from}
            parse={parseTime}
            onCommit={(from) => onChange({ ...reference, from: from ?? '' })}
          />
          <BlurInput
            label={text.to.label}
            tooltip={text.to.tooltip}
            id={`${place.idPrefix}-to`}
            testId={place.testIds.to}
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
