import React from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';
import { choose } from './testUtils';

const options = {
  id: 1,
  uid: 'modelwatch',
  name: 'Modelwatch',
  type: 'mlops-modelwatch-datasource',
  jsonData: { store: 'duckdb', path: '/var/lib/grafana/modelwatch/demo.duckdb' },
  secureJsonFields: {},
} as unknown as DataSourceSettings<ModelwatchOptions>;

describe('ConfigEditor', () => {
  it('shows the store, path and table settings', () => {
    render(<ConfigEditor options={options} onOptionsChange={jest.fn()} />);
    expect(screen.getByDisplayValue(labels.config.storeOptions.duckdb.label)).toBeInTheDocument();
    expect(screen.getByTestId(selectors.config.path)).toHaveValue('/var/lib/grafana/modelwatch/demo.duckdb');
    expect(screen.getByTestId(selectors.config.table)).toHaveValue('');
    expect(screen.getByTestId(selectors.config.table)).toHaveAttribute('placeholder', 'predictions');
  });

  it('reports a new path in jsonData, keeping the other settings', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.path), { target: { value: '/data/prod.duckdb' } });
    expect(onOptionsChange).toHaveBeenCalledWith({
      ...options,
      jsonData: { store: 'duckdb', path: '/data/prod.duckdb' },
    });
  });

  it('reports a new table', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.table), { target: { value: 'scored' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData).toEqual({
      store: 'duckdb',
      path: '/var/lib/grafana/modelwatch/demo.duckdb',
      table: 'scored',
    });
  });

  it('writes a column mapping, dropping rows set back to the default name', () => {
    const onOptionsChange = jest.fn();
    const mapped = { ...options, jsonData: { ...options.jsonData, columns: { ts: 'event_time' } } };
    render(<ConfigEditor options={mapped} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(selectors.config.column + 'ts')).toHaveValue('event_time');
    fireEvent.change(screen.getByTestId(selectors.config.column + 'model_version'), { target: { value: 'version' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData.columns).toEqual({ ts: 'event_time', model_version: 'version' });
    fireEvent.change(screen.getByTestId(selectors.config.column + 'ts'), { target: { value: 'ts' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData.columns).toEqual({});
  });

  it('reports a labels table', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.labelsTable), { target: { value: 'labels' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData.labelsTable).toBe('labels');
  });
});

describe('ConfigEditor limits', () => {
  it('writes the limits into jsonData and drops cleared ones', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.maxSeries), { target: { value: '200' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData.maxSeries).toBe(200);
    fireEvent.change(screen.getByTestId(selectors.config.queryTimeout), { target: { value: ' 2m ' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData.queryTimeout).toBe('2m');
    fireEvent.change(screen.getByTestId(selectors.config.memoryLimit), { target: { value: '2GB' } });
    expect(onOptionsChange.mock.calls[2][0].jsonData.memoryLimit).toBe('2GB');
    fireEvent.change(screen.getByTestId(selectors.config.threads), { target: { value: '0' } });
    expect(onOptionsChange.mock.calls[3][0].jsonData.threads).toBeUndefined();
  });

  it('turns rollups off and on again (on is the default, kept out of jsonData)', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    const toggle = screen.getByTestId(selectors.config.rollups);
    expect(toggle).toBeChecked();
    fireEvent.click(toggle);
    const off = onOptionsChange.mock.calls[0][0];
    expect(off.jsonData.rollups).toBe(false);
    rerender(<ConfigEditor options={off} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(selectors.config.rollups)).not.toBeChecked();
    fireEvent.click(screen.getByTestId(selectors.config.rollups));
    expect(onOptionsChange.mock.calls[1][0].jsonData.rollups).toBeUndefined();
  });

  it("keeps Modelwatch's drift definitions out of jsonData and saves Evidently's", async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    const l = labels.config.limits.definitions;
    await choose(l.label, labels.query.definitionsOptions.evidently.label);
    const evidently = onOptionsChange.mock.calls[0][0];
    expect(evidently.jsonData.definitions).toBe('evidently');
    rerender(<ConfigEditor options={evidently} onOptionsChange={onOptionsChange} />);
    await choose(l.label, labels.query.definitionsOptions.modelwatch.label);
    expect(onOptionsChange.mock.calls[1][0].jsonData.definitions).toBeUndefined();
  });

  it('names every limit and the rollups switch for assistive technology', () => {
    render(<ConfigEditor options={options} onOptionsChange={jest.fn()} />);
    const l = labels.config.limits;
    expect(screen.getByRole('spinbutton', { name: l.maxSeries.label })).toHaveAttribute(
      'data-testid',
      selectors.config.maxSeries
    );
    expect(screen.getByRole('textbox', { name: l.queryTimeout.label })).toHaveAttribute(
      'data-testid',
      selectors.config.queryTimeout
    );
    expect(screen.getByRole('switch', { name: l.rollups.label })).toHaveAttribute(
      'data-testid',
      selectors.config.rollups
    );
  });

  it('shows the backend defaults as placeholders', () => {
    render(<ConfigEditor options={options} onOptionsChange={jest.fn()} />);
    expect(screen.getByTestId(selectors.config.maxSeries)).toHaveAttribute('placeholder', '5000');
    expect(screen.getByTestId(selectors.config.queryTimeout)).toHaveAttribute('placeholder', '30s');
  });

  it('writes the outcome columns as a list, each once, and drops the setting when emptied', () => {
    const onOptionsChange = jest.fn();
    const declared = { ...options, jsonData: { ...options.jsonData, outcomeColumns: ['clicked'] } };
    render(<ConfigEditor options={declared} onOptionsChange={onOptionsChange} />);
    const input = screen.getByTestId(selectors.config.outcomeColumns);
    expect(input).toHaveValue('clicked');
    fireEvent.change(input, { target: { value: 'clicked, purchased,, clicked ' } });
    fireEvent.blur(input);
    expect(onOptionsChange.mock.calls[0][0].jsonData.outcomeColumns).toEqual(['clicked', 'purchased']);
    fireEvent.change(input, { target: { value: ' ' } });
    fireEvent.blur(input);
    expect(onOptionsChange.mock.calls[1][0].jsonData.outcomeColumns).toBeUndefined();
  });
});

describe('ConfigEditor ingest', () => {
  const ingestText = labels.config.ingest;
  const withIngest = (ingest: ModelwatchOptions['ingest']) => ({
    ...options,
    jsonData: { ...options.jsonData, ingest },
  });
  const enabled = withIngest({ enabled: true });

  it('is off by default and shows nothing but the switch and what it does', () => {
    render(<ConfigEditor options={options} onOptionsChange={jest.fn()} />);
    const toggle = screen.getByRole('switch', { name: ingestText.enabled.label });
    expect(toggle).not.toBeChecked();
    expect(toggle).toHaveAccessibleDescription(ingestText.enabled.description);
    expect(screen.queryByTestId(selectors.config.ingestMaxBatchRows)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.ingestPredictionsRoute)).not.toBeInTheDocument();
  });

  it('switching on writes ingest.enabled; off again removes the whole ingest key', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.click(screen.getByTestId(selectors.config.ingestEnabled));
    const on = onOptionsChange.mock.calls[0][0];
    expect(on.jsonData).toEqual({ ...options.jsonData, ingest: { enabled: true } });
    rerender(<ConfigEditor options={on} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(selectors.config.ingestEnabled)).toBeChecked();
    fireEvent.click(screen.getByTestId(selectors.config.ingestEnabled));
    const off = onOptionsChange.mock.calls[1][0];
    expect(off.jsonData).not.toHaveProperty('ingest');
    expect(off.jsonData).toEqual(options.jsonData);
  });

  it('switching off keeps the settings that are not defaults', () => {
    const onOptionsChange = jest.fn();
    const admin = withIngest({ enabled: true, role: 'Admin', maxBatchRows: 1000 });
    render(<ConfigEditor options={admin} onOptionsChange={onOptionsChange} />);
    fireEvent.click(screen.getByTestId(selectors.config.ingestEnabled));
    expect(onOptionsChange.mock.calls[0][0].jsonData.ingest).toEqual({ role: 'Admin', maxBatchRows: 1000 });
  });

  it('writes the Admin role and drops Editor, the default', async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={enabled} onOptionsChange={onOptionsChange} />);
    expect(screen.getByRole('combobox', { name: ingestText.role.label })).toHaveValue('Editor');
    await choose(ingestText.role.label, 'Admin');
    const admin = onOptionsChange.mock.calls[0][0];
    expect(admin.jsonData.ingest).toEqual({ enabled: true, role: 'Admin' });
    rerender(<ConfigEditor options={admin} onOptionsChange={onOptionsChange} />);
    await choose(ingestText.role.label, 'Editor');
    expect(onOptionsChange.mock.calls[1][0].jsonData.ingest).toEqual({ enabled: true });
  });

  it('shows the defaults as placeholders and writes, clears and drops limits', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={enabled} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(selectors.config.ingestMaxBodyBytes)).toHaveAttribute('placeholder', '33554432 (32 MiB)');
    expect(screen.getByTestId(selectors.config.ingestMaxBatchRows)).toHaveAttribute('placeholder', '50000');
    expect(screen.getByTestId(selectors.config.ingestRowsPerSecond)).toHaveAttribute('placeholder', '200000');
    expect(screen.getByTestId(selectors.config.ingestBatchesPerSecond)).toHaveAttribute('placeholder', '50');

    fireEvent.change(screen.getByTestId(selectors.config.ingestMaxBatchRows), { target: { value: '1000' } });
    const rows = onOptionsChange.mock.calls[0][0];
    expect(rows.jsonData.ingest).toEqual({ enabled: true, maxBatchRows: 1000 });
    rerender(<ConfigEditor options={rows} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.ingestMaxBodyBytes), { target: { value: '1048576' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData.ingest).toEqual({
      enabled: true,
      maxBatchRows: 1000,
      maxBodyBytes: 1048576,
    });

    fireEvent.change(screen.getByTestId(selectors.config.ingestMaxBatchRows), { target: { value: '' } });
    expect(onOptionsChange.mock.calls[2][0].jsonData.ingest).toEqual({ enabled: true });
    expect(screen.getByTestId(selectors.config.ingestMaxBatchRows)).toHaveValue(null);
  });

  it('drops a limit typed as its default, and the field keeps what was typed', () => {
    const onOptionsChange = jest.fn();
    const limited = withIngest({ enabled: true, batchesPerSecond: 10 });
    const { rerender } = render(<ConfigEditor options={limited} onOptionsChange={onOptionsChange} />);
    const input = screen.getByTestId(selectors.config.ingestBatchesPerSecond);
    expect(input).toHaveValue(10);
    fireEvent.change(input, { target: { value: '50' } });
    const dropped = onOptionsChange.mock.calls[0][0];
    expect(dropped.jsonData.ingest).toEqual({ enabled: true });
    rerender(<ConfigEditor options={dropped} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(selectors.config.ingestBatchesPerSecond)).toHaveValue(50);
  });

  it.each([
    [
      'below the range',
      'ingestMaxBatchRows',
      '0',
      'Max rows per request must be a number of rows, a whole number from 1 to 1,000,000, not "0"',
    ],
    ['above the range', 'ingestRowsPerSecond', '10000001', 'from 1 to 10,000,000, not "10000001"'],
    [
      'over what the plugin protocol carries',
      'ingestMaxBodyBytes',
      '67108865',
      'from 1,024 to 67,108,864, not "67108865"',
    ],
    ['not whole', 'ingestBatchesPerSecond', '2.5', 'whole number from 1 to 10,000, not "2.5"'],
    [
      'under 1 KiB',
      'ingestMaxBodyBytes',
      '1000',
      'number of bytes, a whole number from 1,024 to 67,108,864, not "1000"',
    ],
  ] as const)('refuses a limit %s with its message and writes nothing', (_case, testId, value, message) => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={enabled} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config[testId]), { target: { value } });
    expect(screen.getByText(new RegExp(escapeRegExp(message)))).toBeInTheDocument();
    expect(screen.getByTestId(selectors.config[testId])).toHaveValue(Number(value));
    expect(onOptionsChange).not.toHaveBeenCalled();
  });

  it("shows both routes' paths with the data source's uid, read only", () => {
    render(<ConfigEditor options={{ ...enabled, uid: 'fraud-store' }} onOptionsChange={jest.fn()} />);
    const predictions = screen.getByRole('textbox', { name: ingestText.predictionsRoute.label });
    expect(predictions).toHaveValue('/api/datasources/uid/fraud-store/resources/predictions');
    expect(predictions).toHaveAttribute('readonly');
    expect(screen.getByRole('textbox', { name: ingestText.labelsRoute.label })).toHaveValue(
      '/api/datasources/uid/fraud-store/resources/labels'
    );
    expect(screen.getByRole('button', { name: 'Copy predictions route' })).toBeInTheDocument();
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ConfigEditor PostgreSQL', () => {
  const pg = labels.config.server;
  const postgres = {
    ...options,
    jsonData: { store: 'postgres', host: 'db.internal', database: 'ml', user: 'modelwatch_reader' },
    secureJsonFields: {},
  } as unknown as DataSourceSettings<ModelwatchOptions>;

  it('switches the store to PostgreSQL', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    await choose(labels.config.store.label, labels.config.storeOptions.postgres.label);
    expect(onOptionsChange.mock.calls[0][0].jsonData.store).toBe('postgres');
  });

  it("shows the server's fields instead of the file's, the rollups switch, and no ingest or memory settings", () => {
    render(<ConfigEditor options={postgres} onOptionsChange={jest.fn()} />);
    expect(screen.getByTestId(selectors.config.serverHost)).toHaveValue('db.internal');
    expect(screen.getByTestId(selectors.config.serverDatabase)).toHaveValue('ml');
    expect(screen.getByTestId(selectors.config.serverUser)).toHaveValue('modelwatch_reader');
    expect(screen.getByTestId(selectors.config.serverPort)).toHaveAttribute('placeholder', '5432');
    expect(screen.getByRole('combobox', { name: pg.sslMode.label })).toHaveValue('require');
    expect(screen.queryByTestId(selectors.config.path)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.ingestEnabled)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.memoryLimit)).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.config.rollups)).toBeChecked();
    expect(screen.getByTestId(selectors.config.queryTimeout)).toBeInTheDocument();
  });

  it('writes the server in jsonData, the port and pool size as whole numbers', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={postgres} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.serverHost), { target: { value: ' pg.prod ' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData.host).toBe('pg.prod');
    fireEvent.change(screen.getByTestId(selectors.config.serverPort), { target: { value: '6543' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData.port).toBe(6543);
    fireEvent.change(screen.getByTestId(selectors.config.serverPoolSize), { target: { value: '2.5' } });
    expect(onOptionsChange.mock.calls[2][0].jsonData.poolSize).toBeUndefined();
    fireEvent.change(screen.getByTestId(selectors.config.serverPoolSize), { target: { value: '4' } });
    expect(onOptionsChange.mock.calls[3][0].jsonData.poolSize).toBe(4);
  });

  it('writes the password to secureJsonData only, and resets a configured one', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={postgres} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.serverPassword), { target: { value: 's3cret' } });
    const written = onOptionsChange.mock.calls[0][0];
    expect(written.secureJsonData).toEqual({ password: 's3cret' });
    expect(JSON.stringify(written.jsonData)).not.toContain('s3cret');
    const configured = { ...postgres, secureJsonFields: { password: true } };
    rerender(<ConfigEditor options={configured} onOptionsChange={onOptionsChange} />);
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    const reset = onOptionsChange.mock.calls[1][0];
    expect(reset.secureJsonFields).toEqual({ password: false });
    expect(reset.secureJsonData).toEqual({ password: '' });
  });

  it('offers the TLS certificates unless TLS is off', async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={postgres} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.serverCACert), {
      target: { value: '-----BEGIN CERTIFICATE-----' },
    });
    expect(onOptionsChange.mock.calls[0][0].secureJsonData).toEqual({ tlsCACert: '-----BEGIN CERTIFICATE-----' });
    await choose(pg.sslMode.label, 'verify-full');
    const full = onOptionsChange.mock.calls[1][0];
    expect(full.jsonData.sslMode).toBe('verify-full');
    rerender(
      <ConfigEditor
        options={{ ...postgres, jsonData: { ...postgres.jsonData, sslMode: 'disable' } }}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(screen.queryByTestId(selectors.config.serverCACert)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.serverClientKey)).not.toBeInTheDocument();
  });
});

describe('ConfigEditor ClickHouse', () => {
  const clickhouse = {
    ...options,
    jsonData: { store: 'clickhouse', host: 'ch.internal', database: 'default', user: 'grafana' },
    secureJsonFields: {},
  } as unknown as DataSourceSettings<ModelwatchOptions>;

  it('switches the store to ClickHouse', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    await choose(labels.config.store.label, labels.config.storeOptions.clickhouse.label);
    expect(onOptionsChange.mock.calls[0][0].jsonData.store).toBe('clickhouse');
  });

  it("shows the server's fields with ClickHouse's ports, the rollups switch, and no labels table or DuckDB settings", () => {
    const { rerender } = render(<ConfigEditor options={clickhouse} onOptionsChange={jest.fn()} />);
    expect(screen.getByTestId(selectors.config.serverHost)).toHaveValue('ch.internal');
    expect(screen.getByTestId(selectors.config.serverPort)).toHaveAttribute('placeholder', '9440');
    expect(screen.queryByTestId(selectors.config.labelsTable)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.path)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.ingestEnabled)).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.config.rollups)).toBeChecked();
    rerender(
      <ConfigEditor
        options={{ ...clickhouse, jsonData: { ...clickhouse.jsonData, sslMode: 'disable' } }}
        onOptionsChange={jest.fn()}
      />
    );
    expect(screen.getByTestId(selectors.config.serverPort)).toHaveAttribute('placeholder', '9000');
  });

  it('offers the TLS modes ClickHouse accepts, without verify-ca', async () => {
    render(<ConfigEditor options={clickhouse} onOptionsChange={jest.fn()} />);
    fireEvent.click(screen.getByRole('combobox', { name: labels.config.server.sslMode.label }));
    expect(await screen.findByRole('option', { name: /verify-full/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /verify-ca/ })).not.toBeInTheDocument();
  });
});
