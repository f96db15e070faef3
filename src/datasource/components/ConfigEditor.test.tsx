import React from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ModelwatchOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';
import './testUtils';

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
