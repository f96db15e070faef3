import React, { type ChangeEvent } from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { Combobox, InlineField, Input, SecretInput, SecretTextArea, type ComboboxOption } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions, ModelwatchSecureOptions, SSLMode } from '../types';

const LABEL_WIDTH = 16;
const INPUT_WIDTH = 48;

type Settings = DataSourceSettings<ModelwatchOptions, ModelwatchSecureOptions>;
type SecretKey = keyof ModelwatchSecureOptions;

interface Props {
  options: Settings;
  onOptionsChange: (options: Settings) => void;
}

const l = labels.config.postgres;

const SSL_MODES: SSLMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];
const SSL_OPTIONS: Array<ComboboxOption<SSLMode>> = SSL_MODES.map((mode) => ({
  value: mode,
  ...l.sslModeOptions[mode],
}));

/** The PEM secrets, shown once TLS is on. */
const CERTIFICATES: Array<{ key: Exclude<SecretKey, 'password'>; field: keyof typeof l; selector: string }> = [
  { key: 'tlsCACert', field: 'caCert', selector: selectors.config.pgCACert },
  { key: 'tlsClientCert', field: 'clientCert', selector: selectors.config.pgClientCert },
  { key: 'tlsClientKey', field: 'clientKey', selector: selectors.config.pgClientKey },
];

/** A whole positive number, or undefined (the backend's default) for an empty or unreadable entry. */
function wholeNumber(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() === '' || !Number.isInteger(n) || n <= 0 ? undefined : n;
}

/**
 * Where a PostgreSQL store is and how to reach it: the server, database and role in jsonData; the
 * password and TLS material in secureJsonData, which Grafana never sends back (a set secret shows
 * as configured, with Reset).
 */
export function PostgresSettings({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};
  const configured = options.secureJsonFields ?? {};
  const update = (patch: Partial<ModelwatchOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setSecret = (key: SecretKey, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, [key]: value } });
  const resetSecret = (key: SecretKey) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...configured, [key]: false },
      secureJsonData: { ...options.secureJsonData, [key]: '' },
    });
  const text = (key: 'host' | 'database' | 'user', selector: string) => (
    <InlineField label={l[key].label} tooltip={l[key].tooltip} labelWidth={LABEL_WIDTH} htmlFor={selector} required>
      <Input
        id={selector}
        data-testid={selector}
        width={INPUT_WIDTH}
        placeholder={l[key].placeholder}
        value={jsonData[key] ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) =>
          update({ [key]: event.currentTarget.value.trim() || undefined })
        }
      />
    </InlineField>
  );
  const number = (key: 'port' | 'poolSize', selector: string) => (
    <InlineField label={l[key].label} tooltip={l[key].tooltip} labelWidth={LABEL_WIDTH} htmlFor={selector}>
      <Input
        id={selector}
        data-testid={selector}
        type="number"
        min={1}
        width={INPUT_WIDTH}
        placeholder={l[key].placeholder}
        value={jsonData[key] ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) => update({ [key]: wholeNumber(event.currentTarget.value) })}
      />
    </InlineField>
  );
  const sslMode = jsonData.sslMode ?? 'require';
  return (
    <>
      {text('host', selectors.config.pgHost)}
      {number('port', selectors.config.pgPort)}
      {text('database', selectors.config.pgDatabase)}
      {text('user', selectors.config.pgUser)}
      <InlineField
        label={l.password.label}
        tooltip={l.password.tooltip}
        labelWidth={LABEL_WIDTH}
        htmlFor={selectors.config.pgPassword}
      >
        <SecretInput
          id={selectors.config.pgPassword}
          data-testid={selectors.config.pgPassword}
          width={INPUT_WIDTH}
          isConfigured={Boolean(configured.password)}
          value={options.secureJsonData?.password ?? ''}
          onChange={(event: ChangeEvent<HTMLInputElement>) => setSecret('password', event.currentTarget.value)}
          onReset={() => resetSecret('password')}
        />
      </InlineField>
      <InlineField
        label={l.sslMode.label}
        tooltip={l.sslMode.tooltip}
        labelWidth={LABEL_WIDTH}
        htmlFor={selectors.config.pgSSLMode}
      >
        <Combobox<SSLMode>
          id={selectors.config.pgSSLMode}
          data-testid={selectors.config.pgSSLMode}
          width={INPUT_WIDTH}
          options={SSL_OPTIONS}
          value={sslMode}
          onChange={(option) => update({ sslMode: option.value })}
        />
      </InlineField>
      {sslMode !== 'disable' &&
        CERTIFICATES.map(({ key, field, selector }) => {
          const f = l[field] as { label: string; tooltip: string; placeholder: string };
          return (
            <InlineField key={key} label={f.label} tooltip={f.tooltip} labelWidth={LABEL_WIDTH} htmlFor={selector}>
              <SecretTextArea
                id={selector}
                data-testid={selector}
                cols={INPUT_WIDTH}
                rows={4}
                placeholder={f.placeholder}
                isConfigured={Boolean(configured[key])}
                value={options.secureJsonData?.[key] ?? ''}
                onChange={(event: ChangeEvent<HTMLTextAreaElement>) => setSecret(key, event.currentTarget.value)}
                onReset={() => resetSecret(key)}
              />
            </InlineField>
          );
        })}
      {number('poolSize', selectors.config.pgPoolSize)}
    </>
  );
}
