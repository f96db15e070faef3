import React, { type ChangeEvent } from 'react';
import { InlineField, Input, Stack, Text } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions } from '../types';

type LimitSettings = Pick<ModelwatchOptions, 'maxSeries' | 'queryTimeout' | 'memoryLimit' | 'threads'>;

interface Props {
  jsonData: LimitSettings;
  onChange: (patch: LimitSettings) => void;
}

const LABEL_WIDTH = 20;
const INPUT_WIDTH = 32;

/** A whole number, or undefined (the backend's default) for an empty or unreadable entry. */
function wholeNumber(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() === '' || !Number.isInteger(n) || n <= 0 ? undefined : n;
}

/** The per-data-source bounds on a query's work; an empty field keeps the backend's default. */
export function LimitsEditor({ jsonData, onChange }: Props) {
  const l = labels.config.limits;
  const text = (key: 'queryTimeout' | 'memoryLimit') => (event: ChangeEvent<HTMLInputElement>) =>
    onChange({ [key]: event.currentTarget.value.trim() || undefined });
  const number = (key: 'maxSeries' | 'threads') => (event: ChangeEvent<HTMLInputElement>) =>
    onChange({ [key]: wholeNumber(event.currentTarget.value) });
  return (
    <Stack direction="column" gap={0.5}>
      <Text element="h4">{l.title}</Text>
      <Text color="secondary">{l.description}</Text>
      <InlineField label={l.maxSeries.label} tooltip={l.maxSeries.tooltip} labelWidth={LABEL_WIDTH}>
        <Input
          type="number"
          min={1}
          data-testid={selectors.config.maxSeries}
          width={INPUT_WIDTH}
          placeholder={l.maxSeries.placeholder}
          value={jsonData.maxSeries ?? ''}
          onChange={number('maxSeries')}
        />
      </InlineField>
      <InlineField label={l.queryTimeout.label} tooltip={l.queryTimeout.tooltip} labelWidth={LABEL_WIDTH}>
        <Input
          data-testid={selectors.config.queryTimeout}
          width={INPUT_WIDTH}
          placeholder={l.queryTimeout.placeholder}
          value={jsonData.queryTimeout ?? ''}
          onChange={text('queryTimeout')}
        />
      </InlineField>
      <InlineField label={l.memoryLimit.label} tooltip={l.memoryLimit.tooltip} labelWidth={LABEL_WIDTH}>
        <Input
          data-testid={selectors.config.memoryLimit}
          width={INPUT_WIDTH}
          placeholder={l.memoryLimit.placeholder}
          value={jsonData.memoryLimit ?? ''}
          onChange={text('memoryLimit')}
        />
      </InlineField>
      <InlineField label={l.threads.label} tooltip={l.threads.tooltip} labelWidth={LABEL_WIDTH}>
        <Input
          type="number"
          min={1}
          data-testid={selectors.config.threads}
          width={INPUT_WIDTH}
          placeholder={l.threads.placeholder}
          value={jsonData.threads ?? ''}
          onChange={number('threads')}
        />
      </InlineField>
    </Stack>
  );
}
