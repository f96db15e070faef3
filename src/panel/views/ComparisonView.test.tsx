import '../../test/uplotEnvironment';
import React from 'react';
import uPlot from 'uplot';
import { AlertState, dataFrameFromJSON, EventBusSrv, ThresholdsMode, type ThresholdsConfig } from '@grafana/data';
import { DashboardCursorSync } from '@grafana/schema';
import { PanelContextProvider } from '@grafana/ui';
import { act, fireEvent, render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FIXED_TIME } from '../../test/factories';
import {
  annotationFrame,
  comparisonFrames,
  comparisonNumericJSON,
  PRECISION_AB,
  PRECISION_AB_WHOLE_RANGE,
  type ComparisonFixture,
} from '../../test/panelFrames';
import { annotationMarkers, type AnnotationMarker } from '../data/annotations';
import { comparisonsFromFrames } from '../data/comparison';
import { ComparisonView, nextHidden } from './ComparisonView';
import type { ValueDisplay } from './format';

const ids = selectors.panel.comparison;
const text = labels.panel.comparison;
// The dashboard's events scope: the charts join uPlot's cursor sync under it.
const SCOPE = 'comparison-view-test';

/** The uPlot charts drawn, by the test id of the chart around each. */
function plots(): Record<string, uPlot> {
  return Object.fromEntries(
    uPlot.sync(SCOPE).plots.map((plot) => [plot.root.closest('figure')?.getAttribute('data-testid'), plot])
  );
}

/** The screen-reader table of a chart: one row per bucket, a column per series. */
function tableRows(chartTestId: string): string[][] {
  const table = within(screen.getByTestId(chartTestId)).getByRole('table');
  return within(table)
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''));
}

function renderComparison({
  withNumeric = false,
  thresholds,
  fixture = PRECISION_AB,
  annotations,
  alertState,
  display,
}: {
  withNumeric?: boolean;
  thresholds?: ThresholdsConfig;
  fixture?: ComparisonFixture;
  annotations?: AnnotationMarker[];
  alertState?: AlertState;
  display?: ValueDisplay;
} = {}) {
  const frames = comparisonFrames(fixture);
  if (withNumeric) {
    frames.push(dataFrameFromJSON(comparisonNumericJSON(PRECISION_AB_WHOLE_RANGE)));
  }
  return render(
    <PanelContextProvider
      value={{ eventsScope: SCOPE, eventBus: new EventBusSrv(), sync: () => DashboardCursorSync.Crosshair }}
    >
      <ComparisonView
        comparisons={comparisonsFromFrames(frames)}
        width={800}
        height={500}
        timeZone="utc"
        thresholds={thresholds}
        annotations={annotations}
        alertState={alertState}
        display={display}
      />
    </PanelContextProvider>
  );
}

describe('ComparisonView', () => {
  it('draws both versions on a uPlot chart, with a legend naming them', () => {
    renderComparison();
    const { [ids.metricChart]: metric, [ids.deltaChart]: delta } = plots();
    expect(metric.data.slice(1)).toEqual([PRECISION_AB.series.champion, PRECISION_AB.series.challenger]);
    expect(delta.data.slice(1)).toEqual([
      PRECISION_AB.series.delta,
      PRECISION_AB.series.ci_high,
      PRECISION_AB.series.ci_low,
    ]);
    expect((delta as uPlot & { bands: uPlot.Band[] }).bands).toHaveLength(1);
    const legend = screen.getByTestId(ids.legend);
    expect(legend).toHaveTextContent('A (champion)');
    expect(legend).toHaveTextContent('B (challenger)');
    expect(legend).toHaveTextContent(text.deltaTitle);
  });

  it('gives screen readers every value in a table, in the dashboard time zone', () => {
    renderComparison();
    const rows = tableRows(ids.metricChart);
    expect(rows[0]).toEqual(['Time', 'A (champion)', 'B (challenger)']);
    // Daily buckets from 2024-04-01; the challenger has values in three of the five.
    expect(rows[1][0]).toBe('2024-04-01 00:00:00');
    expect(rows.slice(1).filter((row) => row[2] !== '-')).toHaveLength(3);
    const delta = tableRows(ids.deltaChart);
    expect(delta[0]).toEqual(['Time', text.delta, text.interval]);
    expect(delta[4].slice(1)).toEqual(['+0.14', '[+0.09, +0.19]']);
  });

  it('isolates a series when its legend item is clicked, and shows all again on a second click', () => {
    renderComparison();
    const legend = screen.getByTestId(ids.legend);
    act(() => {
      fireEvent.click(within(legend).getByText('B (challenger)'));
    });
    expect(plots()[ids.metricChart].data.slice(1)).toEqual([PRECISION_AB.series.challenger]);
    expect(plots()[ids.deltaChart].data.slice(1)).toEqual([]);
    act(() => {
      fireEvent.click(within(legend).getByText('B (challenger)'));
    });
    expect(plots()[ids.metricChart].data).toHaveLength(3);
    expect(plots()[ids.deltaChart].data).toHaveLength(4);
  });

  it('summarises the last bucket with a delta when only the time series is there', () => {
    renderComparison();
    const summary = screen.getByTestId(ids.summary);
    expect(summary).toHaveTextContent('Precision · churn-classifier · B (challenger) vs A (champion)');
    expect(summary).toHaveTextContent('A 0.6 → B 0.74');
    expect(summary).toHaveTextContent('Δ +0.14 (95% CI +0.09 to +0.19)');
    expect(summary).toHaveTextContent('p 1.0e-4');
    expect(summary).toHaveTextContent(`${text.lastBucket} 2024-04-04 00:00`);
    expect(within(summary).getByTestId(ids.verdict)).toHaveTextContent(text.verdict.better);
  });

  it('summarises the whole range from a numeric query', () => {
    renderComparison({ withNumeric: true });
    const summary = screen.getByTestId(ids.summary);
    expect(summary).toHaveTextContent('Δ +0.21 (95% CI +0.193 to +0.227)');
    expect(summary).toHaveTextContent('p 4.2e-105');
    expect(summary).toHaveTextContent(text.wholeRange);
  });

  it('says when the challenger is significantly worse', () => {
    const worse: ComparisonFixture = {
      series: {
        ...PRECISION_AB.series,
        delta: [null, null, null, -0.1, null],
        ci_low: [null, null, null, -0.15, null],
        ci_high: [null, null, null, -0.05, null],
        p_value: [null, null, null, 0.001, null],
        challenger_better: [0, 0, 0, 0, 0],
      },
    };
    renderComparison({ fixture: worse });
    expect(screen.getByTestId(ids.verdict)).toHaveTextContent(text.verdict.worse);
  });

  it('puts the annotations in the time range on both charts, with their text', async () => {
    const DAY = 86_400_000;
    const annotations = annotationMarkers([
      annotationFrame([
        { time: FIXED_TIME + 2 * DAY, text: 'Deployed B' },
        { time: FIXED_TIME + 3 * DAY, timeEnd: FIXED_TIME + 4 * DAY, text: 'Label backfill', color: 'red' },
        // Outside the charts' time range: not drawn.
        { time: FIXED_TIME - 10 * DAY, text: 'Long ago' },
      ]),
    ]);
    renderComparison({ annotations });
    for (const chart of [screen.getByTestId(ids.metricChart), screen.getByTestId(ids.deltaChart)]) {
      // The markers are placed once uPlot has drawn the plot (its "ready" hook).
      const markers = await within(chart).findAllByTestId(selectors.panel.chart.annotation);
      expect(markers.map((marker) => marker.getAttribute('aria-label'))).toEqual(['Deployed B', 'Label backfill']);
      expect(markers.map((marker) => Number(marker.getAttribute('data-time')))).toEqual([
        FIXED_TIME + 2 * DAY,
        FIXED_TIME + 3 * DAY,
      ]);
    }
  });

  it('shows no annotation and no alert badge when there are none', () => {
    renderComparison();
    expect(screen.queryAllByTestId(selectors.panel.chart.annotation)).toHaveLength(0);
    expect(screen.queryByTestId(ids.alertState)).not.toBeInTheDocument();
  });

  it("shows the panel's alert state as a badge in the header", () => {
    renderComparison({ alertState: AlertState.Alerting });
    const badge = within(screen.getByTestId(ids.summary)).getByTestId(ids.alertState);
    expect(badge).toHaveTextContent(text.alertState.states.alerting);
    expect(badge).toHaveAttribute('title', `${text.alertState.title}: ${text.alertState.states.alerting}`);
  });

  it("shows the metric and its delta in the panel's unit, on the axes and in the header", () => {
    const thresholds: ThresholdsConfig = {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 0.7, color: 'red' },
      ],
    };
    renderComparison({ display: { unit: 'percentunit', decimals: 1 }, thresholds });
    const summary = screen.getByTestId(ids.summary);
    expect(summary).toHaveTextContent('A 60.0% → B 74.0%');
    expect(summary).toHaveTextContent('Δ +14.0% (95% CI +9.0% to +19.0%)');
    // The p-value is not in the metric's unit.
    expect(summary).toHaveTextContent('p 1.0e-4');
    const { [ids.metricChart]: metric, [ids.deltaChart]: delta } = plots();
    const yAxis = (plot: uPlot) => plot.axes[1].values as (u: uPlot, splits: number[]) => string[];
    expect(yAxis(metric)(metric, [0.6, 0.7])).toEqual(['60.0%', '70.0%']);
    expect(yAxis(delta)(delta, [0, 0.1])).toEqual(['0.0%', '+10.0%']);
    expect(tableRows(ids.metricChart)[1][1]).toBe('75.0%'); // A's first bucket, 0.75
  });
});

describe('nextHidden (legend clicks)', () => {
  it('isolates a series on a click and shows all again on a click on the isolated one', () => {
    const isolated = nextHidden(new Set(), 'challenger', false);
    expect([...isolated].sort()).toEqual(['champion', 'delta']);
    expect([...nextHidden(isolated, 'challenger', false)]).toEqual([]);
    expect([...nextHidden(isolated, 'champion', false)].sort()).toEqual(['challenger', 'delta']);
  });

  it('toggles one series with ctrl or cmd', () => {
    const hidden = nextHidden(new Set(), 'delta', true);
    expect([...hidden]).toEqual(['delta']);
    expect([...nextHidden(hidden, 'delta', true)]).toEqual([]);
  });
});
