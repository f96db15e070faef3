import React from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { AGE_DRIFTED, driftFrame, PLAN_STABLE, TENURE_UNDEFINED, type DriftFixture } from '../../test/panelFrames';
import { driftHistogramsFromFrames } from '../data/drift';
import { DriftHistograms, gridLayout } from './DriftHistograms';
import type { ValueDisplay } from './format';

const ids = selectors.panel.drift;
const text = labels.panel.drift;

function renderHistograms(fixtures: DriftFixture[], width = 900, height = 500, display?: ValueDisplay) {
  const histograms = driftHistogramsFromFrames(fixtures.map(driftFrame));
  return render(
    <DriftHistograms histograms={histograms} width={width} height={height} timeZone="utc" display={display} />
  );
}

/** The share axis labels of the first chart. */
function shareTicks() {
  return [...screen.getByTestId(ids.chart).querySelectorAll('text')]
    .map((el) => el.textContent ?? '')
    .filter((label) => label.endsWith('%') || /^\d\.\d+$/.test(label));
}

describe('DriftHistograms', () => {
  it('draws two bars per bin and marks the bins outside the reference', () => {
    renderHistograms([AGE_DRIFTED]);
    const chart = screen.getByTestId(ids.chart);
    expect(within(chart).getAllByTestId(ids.bin)).toHaveLength(5);
    const bars = within(chart).getAllByTestId(ids.bar);
    expect(bars).toHaveLength(5 * 2);
    expect(bars.filter((bar) => bar.getAttribute('data-series') === 'reference')).toHaveLength(5);
    // Underflow and overflow are hatched.
    expect(within(chart).getAllByTestId(ids.outOfRange)).toHaveLength(2);
    // Bin edges and the outer bins label the x axis.
    const ticks = within(chart)
      .getAllByTestId(ids.tick)
      .map((tick) => tick.textContent);
    expect(ticks).toEqual(expect.arrayContaining([text.underflowTick, '0', '30', text.overflowTick]));
  });

  it('heads each chart with the method, score, threshold and verdict', () => {
    renderHistograms([AGE_DRIFTED]);
    const header = screen.getByTestId(ids.header);
    expect(within(header).getByTestId(ids.title)).toHaveTextContent('age · v2');
    expect(header).toHaveTextContent('Wasserstein · score 1.46 · threshold 0.1');
    expect(within(header).getByTestId(ids.verdict)).toHaveTextContent(text.verdict.drift);
  });

  it('shows p-value methods, categories and unseen categories', () => {
    renderHistograms([PLAN_STABLE]);
    const header = screen.getByTestId(ids.header);
    expect(header).toHaveTextContent('Chi-square · p-value 0.42 · threshold 0.05');
    expect(within(header).getByTestId(ids.verdict)).toHaveTextContent(text.verdict.noDrift);
    expect(screen.getAllByTestId(ids.bar)).toHaveLength(6);
    expect(screen.getAllByTestId(ids.tick).map((tick) => tick.textContent)).toEqual(['basic', 'pro', 'trial']);
    expect(screen.getAllByTestId(ids.outOfRange)).toHaveLength(1);
  });

  it('says why a score is undefined', () => {
    renderHistograms([TENURE_UNDEFINED]);
    const header = screen.getByTestId(ids.header);
    expect(within(header).getByTestId(ids.verdict)).toHaveTextContent(text.verdict.undefined);
    expect(header).toHaveTextContent('undefined: no non-null values in the current window');
  });

  it('orders small multiples most drifted first, undefined last', () => {
    renderHistograms([TENURE_UNDEFINED, PLAN_STABLE, AGE_DRIFTED]);
    expect(screen.getAllByTestId(ids.title).map((title) => title.textContent)).toEqual([
      'age · v2',
      'plan · v2',
      'tenure_months · v1',
    ]);
    expect(screen.getAllByTestId(ids.verdict).map((verdict) => verdict.textContent)).toEqual([
      text.verdict.drift,
      text.verdict.noDrift,
      text.verdict.undefined,
    ]);
  });

  it('shows the bin, counts and shares in a tooltip reachable with the keyboard', () => {
    renderHistograms([AGE_DRIFTED]);
    const bins = screen.getAllByTestId(ids.bin);
    expect(bins.every((bin) => bin.getAttribute('tabindex') === '0')).toBe(true);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
    fireEvent.focus(bins[1]);
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('[0, 10)');
    expect(tooltip).toHaveTextContent('Reference: 50.0% (50)');
    expect(tooltip).toHaveTextContent('Current: 10.0% (10)');
    expect(bins[1]).toHaveAttribute('aria-describedby', tooltip.id);
    fireEvent.blur(bins[1]);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
    fireEvent.mouseEnter(bins[4]);
    expect(screen.getByRole('tooltip')).toHaveTextContent(`> 30 (${text.binKind.overflow})`);
  });

  it("shows shares in percent by default, and in the panel's unit and decimals when set", () => {
    renderHistograms([AGE_DRIFTED]);
    expect(shareTicks()).toEqual(['0%', '20%', '40%', '60%']);
    cleanup();

    renderHistograms([AGE_DRIFTED], 900, 500, { unit: 'none', decimals: 2 });
    expect(shareTicks()).toEqual(['0.00', '0.20', '0.40', '0.60']);
    fireEvent.focus(screen.getAllByTestId(ids.bin)[1]);
    expect(screen.getByRole('tooltip')).toHaveTextContent('Reference: 0.50 (50)');
  });

  it('shows the legend with the reference window', () => {
    renderHistograms([AGE_DRIFTED]);
    const legend = screen.getByTestId(ids.legend);
    expect(legend).toHaveTextContent(text.reference);
    expect(legend).toHaveTextContent(text.current);
    expect(legend).toHaveTextContent('2024-03-22 00:00 – 2024-03-25 00:00');
  });
});

describe('gridLayout', () => {
  it('fits as many columns as the width allows and shares the height', () => {
    expect(gridLayout(4, 1200, 700)).toMatchObject({ columns: 4 });
    expect(gridLayout(4, 600, 400)).toMatchObject({ columns: 2 });
    expect(gridLayout(1, 600, 400)).toMatchObject({ columns: 1, cardWidth: 600 });
    expect(gridLayout(2, 200, 400).columns).toBe(1);
    expect(gridLayout(10, 600, 400).cardHeight).toBeGreaterThanOrEqual(190);
  });
});
