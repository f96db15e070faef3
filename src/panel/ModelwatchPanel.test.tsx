import React from 'react';
import {
  AlertState,
  dateTime,
  getDefaultTimeRange,
  LoadingState,
  ThresholdsMode,
  toDataFrame,
  type DataFrame,
  type FieldConfigSource,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { render, screen, within } from '@testing-library/react';

import '../test/uplotEnvironment';
import { labels } from '../labels';
import { selectors } from '../selectors';
import { CHURN, confusionFrame, FIXED_TIME } from '../test/factories';
import {
  AGE_DRIFTED,
  annotationFrame,
  comparisonFrames,
  driftFrame,
  manyClassFixture,
  PLAN_STABLE,
  PRECISION_AB,
} from '../test/panelFrames';
import { ModelwatchPanel } from './ModelwatchPanel';
import { DEFAULT_PANEL_OPTIONS, type ModelwatchPanelOptions } from './types';

/** The fixtures' days (from FIXED_TIME) as the dashboard's time range. */
function fixtureTimeRange(): TimeRange {
  const from = dateTime(FIXED_TIME);
  const to = dateTime(FIXED_TIME + 5 * 86_400_000);
  return { from, to, raw: { from, to } };
}

function panelProps(
  series: DataFrame[],
  options: Partial<ModelwatchPanelOptions> = {},
  fieldConfig: FieldConfigSource = { defaults: {}, overrides: [] }
): PanelProps<ModelwatchPanelOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_PANEL_OPTIONS, ...options },
    fieldConfig,
    width: 600,
    height: 400,
    transparent: false,
    title: 'Modelwatch',
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

  it('folds the rarest classes of a matrix beyond 30 into "other"', () => {
    render(<ModelwatchPanel {...panelProps([confusionFrame(manyClassFixture(34))])} />);
    expect(screen.getAllByTestId(selectors.panel.confusion.cell)).toHaveLength(30 * 30);
    // A row per class, then the precision row.
    const rows = screen
      .getAllByRole('rowheader')
      .map((row) => row.textContent)
      .slice(0, -1);
    expect(rows).toHaveLength(30);
    expect(rows[29]).toBe(labels.panel.otherClasses);
  });

  it('picks the drift view for drift histogram frames', () => {
    render(<ModelwatchPanel {...panelProps([driftFrame(PLAN_STABLE), driftFrame(AGE_DRIFTED)])} />);
    expect(screen.getAllByTestId(selectors.panel.drift.chart)).toHaveLength(2);
    expect(screen.getAllByTestId(selectors.panel.drift.bar)).toHaveLength(2 * 5 + 2 * 3);
    expect(screen.queryByTestId(selectors.panel.confusion.matrix)).not.toBeInTheDocument();
  });

  it('picks the comparison view for comparison frames and draws the thresholds of the field config', () => {
    const fieldConfig: FieldConfigSource = {
      defaults: {
        thresholds: {
          mode: ThresholdsMode.Absolute,
          steps: [
            { value: -Infinity, color: 'green' },
            { value: 0.65, color: 'red' },
            { value: 0.72, color: 'orange' },
          ],
        },
      },
      overrides: [],
    };
    render(<ModelwatchPanel {...panelProps(comparisonFrames(PRECISION_AB), {}, fieldConfig)} />);
    expect(screen.getByTestId(selectors.panel.comparison.summary)).toBeInTheDocument();
    // Drawn by Grafana's threshold hook on the metric chart (checked in Chromium), and listed for screen readers.
    const metric = screen.getByTestId(selectors.panel.comparison.metricChart);
    expect(
      within(metric)
        .getAllByTestId(selectors.panel.chart.threshold)
        .map((el) => el.textContent)
    ).toEqual([`${labels.panel.chart.threshold} 0.65`, `${labels.panel.chart.threshold} 0.72`]);
  });

  it("draws the dashboard's annotations and the alert state on the comparison", async () => {
    const props = panelProps(comparisonFrames(PRECISION_AB));
    props.data = {
      ...props.data,
      annotations: [annotationFrame([{ time: FIXED_TIME + 86_400_000, text: 'Deployed B' }])],
      alertState: { id: 1, dashboardUID: 'd', panelId: 1, state: AlertState.Pending },
    };
    props.timeRange = fixtureTimeRange();
    render(<ModelwatchPanel {...props} />);
    // One marker on the metric chart, one on the delta chart, once uPlot has drawn them.
    expect(await screen.findAllByTestId(selectors.panel.chart.annotation)).toHaveLength(2);
    expect(screen.getByTestId(selectors.panel.comparison.alertState)).toHaveTextContent(
      labels.panel.comparison.alertState.states.pending
    );
  });

  it("passes the field config's unit and decimals to the view", () => {
    const fieldConfig: FieldConfigSource = { defaults: { unit: 'percentunit', decimals: 0 }, overrides: [] };
    render(<ModelwatchPanel {...panelProps(comparisonFrames(PRECISION_AB), {}, fieldConfig)} />);
    expect(screen.getByTestId(selectors.panel.comparison.summary)).toHaveTextContent('A 60% → B 74%');
  });

  it('follows a forced view even when other frames come first', () => {
    const series = [confusionFrame(CHURN), driftFrame(AGE_DRIFTED)];
    render(<ModelwatchPanel {...panelProps(series, { view: 'drift' })} />);
    expect(screen.getByTestId(selectors.panel.drift.chart)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.panel.confusion.matrix)).not.toBeInTheDocument();
  });

  it('explains an empty result instead of drawing an empty grid', () => {
    render(<ModelwatchPanel {...panelProps([])} />);
    expect(screen.getByText(labels.panel.noModelwatchFrames, { exact: false })).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.panel.confusion.matrix)).not.toBeInTheDocument();
  });

  it('explains frames of another kind', () => {
    const series = [toDataFrame({ fields: [{ name: 'precision', values: [0.9] }] })];
    render(<ModelwatchPanel {...panelProps(series)} />);
    expect(screen.getByText(labels.panel.noModelwatchFrames, { exact: false })).toBeInTheDocument();
  });

  it.each([
    ['confusion', labels.panel.noConfusionFrames],
    ['drift', labels.panel.noDriftFrames],
    ['comparison', labels.panel.noComparisonFrames],
  ] as const)('names the query to write when the %s view has no frames of its kind', (view, message) => {
    const series = view === 'confusion' ? comparisonFrames(PRECISION_AB) : [confusionFrame(CHURN)];
    render(<ModelwatchPanel {...panelProps(series, { view })} />);
    expect(screen.getByText(message, { exact: false })).toBeInTheDocument();
  });
});
