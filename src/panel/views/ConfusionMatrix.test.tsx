import React from 'react';
import { render, screen, within } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { CHURN, confusionFrame } from '../../test/factories';
import { confusionMatricesFromFrames } from '../data/confusion';
import { ConfusionMatrix, formatCount } from './ConfusionMatrix';

const ids = selectors.panel.confusion;

function renderMatrices(fixtures: Array<Parameters<typeof confusionFrame>[0]>, normalize: 'none' | 'row' = 'row') {
  const matrices = confusionMatricesFromFrames(fixtures.map((fixture) => confusionFrame(fixture)));
  return render(
    <ConfusionMatrix matrices={matrices} options={{ normalize, showCounts: true }} width={800} height={600} />
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
    expect(screen.getAllByRole('rowheader').map((el) => el.textContent)).toEqual(['churn', 'stay']);
    expect(screen.getAllByRole('columnheader').map((el) => el.textContent)).toEqual([
      'churn',
      'stay',
      labels.panel.recall,
    ]);
    expect(screen.getAllByTestId(ids.cell)[1]).toHaveAttribute(
      'title',
      expect.stringContaining('Actual churn, predicted stay')
    );
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
});
