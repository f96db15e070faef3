import React, { useState, type ChangeEvent } from 'react';
import { config } from '@grafana/runtime';
import { ClipboardButton, Combobox, InlineField, InlineSwitch, Input, type ComboboxOption } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { IngestOptions, IngestRole } from '../types';
import {
  compactIngest,
  INGEST_LIMIT_KEYS,
  INGEST_LIMITS,
  ingestRoute,
  parseIngestLimit,
  type IngestLimitKey,
} from './ingestOptions';
import { ConfigSection } from './ConfigSection';

const LABEL_WIDTH = 32;
const INPUT_WIDTH = 32;
const ROUTE_WIDTH = 72;
const DESCRIPTION_ID = 'modelwatch-config-ingest-description';

const text = labels.config.ingest;

const ROLE_OPTIONS: Array<ComboboxOption<IngestRole>> = [
  { value: 'Editor', ...text.roleOptions.Editor },
  { value: 'Admin', ...text.roleOptions.Admin },
];

const LIMIT_TEST_IDS: Record<IngestLimitKey, string> = {
  maxBodyBytes: selectors.config.ingestMaxBodyBytes,
  maxBatchRows: selectors.config.ingestMaxBatchRows,
  rowsPerSecond: selectors.config.ingestRowsPerSecond,
  batchesPerSecond: selectors.config.ingestBatchesPerSecond,
};

interface Props {
  /** The data source's uid, which the routes' paths name. */
  uid: string;
  ingest: IngestOptions;
  /** The settings without their defaults; undefined when every one is the default. */
  onChange: (ingest: IngestOptions | undefined) => void;
}

/** Whether this data source accepts predictions and late labels, who may write, and how much. */
export function IngestSettings({ uid, ingest, onChange }: Props) {
  const change = (patch: IngestOptions) => onChange(compactIngest({ ...ingest, ...patch }));
  const enabled = ingest.enabled ?? false;
  return (
    <ConfigSection title={text.title} description={text.enabled.description} descriptionId={DESCRIPTION_ID}>
      <InlineField
        label={text.enabled.label}
        tooltip={text.enabled.tooltip}
        labelWidth={LABEL_WIDTH}
        htmlFor={selectors.config.ingestEnabled}
      >
        <InlineSwitch
          id={selectors.config.ingestEnabled}
          data-testid={selectors.config.ingestEnabled}
          aria-describedby={DESCRIPTION_ID}
          value={enabled}
          onChange={(event) => change({ enabled: event.currentTarget.checked })}
        />
      </InlineField>
      {enabled && (
        <>
          <InlineField
            label={text.role.label}
            tooltip={text.role.tooltip}
            labelWidth={LABEL_WIDTH}
            htmlFor={selectors.config.ingestRole}
          >
            <Combobox<IngestRole>
              id={selectors.config.ingestRole}
              data-testid={selectors.config.ingestRole}
              width={INPUT_WIDTH}
              options={ROLE_OPTIONS}
              value={ingest.role === 'Admin' ? 'Admin' : 'Editor'}
              onChange={(option) => change({ role: option.value })}
            />
          </InlineField>
          {INGEST_LIMIT_KEYS.map((key) => (
            <LimitField key={key} name={key} value={ingest[key]} onChange={(value) => change({ [key]: value })} />
          ))}
          <RouteField
            id={selectors.config.ingestPredictionsRoute}
            entry={text.predictionsRoute}
            path={ingestRoute(config.appSubUrl ?? '', uid, 'predictions')}
          />
          <RouteField
            id={selectors.config.ingestLabelsRoute}
            entry={text.labelsRoute}
            path={ingestRoute(config.appSubUrl ?? '', uid, 'labels')}
          />
        </>
      )}
    </ConfigSection>
  );
}

interface LimitFieldProps {
  name: IngestLimitKey;
  /** The saved value; unset or 0 is the default. */
  value?: number;
  onChange: (value: number | undefined) => void;
}

/**
 * One limit as a number input. Text that is not a whole number in the limit's range shows its error
 * and is not saved; empty text or the default saves nothing.
 */
function LimitField({ name, value, onChange }: LimitFieldProps) {
  const entry = text[name];
  const saved = value ? String(value) : '';
  const [typed, setTyped] = useState(saved);
  const [seen, setSeen] = useState(saved);
  // Follow a change from outside, but not the echo of what was just typed (the default reads back as empty).
  if (saved !== seen) {
    setSeen(saved);
    if ((parseIngestLimit(name, typed).value ?? '') !== (value || '')) {
      setTyped(saved);
    }
  }
  const error = parseIngestLimit(name, typed).error;
  const id = LIMIT_TEST_IDS[name];
  return (
    <InlineField
      label={entry.label}
      tooltip={entry.tooltip}
      labelWidth={LABEL_WIDTH}
      htmlFor={id}
      invalid={Boolean(error)}
      error={error}
    >
      <Input
        id={id}
        data-testid={id}
        type="number"
        min={INGEST_LIMITS[name].min}
        max={INGEST_LIMITS[name].max}
        step={1}
        width={INPUT_WIDTH}
        placeholder={entry.placeholder}
        value={typed}
        onChange={(event: ChangeEvent<HTMLInputElement>) => {
          const next = event.currentTarget.value;
          setTyped(next);
          const parsed = parseIngestLimit(name, next);
          if (!parsed.error && parsed.value !== (value || undefined)) {
            onChange(parsed.value);
          }
        }}
      />
    </InlineField>
  );
}

interface RouteFieldProps {
  id: string;
  entry: { label: string; tooltip: string };
  path: string;
}

/** A route's path, read only, with a button that copies it. */
function RouteField({ id, entry, path }: RouteFieldProps) {
  return (
    <InlineField label={entry.label} tooltip={entry.tooltip} labelWidth={LABEL_WIDTH} htmlFor={id}>
      <Input
        id={id}
        data-testid={id}
        width={ROUTE_WIDTH}
        readOnly
        value={path}
        addonAfter={
          <ClipboardButton
            icon="copy"
            variant="secondary"
            getText={() => path}
            aria-label={`${text.copy} ${entry.label.toLowerCase()}`}
          >
            {text.copy}
          </ClipboardButton>
        }
      />
    </InlineField>
  );
}
