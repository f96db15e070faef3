import React, { type ChangeEvent } from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { Combobox, InlineField, Input, SecretInput, SecretTextArea, type ComboboxOption } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions, ModelwatchSecureOptions, ServerStore, SSLMode } from '../types';
import { CONFIG_LABEL_WIDTH } from './ConfigSection';

const INPUT_WIDTH = 48;

type Settings = DataSourceSettings<ModelwatchOptions, ModelwatchSecureOptions>;
type SecretKey = keyof ModelwatchSecureOptions;

interface Props {
  /** The server's engine: its default port, TLS modes and hints. */
  engine: ServerStore;
  options: Settings;
  onOptionsChange: (options: Settings) => void;
}

const l = labels.config.server;

/** The TLS modes each engine's backend accepts: ClickHouse's client checks the CA and host together. */
const SSL_MODES: Record<ServerStore, SSLMode[]> = {
  postgres: ['disable', 'require', 'verify-ca', 'verify-full'],
  clickhouse: ['disable', 'require', 'verify-full'],
};

/** The PEM secrets, shown once TLS is on. */
const CERTIFICATES: Array<{ key: Exclude<SecretKey, 'password'>; field: keyof typeof l; selector: string }> = [
  { key: 'tlsCACert', field: 'caCert', selector: selectors.config.serverCACert },
  { key: 'tlsClientCert', field: 'clientCert', selector: selectors.config.serverClientCert },
  { key: 'tlsClientKey', field: 'clientKey', selector: selectors.config.serverClientKey },
];

/** A whole positive number, or undefined (the backend's default) for an empty or unreadable entry. */
function wholeNumber(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() === '' || !Number.isInteger(n) || n <= 0 ? undefined : n;
}

/**
 * Where a server store (PostgreSQL or ClickHouse) is and how to reach it: the server, database and
 * user in jsonData; the password and TLS material in secureJsonData, which Grafana never sends back
 * (a set secret shows as configured, with Reset).
 */
export function ServerSettings({ engine, options, onOptionsChange }: Props) {
  const e = l.engines[engine];
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
    <InlineField
      label={l[key].label}
      tooltip={e[key].tooltip}
      labelWidth={CONFIG_LABEL_WIDTH}
      htmlFor={selector}
      required
    >
      <Input
        id={selector}
        data-testid={selector}
        width={INPUT_WIDTH}
        placeholder={e[key].placeholder}
        value={jsonData[key] ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) =>
          update({ [key]: event.currentTarget.value.trim() || undefined })
        }
      />
    </InlineField>
  );
  const sslMode = jsonData.sslMode ?? 'require';
  const placeholders = { port: sslMode === 'disable' ? e.plainPort : e.port, poolSize: l.poolSize.placeholder };
  const number = (key: 'port' | 'poolSize', selector: string) => (
    <InlineField label={l[key].label} tooltip={l[key].tooltip} labelWidth={CONFIG_LABEL_WIDTH} htmlFor={selector}>
      <Input
        id={selector}
        data-testid={selector}
        type="number"
        min={1}
        width={INPUT_WIDTH}
        placeholder={placeholders[key]}
        value={jsonData[key] ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) => update({ [key]: wholeNumber(event.currentTarget.value) })}
      />
    </InlineField>
  );
  const sslOptions: Array<ComboboxOption<SSLMode>> = SSL_MODES[engine].map((mode) => ({
    value: mode,
    ...l.sslModeOptions[mode],
  }));
  return (
    <>
      {text('host', selectors.config.serverHost)}
      {number('port', selectors.config.serverPort)}
      {text('database', selectors.config.serverDatabase)}
      {text('user', selectors.config.serverUser)}
      <InlineField
        label={l.password.label}
        tooltip={l.password.tooltip}
        labelWidth={CONFIG_LABEL_WIDTH}
        htmlFor={selectors.config.serverPassword}
      >
        <SecretInput
          id={selectors.config.serverPassword}
          data-testid={selectors.config.serverPassword}
          width={INPUT_WIDTH}
          isConfigured={Boolean(configured.password)}
          value={options.secureJsonData?.password ?? ''}
          onChange={(event: ChangeEvent<HTMLInputElement>) => setSecret('password', event.currentTarget.value)}
          onReset={() => resetSecret('password')}
        />
      </InlineField>
      <InlineField
        label={l.sslMode.label}
        tooltip={e.sslMode}
        labelWidth={CONFIG_LABEL_WIDTH}
        htmlFor={selectors.config.serverSSLMode}
      >
        <Combobox<SSLMode>
          id={selectors.config.serverSSLMode}
          data-testid={selectors.config.serverSSLMode}
          width={INPUT_WIDTH}
          options={sslOptions}
          value={sslMode}
          onChange={(option) => update({ sslMode: option.value })}
        />
      </InlineField>
      {sslMode !== 'disable' &&
        CERTIFICATES.map(({ key, field, selector }) => {
          const f = l[field] as { label: string; tooltip: string; placeholder: string };
          return (
            <InlineField
              key={key}
              label={f.label}
              tooltip={f.tooltip}
              labelWidth={CONFIG_LABEL_WIDTH}
              htmlFor={selector}
            >
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
      {number('poolSize', selectors.config.serverPoolSize)}
    </>
  );
}
