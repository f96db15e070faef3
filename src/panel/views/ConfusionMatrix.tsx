import React from 'react';
import { css } from '@emotion/css';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { cellIntensity, cellShare, type ConfusionCell, type ConfusionMatrixModel } from '../data/confusion';
import type { ModelwatchPanelOptions } from '../types';

export interface ConfusionMatrixProps {
  matrices: ConfusionMatrixModel[];
  options: Pick<ModelwatchPanelOptions, 'normalize' | 'showCounts'>;
  width?: number;
  height?: number;
}

const countFormat = new Intl.NumberFormat('en-US');

/** Counts as shown in cells; exported so that tests look for exactly what a user sees. */
export function formatCount(count: number): string {
  return countFormat.format(count);
}

export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}

const MIN_CELL = 56;

/** Confusion matrices, one per frame: rows are actual labels, columns predicted labels. */
export function ConfusionMatrix({ matrices, options, width, height }: ConfusionMatrixProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.container} style={{ width, height }}>
      {matrices.map((matrix) => (
        <Matrix key={matrix.key} matrix={matrix} options={options} />
      ))}
    </div>
  );
}

interface MatrixProps {
  matrix: ConfusionMatrixModel;
  options: ConfusionMatrixProps['options'];
}

function Matrix({ matrix, options }: MatrixProps) {
  const styles = useStyles2(getStyles);
  const n = matrix.labels.length;
  // Grid tracks: axis title, row headers, one per class, recall.
  const grid = {
    gridTemplateColumns: `auto auto repeat(${n}, minmax(${MIN_CELL}px, 1fr)) auto`,
    gridTemplateRows: `auto auto repeat(${n}, minmax(${MIN_CELL * 0.75}px, 1fr)) auto`,
  };
  const firstCell = 3;

  return (
    <figure
      className={styles.matrix}
      data-testid={selectors.panel.confusion.matrix}
      style={{ flexBasis: 140 + n * MIN_CELL }}
    >
      <figcaption className={styles.title} data-testid={selectors.panel.confusion.title}>
        {matrix.title}
      </figcaption>
      <div className={styles.grid} style={grid} role="grid" aria-label={matrix.title}>
        <div className={styles.axisPredicted} style={{ gridRow: 1, gridColumn: `${firstCell} / span ${n}` }}>
          {labels.panel.predicted}
        </div>
        <div className={styles.axisActual} style={{ gridRow: `${firstCell} / span ${n}`, gridColumn: 1 }}>
          {labels.panel.actual}
        </div>
        {matrix.labels.map((label, i) => (
          <div
            key={`col-${label}`}
            className={styles.columnHeader}
            style={{ gridRow: 2, gridColumn: firstCell + i }}
            role="columnheader"
          >
            {label}
          </div>
        ))}
        <div className={styles.columnHeader} style={{ gridRow: 2, gridColumn: firstCell + n }} role="columnheader">
          {labels.panel.recall}
        </div>
        {matrix.cells.map((row, a) => (
          <div key={`row-${matrix.labels[a]}`} role="row" className={styles.row}>
            <div className={styles.rowHeader} style={{ gridRow: firstCell + a, gridColumn: 2 }} role="rowheader">
              {matrix.labels[a]}
            </div>
            {row.map((cell, p) => (
              <Cell
                key={`cell-${cell.predicted}`}
                matrix={matrix}
                cell={cell}
                options={options}
                gridRow={firstCell + a}
                gridColumn={firstCell + p}
              />
            ))}
            <div
              className={styles.metric}
              style={{ gridRow: firstCell + a, gridColumn: firstCell + n }}
              data-testid={selectors.panel.confusion.recall}
            >
              {formatShare(matrix.classes[a].recall)}
            </div>
          </div>
        ))}
        <div className={styles.rowHeader} style={{ gridRow: firstCell + n, gridColumn: 2 }}>
          {labels.panel.precision}
        </div>
        {matrix.classes.map((stats, p) => (
          <div
            key={`precision-${stats.label}`}
            className={styles.metric}
            style={{ gridRow: firstCell + n, gridColumn: firstCell + p }}
            data-testid={selectors.panel.confusion.precision}
          >
            {formatShare(stats.precision)}
          </div>
        ))}
      </div>
    </figure>
  );
}

interface CellProps {
  matrix: ConfusionMatrixModel;
  cell: ConfusionCell;
  options: ConfusionMatrixProps['options'];
  gridRow: number;
  gridColumn: number;
}

function Cell({ matrix, cell, options, gridRow, gridColumn }: CellProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const intensity = cellIntensity(matrix, cell, options.normalize);
  const base = theme.visualization.getColorByName(cell.diagonal ? 'green' : 'red');
  const background = colorManipulator.alpha(base, 0.06 + 0.84 * intensity);
  const color = intensity > 0.55 ? theme.colors.getContrastText(base) : theme.colors.text.primary;
  const share = cellShare(cell, options.normalize);
  const showCount = options.showCounts || share === null;
  const description = `${labels.panel.actual} ${cell.actual}, ${labels.panel.predicted.toLowerCase()} ${cell.predicted}: ${formatCount(cell.count)}`;

  return (
    <div
      role="gridcell"
      data-testid={selectors.panel.confusion.cell}
      className={cell.diagonal ? `${styles.cell} ${styles.diagonal}` : styles.cell}
      style={{ gridRow, gridColumn, background, color, borderColor: cell.diagonal ? base : undefined }}
      title={share === null ? description : `${description} (${formatShare(share)})`}
    >
      {share !== null && (
        <span className={styles.share} data-testid={selectors.panel.confusion.share}>
          {formatShare(share)}
        </span>
      )}
      {showCount && (
        <span className={share === null ? styles.share : styles.count} data-testid={selectors.panel.confusion.count}>
          {formatCount(cell.count)}
        </span>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    overflow: 'auto',
    alignContent: 'flex-start',
  }),
  matrix: css({
    flexGrow: 1,
    flexShrink: 1,
    margin: 0,
    display: 'flex',
    flexDirection: 'column',
    minWidth: 0,
  }),
  title: css({
    ...theme.typography.h6,
    marginBottom: theme.spacing(1),
    textAlign: 'center',
  }),
  grid: css({
    display: 'grid',
    gap: 2,
    flexGrow: 1,
  }),
  row: css({ display: 'contents' }),
  axisPredicted: css({
    textAlign: 'center',
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
    paddingBottom: theme.spacing(0.5),
  }),
  axisActual: css({
    writingMode: 'vertical-rl',
    transform: 'rotate(180deg)',
    textAlign: 'center',
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
    paddingLeft: theme.spacing(0.5),
  }),
  columnHeader: css({
    textAlign: 'center',
    alignSelf: 'end',
    color: theme.colors.text.primary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  rowHeader: css({
    alignSelf: 'center',
    textAlign: 'right',
    paddingRight: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  cell: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    borderRadius: theme.shape.radius.default,
    border: '2px solid transparent',
    padding: theme.spacing(0.5),
    fontVariantNumeric: 'tabular-nums',
  }),
  diagonal: css({
    fontWeight: theme.typography.fontWeightBold,
  }),
  share: css({ fontSize: theme.typography.h5.fontSize }),
  count: css({ fontSize: theme.typography.bodySmall.fontSize, opacity: 0.85 }),
  metric: css({
    alignSelf: 'center',
    textAlign: 'center',
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    padding: theme.spacing(0.5),
    fontVariantNumeric: 'tabular-nums',
  }),
});
