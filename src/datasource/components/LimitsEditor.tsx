import React, { type ChangeEvent } from 'react';
import { InlineField, InlineSwitch, Input } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions } from '../types';
import { CONFIG_LABEL_WIDTH, ConfigSection } from './ConfigSection';

type LimitSettings = Pick<ModelwatchOptions, 'maxSeries' | 'queryTimeout' | 'memoryLimit' | 'threads' | 'rollups'>;
type LimitKey = Exclude<keyof LimitSettings, 'rollups'>;

interface Props {
  jsonData: LimitSettings;
  /** The embedded DuckDB store: its memory and threads settings apply. */
  embedded: boolean;
  onChange: (patch: LimitSettings) => void;
}

/** The settings only the embedded store reads. */
const EMBEDDED_ONLY: LimitKey[] = ['memoryLimit', 'threads'];

const INPUT_WIDTH = 32;

/** The limits in the order shown; numbers are whole and positive, the others free text. */
const FIELDS: Array<{ key: LimitKey; numeric: boolean }> = [
  { key: 'maxSeries', numeric: true },
  { key: 'queryTimeout', numeric: false },
  { key: 'memoryLimit', numeric: false },
  { key: 'threads', numeric: true },
];

/** A whole number, or undefined (the backend's default) for an empty or unreadable entry. */
function wholeNumber(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() === '' || !Number.isInteger(n) || n <= 0 ? undefined : n;
}

/** The per-data-source bounds on a query's work; an empty field keeps the backend's default. */
export function LimitsEditor({ jsonData, embedded, onChange }: Props) {
  const l = labels.config.limits;
  const change = (key: LimitKey, numeric: boolean) => (event: ChangeEvent<HTMLInputElement>) => {
    const text = event.currentTarget.value;
    onChange({ [key]: numeric ? wholeNumber(text) : text.trim() || undefined });
  };
  return (
    <ConfigSection title={l.title} description={l.description}>
      {FIELDS.filter(({ key }) => embedded || !EMBEDDED_ONLY.includes(key)).map(({ key, numeric }) => (
        <InlineField
          key={key}
          label={l[key].label}
          tooltip={l[key].tooltip}
          labelWidth={CONFIG_LABEL_WIDTH}
          htmlFor={selectors.config[key]}
        >
          <Input
            id={selectors.config[key]}
            type={numeric ? 'number' : 'text'}
            min={numeric ? 1 : undefined}
            data-testid={selectors.config[key]}
            width={INPUT_WIDTH}
            placeholder={l[key].placeholder}
            value={jsonData[key] ?? ''}
            onChange={change(key, numeric)}
          />
        </InlineField>
      ))}
      <InlineField
        label={l.rollups.label}
        tooltip={l.rollups.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
        htmlFor={selectors.config.rollups}
      >
        <InlineSwitch
          id={selectors.config.rollups}
          data-testid={selectors.config.rollups}
          value={jsonData.rollups ?? true}
          onChange={(event) => onChange({ rollups: event.currentTarget.checked ? undefined : false })}
        />
      </InlineField>
    </ConfigSection>
  );
}
