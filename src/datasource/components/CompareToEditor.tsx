import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { CHANGES, type ChangeKind, type CompareTo } from '../types';
import { ReferenceEditor, type ReferenceEditorPlace } from './ReferenceEditor';
import type { LabelWidth } from './fieldText';

const text = labels.query.compareTo;

const PLACE: ReferenceEditorPlace = {
  label: text.label,
  tooltip: text.tooltip,
  idPrefix: 'modelwatch-query-compare-to',
  testIds: {
    shift: selectors.query.compareToShift,
    from: selectors.query.compareToFrom,
    to: selectors.query.compareToTo,
  },
};

const CHANGE_OPTIONS: Array<SelectableValue<ChangeKind>> = CHANGES.map((value) => ({
  value,
  ...labels.query.changeOptions[value],
}));

interface Props {
  value: CompareTo | undefined;
  onChange: (compareTo: CompareTo | undefined) => void;
  error?: string;
  labelWidth: LabelWidth;
}

/** compareTo: off, or a reference window and how each metric's change is computed. */
export function CompareToEditor({ value, onChange, error, labelWidth }: Props) {
  return (
    <>
      <ReferenceEditor
        value={value?.reference}
        onChange={(reference) => onChange({ as: value?.as ?? 'pct_change', reference })}
        error={error}
        labelWidth={labelWidth}
        place={PLACE}
        off={{ label: text.off, onOff: () => onChange(undefined) }}
      />
      {value && (
        <InlineField label={text.as.label} tooltip={text.as.tooltip}>
          <RadioButtonGroup<ChangeKind>
            id={`${PLACE.idPrefix}-as`}
            aria-label={text.as.label}
            options={CHANGE_OPTIONS}
            value={value.as ?? 'pct_change'}
            onChange={(as) => onChange({ ...value, as })}
          />
        </InlineField>
      )}
    </>
  );
}
