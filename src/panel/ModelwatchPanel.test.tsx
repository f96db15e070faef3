import React from 'react';
import {
  getDefaultTimeRange,
  LoadingState,
  toDataFrame,
  type DataFrame,
  type FieldConfigSource,
  type PanelProps,
} from '@grafana/data';
import { render, screen } from '@testing-library/react';

import { labels } from '../labels';
import { selectors } from '../selectors';
import { CHURN, confusionFrame } from '../test/factories';
import { ModelwatchPanel } from './ModelwatchPanel';
import { DEFAULT_PANEL_OPTIONS, type ModelwatchPanelOptions } from './types';

function panelProps(series: DataFrame[]): PanelProps<ModelwatchPanelOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: DEFAULT_PANEL_OPTIONS,
    fieldConfig: { defaults: {}, overrides: [] } as FieldConfigSource,
    width: 600,
    height: 400,
    transparent: false,
    title: 'Confusion',
    renderCounter: 0,
    eventBus: {} as PanelProps['eventBus'],
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
    replaceVariables: (value: string) => value,
  } as PanelProps<ModelwatchPanelOptions>;
}

describe('ModelwatchPanel', () => {
  it('renders the confusion matrix of confusion frames', () => {
    render(<ModelwatchPanel {...panelProps([confusionFrame(CHURN)])} />);
    expect(screen.getAllByTestId(selectors.panel.confusion.cell)).toHaveLength(4);
  });

  it('explains an empty result instead of drawing an empty grid', () => {
    render(<ModelwatchPanel {...panelProps([])} />);
    expect(screen.getByText(labels.panel.noConfusionFrames, { exact: false })).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.panel.confusion.matrix)).not.toBeInTheDocument();
  });

  it('explains frames of another kind', () => {
    const series = [toDataFrame({ fields: [{ name: 'precision', values: [0.9] }] })];
    render(<ModelwatchPanel {...panelProps(series)} />);
    expect(screen.getByText(labels.panel.noConfusionFrames, { exact: false })).toBeInTheDocument();
  });
});
