import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { CHURN, confusionFrame } from '../../test/factories';
import { manyClassFixture } from '../../test/panelFrames';
import { confusionMatricesFromFrames } from '../data/confusion';
import { ConfusionMatrix, formatCount } from './ConfusionMatrix';
import type { ValueDisplay } from './format';

const ids = selectors.panel.confusion;

/** The text an SVG element shows (its <title> tooltip excluded). */
const shown = (el: Element) =>
  [...(el.querySelector('text')?.childNodes ?? [])]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent)
    .join('');
/** The tooltip of an SVG element: its <title>. */
const tooltip = (el: Element) => el.querySelector('title')?.textContent;

function renderMatrices(
  fixtures: Array<Parameters<typeof confusionFrame>[0]>,
  normalize: 'none' | 'row' = 'row',
  display?: ValueDisplay,
  width = 800
) {
  const matrices = confusionMatricesFromFrames(fixtures.map((fixture) => confusionFrame(fixture)));
  return render(
    <ConfusionMatrix
      matrices={matrices}
      options={{ normalize, showCounts: true }}
      width={width}
      height={600}
      display={display}
    />
  );
}

describe('ConfusionMatrix', () => {
  it('draws an N x N grid with every count visible', () => {
    renderMatrices([CHURN]);
    const cells = screen.getAllByTestId(ids.cell);
    expect(cells).toHaveLength(4);
    expect(cells.map((cell) => within(cell).getByTestId(ids.count).textContent)).toEqual(['120', '30', '25', '800']);
    expect(screen.getByText(labels.panel.actual)).toBeInTheDocument();
    expect(screen.getByText(labels.panel.predicted)).toBeInTheDocument();
    expect(screen.getByTestId(ids.title)).toHaveTextContent('churn-classifier · A');
  });

  it('shows row shares, precision and recall', () => {
    renderMatrices([CHURN]);
    const shares = screen.getAllByTestId(ids.share).map((el) => el.textContent);
    expect(shares).toEqual(['80.0%', '20.0%', '3.0%', '97.0%']);
    expect(screen.getAllByTestId(ids.recall).map((el) => el.textContent)).toEqual(['80.0%', '97.0%']);
    expect(screen.getAllByTestId(ids.precision).map((el) => el.textContent)).toEqual(['82.8%', '96.4%']);
  });

  it('labels rows with actual and columns with predicted classes', () => {
    renderMatrices([CHURN]);
    // A row per actual class, then the precision of each predicted class.
    expect(screen.getAllByRole('rowheader').map(shown)).toEqual(['churn', 'stay', 'Precision']);
    expect(screen.getAllByRole('columnheader').map(shown)).toEqual(['churn', 'stay', labels.panel.recall]);
    expect(tooltip(screen.getAllByTestId(ids.cell)[1])).toContain('Actual churn, predicted stay');
  });

  it('draws one matrix per frame', () => {
    const three = {
      labels: ['a', 'b', 'c'],
      counts: [
        [1000, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      version: 'B',
    };
    renderMatrices([CHURN, three], 'none');
    const matrices = screen.getAllByTestId(ids.matrix);
    expect(matrices).toHaveLength(2);
    expect(within(matrices[0]).getAllByTestId(ids.cell)).toHaveLength(4);
    expect(within(matrices[1]).getAllByTestId(ids.cell)).toHaveLength(9);
    expect(within(matrices[1]).getByText(formatCount(1000))).toBeInTheDocument();
    expect(formatCount(1000)).toBe('1,000');
    // Without normalisation a cell shows only its count.
    expect(screen.queryAllByTestId(ids.share)).toHaveLength(0);
  });

  it("formats counts with the panel's unit, and counts and shares with its decimals", () => {
    renderMatrices([CHURN], 'row', { unit: 'short', decimals: 0 });
    expect(screen.getAllByTestId(ids.count).map((el) => el.textContent)).toEqual(['120', '30', '25', '800']);
    expect(screen.getAllByTestId(ids.share).map((el) => el.textContent)).toEqual(['80%', '20%', '3%', '97%']);
    expect(screen.getAllByTestId(ids.recall).map((el) => el.textContent)).toEqual(['80%', '97%']);
    expect(formatCount(12_500, { unit: 'short' })).toBe('12.5 K');
  });

  describe('with 20 classes', () => {
    const fixture = manyClassFixture(20);

    it('draws every cell with a tooltip naming actual, predicted, share and count', () => {
      renderMatrices([fixture], 'row', undefined, 600);
      const cells = screen.getAllByTestId(ids.cell);
      expect(cells).toHaveLength(400);
      // Row 7 (automotive_parts_and_accessories) is confused with its neighbour, column 6 (beauty).
      const size = 40 * (20 - 7);
      expect(tooltip(cells[7 * 20 + 6])).toBe(
        `Actual automotive_parts_and_accessories, predicted beauty: ${(
          (100 * Math.round(size * 0.08)) /
          fixture.counts[7].reduce((sum, count) => sum + count, 0)
        ).toFixed(1)}%, ${Math.round(size * 0.08)} predictions`
      );
      // The share of the row first, as the cell shows it, then the count.
      expect(
        cells.every((cell) => /^Actual .+, predicted .+: \d+\.\d%, [\d,]+ predictions$/.test(tooltip(cell)!))
      ).toBe(true);
      expect(cells.every((cell) => cell.getAttribute('aria-label') === tooltip(cell))).toBe(true);
    });

    it('cuts long class names in the headers and keeps the full name as their tooltip', () => {
      renderMatrices([fixture], 'row', undefined, 600);
      const headers = screen.getAllByRole('columnheader').slice(0, 20);
      expect(headers.map((header) => shown(header)!.length).every((length) => length <= 16)).toBe(true);
      expect(shown(headers[7])).toBe('automotive_part…');
      expect(tooltip(headers[7])).toBe('automotive_parts_and_accessories');
      const rows = screen.getAllByRole('rowheader').slice(0, 20);
      expect(tooltip(rows[7])).toBe('automotive_parts_and_accessories');
      // Names shown whole need no tooltip; every header is named in full for screen readers.
      expect(tooltip(rows[0])).toBeUndefined();
      expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual(fixture.labels);
    });

    it('keeps cells at 28 px or more, so that the matrix scrolls in a small panel', () => {
      renderMatrices([fixture], 'row', undefined, 600);
      const widths = screen
        .getAllByTestId(ids.cell)
        .map((cell) => Number(cell.querySelector('rect')!.getAttribute('width')));
      expect(Math.min(...widths)).toBe(28);
      expect(Number(screen.getByRole('grid').getAttribute('width'))).toBeGreaterThan(600);
      // The smallest cells show only their colour: the numbers are in the tooltip.
      expect(screen.queryAllByTestId(ids.share)).toHaveLength(0);
    });

    it('shows the share in each cell when the panel is wide enough', () => {
      renderMatrices([fixture], 'row', undefined, 1400);
      expect(screen.getAllByTestId(ids.share)).toHaveLength(400);
      expect(Number(screen.getByRole('grid').getAttribute('width'))).toBeLessThanOrEqual(1400);
    });
  });

  it('describes a cell under the matrix when the cell gets keyboard focus', () => {
    renderMatrices([CHURN]);
    const cell = screen.getAllByTestId(selectors.panel.confusion.cell)[1];
    expect(cell).toHaveAttribute('tabindex', '0');
    expect(screen.queryByTestId(selectors.panel.confusion.focused)).not.toBeInTheDocument();
    fireEvent.focus(cell);
    expect(screen.getByTestId(selectors.panel.confusion.focused)).toHaveTextContent(cell.getAttribute('aria-label')!);
    fireEvent.blur(cell);
    expect(screen.queryByTestId(selectors.panel.confusion.focused)).not.toBeInTheDocument();
  });
});
