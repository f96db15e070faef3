import React from 'react';
import type { SelectableValue } from '@grafana/data';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { fieldText, type LabelWidth } from './fieldText';
import { PickerField } from './PickerField';

interface Props {
  versions: string[];
  onChange: (versions: string[]) => void;
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
  labelWidth: LabelWidth;
  width: number;
}

/** A comparison's `versions`: the champion first, then the challenger. */
export function ChampionChallengerFields({ versions, onChange, options, loading, error, labelWidth, width }: Props) {
  const [champion = '', challenger = ''] = versions;
  const save = (first: string, second: string) => onChange(first === '' && second === '' ? [] : [first, second]);
  const common = { options, loading, labelWidth, width, allowCustomValue: true, isClearable: true };
  return (
    <>
      <PickerField
        {...common}
        {...fieldText(labels.query.champion)}
        id="modelwatch-query-champion"
        testId={selectors.query.champion}
        value={champion}
        onChange={(value) => save(value ?? '', challenger)}
      />
      <PickerField
        {...common}
        {...fieldText(labels.query.challenger)}
        labelWidth="auto"
        id="modelwatch-query-challenger"
        testId={selectors.query.challenger}
        value={challenger}
        onChange={(value) => save(champion, value ?? '')}
        error={error}
      />
    </>
  );
}
