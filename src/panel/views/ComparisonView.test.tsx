import React from 'react';
import { dataFrameFromJSON, ThresholdsMode, type ThresholdsConfig } from '@grafana/data';
import { render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import {
  comparisonFrames,
  comparisonNumericJSON,
  PRECISION_AB,
  PRECISION_AB_WHOLE_RANGE,
  type ComparisonFixture,
} from '../../test/panelFrames';
import { comparisonsFromFrames } from '../data/comparison';
import { ComparisonView } from './ComparisonView';

const ids = selectors.panel.comparison;
const text = labels.panel.comparison;

function renderComparison({
  withNumeric = false,
  thresholds,
  fixture = PRECISION_AB,
}: {
  withNumeric?: boolean;
  thresholds?: ThresholdsConfig;
  fixture?: ComparisonFixture;
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
});
