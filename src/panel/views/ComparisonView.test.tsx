import React from 'react';
import { AlertState, dataFrameFromJSON, ThresholdsMode, type ThresholdsConfig } from '@grafana/data';
import { fireEvent, render, screen, within } from '@testing-library/react';

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
import { ComparisonView } from './ComparisonView';
import type { ValueDisplay } from './format';

const ids = selectors.panel.comparison;
const text = labels.panel.comparison;

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
  );
}

describe('ComparisonView', () => {
  it('draws both versions as lines with a legend naming them', () => {
    renderComparison();
    const metric = screen.getByTestId(ids.metricChart);
    const lines = within(metric).getAllByTestId(ids.line);
    expect(lines.map((line) => line.getAttribute('data-series'))).toEqual(['A (champion)', 'B (challenger)']);
    // The challenger has three buckets with a value, the champion five.
    expect(lines[0].querySelectorAll('circle')).toHaveLength(5);
    expect(lines[1].querySelectorAll('circle')).toHaveLength(3);
    const legend = screen.getByTestId(ids.legend);
    expect(legend).toHaveTextContent('A (champion)');
    expect(legend).toHaveTextContent('B (challenger)');
  });

  it('shows the value of a point in a tooltip when the point gets keyboard focus', () => {
    renderComparison();
    const metric = screen.getByTestId(ids.metricChart);
    expect(within(metric).queryByTestId(ids.tooltip)).not.toBeInTheDocument();
    const point = within(metric).getAllByTestId(ids.line)[1].querySelector('circle')!;
    expect(point).toHaveAttribute('tabindex', '0');
    fireEvent.focus(point);
    const tooltip = within(metric).getByTestId(ids.tooltip);
    expect(tooltip).toHaveTextContent('B (challenger)');
    expect(tooltip.textContent).toBe(point.getAttribute('aria-label'));
    fireEvent.blur(point);
    expect(within(metric).queryByTestId(ids.tooltip)).not.toBeInTheDocument();
  });

  it('draws the delta with its band and a zero line below', () => {
    renderComparison();
    const delta = screen.getByTestId(ids.deltaChart);
    const band = within(delta).getByTestId(ids.band);
    expect(band.getAttribute('d')).toMatch(/^M.+Z$/);
    expect(within(delta).getByTestId(ids.zeroLine)).toBeInTheDocument();
    expect(within(delta).getAllByTestId(ids.line)).toHaveLength(1);
    // Daily buckets from 2024-04-01: the time axis shows dates in the dashboard's time zone.
    expect(within(delta).getAllByTestId(ids.tick)[0]).toHaveTextContent('04/01');
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

  it("draws the panel's thresholds on the metric chart, not the base step", () => {
    renderComparison({
      thresholds: {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 0.7, color: 'red' },
        ],
      },
    });
    const metric = screen.getByTestId(ids.metricChart);
    const marks = within(metric).getAllByTestId(ids.threshold);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent(`${text.threshold} 0.7`);
    expect(within(screen.getByTestId(ids.deltaChart)).queryAllByTestId(ids.threshold)).toHaveLength(0);
  });

  it('draws annotations on both time axes, points and regions, with their text as tooltip', () => {
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
      const markers = within(chart).getAllByTestId(ids.annotation);
      expect(markers.map((marker) => marker.querySelector('title')?.textContent)).toEqual([
        'Deployed B',
        'Label backfill',
      ]);
      expect(markers[0].querySelector('rect')).toBeNull();
      expect(markers[1].querySelector('rect')).not.toBeNull();
    }
  });

  it('shows no annotation and no alert badge when there are none', () => {
    renderComparison();
    expect(screen.queryAllByTestId(ids.annotation)).toHaveLength(0);
    expect(screen.queryByTestId(ids.alertState)).not.toBeInTheDocument();
  });

  it("shows the panel's alert state as a badge in the header", () => {
    renderComparison({ alertState: AlertState.Alerting });
    const badge = within(screen.getByTestId(ids.summary)).getByTestId(ids.alertState);
    expect(badge).toHaveTextContent(text.alertState.states.alerting);
    expect(badge).toHaveAttribute('title', `${text.alertState.title}: ${text.alertState.states.alerting}`);
  });

  it("shows the metric and its delta in the panel's unit, on the axes, the header and the thresholds", () => {
    renderComparison({
      display: { unit: 'percentunit', decimals: 1 },
      thresholds: {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 0.7, color: 'red' },
        ],
      },
    });
    const summary = screen.getByTestId(ids.summary);
    expect(summary).toHaveTextContent('A 60.0% → B 74.0%');
    expect(summary).toHaveTextContent('Δ +14.0% (95% CI +9.0% to +19.0%)');
    // The p-value is not in the metric's unit.
    expect(summary).toHaveTextContent('p 1.0e-4');
    const metricLabels = [...screen.getByTestId(ids.metricChart).querySelectorAll('text')].map((el) => el.textContent);
    expect(metricLabels).toContain('60.0%');
    expect(metricLabels.every((label) => label?.endsWith('%'))).toBe(true);
    expect(screen.getByTestId(ids.threshold)).toHaveTextContent(`${text.threshold} 70.0%`);
    const deltaLabels = [...screen.getByTestId(ids.deltaChart).querySelectorAll('text')]
      .map((el) => el.textContent ?? '')
      .filter((label) => !label.includes('/'));
    expect(deltaLabels).toContain('+10.0%');
  });
});
