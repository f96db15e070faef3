import React, { useState } from 'react';
import { css } from '@emotion/css';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { cellIntensity, cellShare, type ConfusionCell, type ConfusionMatrixModel } from '../data/confusion';
import type { ModelwatchPanelOptions, Normalization } from '../types';
import { shareFormatter, valueFormatter, type ValueDisplay } from './format';
import { matrixLayout, truncateLabel, type CellDetail } from './matrixLayout';

export interface ConfusionMatrixProps {
  matrices: ConfusionMatrixModel[];
  options: Pick<ModelwatchPanelOptions, 'normalize' | 'showCounts'>;
  width?: number;
  height?: number;
  /** The panel's unit (for counts) and decimals (for counts and shares). */
  display?: ValueDisplay;
}

const countFormat = new Intl.NumberFormat('en-US');

/** Counts as shown in cells (the panel's unit, else grouped digits); exported so that tests look for exactly what a user sees. */
export function formatCount(count: number, display?: ValueDisplay): string {
  return valueFormatter(display, (value) => (value === null ? '–' : countFormat.format(value)))(count);
}

/** Shares, precision and recall: always percent (a unit is for counts), with the panel's decimals or one. */
export function formatShare(share: number | null, display?: ValueDisplay): string {
  return shareFormatter({ decimals: display?.decimals })(share);
}

/** Confusion matrices, one per frame: rows are actual labels, columns predicted labels. */
export function ConfusionMatrix({ matrices, options, width = 800, height, display }: ConfusionMatrixProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.container} style={{ width, height }}>
      {matrices.map((matrix) => (
        <Matrix key={matrix.key} matrix={matrix} options={options} display={display} width={width} />
      ))}
    </div>
  );
}

interface MatrixProps {
  matrix: ConfusionMatrixModel;
  options: ConfusionMatrixProps['options'];
  display?: ValueDisplay;
  width: number;
}

/** A class name, cut when long, with the full name as its tooltip. */
function ClassLabel({ label }: { label: string }) {
  const shown = truncateLabel(label);
  return (
    <span title={label} aria-label={shown === label ? undefined : label}>
      {shown}
    </span>
  );
}

function Matrix({ matrix, options, display, width }: MatrixProps) {
  const styles = useStyles2(getStyles);
  // The focused cell's description, shown under the matrix: cells are reachable with Tab and
  // their details readable without a mouse.
  const [focused, setFocused] = useState<string | null>(null);
  const n = matrix.labels.length;
  const layout = matrixLayout(matrix.labels, width, [labels.panel.precision]);
  // Grid tracks: axis title, row headers, one per class, recall.
  const grid = {
    gridTemplateColumns: `auto ${layout.rowHeaderWidth}px repeat(${n}, minmax(${layout.cell}px, 1fr)) auto`,
    gridTemplateRows: `auto auto repeat(${n}, minmax(${layout.rowCell}px, 1fr)) auto`,
  };
  const firstCell = 3;

  return (
    <figure
      className={styles.matrix}
      data-testid={selectors.panel.confusion.matrix}
      data-detail={layout.detail}
      style={{ flexBasis: layout.minWidth, minWidth: layout.minWidth }}
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
            className={layout.rotateHeaders ? `${styles.columnHeader} ${styles.rotated}` : styles.columnHeader}
            style={{ gridRow: 2, gridColumn: firstCell + i }}
            role="columnheader"
          >
            <ClassLabel label={label} />
          </div>
        ))}
        <div className={styles.columnHeader} style={{ gridRow: 2, gridColumn: firstCell + n }} role="columnheader">
          {labels.panel.recall}
        </div>
        {matrix.cells.map((row, a) => (
          <div key={`row-${matrix.labels[a]}`} role="row" className={styles.row}>
            <div className={styles.rowHeader} style={{ gridRow: firstCell + a, gridColumn: 2 }} role="rowheader">
              <ClassLabel label={matrix.labels[a]} />
            </div>
            {row.map((cell, p) => (
              <Cell
                key={`cell-${cell.predicted}`}
                matrix={matrix}
                cell={cell}
                options={options}
                display={display}
                detail={layout.detail}
                gridRow={firstCell + a}
                gridColumn={firstCell + p}
                onFocusChange={setFocused}
              />
            ))}
            <div
              className={styles.metric}
              style={{ gridRow: firstCell + a, gridColumn: firstCell + n }}
              data-testid={selectors.panel.confusion.recall}
            >
              {formatShare(matrix.classes[a].recall, display)}
            </div>
          </div>
        ))}
        <div className={styles.rowHeader} style={{ gridRow: firstCell + n, gridColumn: 2 }}>
          {labels.panel.precision}
        </div>
        {matrix.classes.map((stats, p) => (
          <div
            key={`precision-${stats.label}`}
            className={layout.rotateHeaders ? `${styles.metric} ${styles.rotated}` : styles.metric}
            style={{ gridRow: firstCell + n, gridColumn: firstCell + p }}
            data-testid={selectors.panel.confusion.precision}
            title={`${labels.panel.precision} ${stats.label}: ${formatShare(stats.precision, display)}`}
          >
            {formatShare(stats.precision, display)}
          </div>
        ))}
      </div>
      {focused && (
        <div role="status" className={styles.focused} data-testid={selectors.panel.confusion.focused}>
          {focused}
        </div>
      )}
    </figure>
  );
}

interface CellProps {
  matrix: ConfusionMatrixModel;
  display?: ValueDisplay;
  cell: ConfusionCell;
  options: ConfusionMatrixProps['options'];
  detail: CellDetail;
  gridRow: number;
  gridColumn: number;
  onFocusChange?: (description: string | null) => void;
}

/** The tooltip of a cell: actual and predicted class, count, and share (of the whole matrix without normalisation). */
export function cellDescription(cell: ConfusionCell, normalize: Normalization, display?: ValueDisplay): string {
  const share = cellShare(cell, normalize) ?? cell.shares.total;
  return `${labels.panel.actual} ${cell.actual}, ${labels.panel.predicted.toLowerCase()} ${cell.predicted}: ${formatCount(cell.count, display)} (${formatShare(share, display)})`;
}

function Cell({ matrix, cell, options, display, detail, gridRow, gridColumn, onFocusChange }: CellProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const intensity = cellIntensity(matrix, cell, options.normalize);
  const base = theme.visualization.getColorByName(cell.diagonal ? 'green' : 'red');
  const background = colorManipulator.alpha(base, 0.06 + 0.84 * intensity);
  const color = intensity > 0.55 ? theme.colors.getContrastText(base) : theme.colors.text.primary;
  const share = cellShare(cell, options.normalize);
  // Small cells show one value (the share, else the count); the smallest only their colour.
  const showShare = share !== null && detail !== 'colour';
  const showCount = detail === 'full' ? options.showCounts || share === null : detail === 'value' && share === null;
  const className = [styles.cell, cell.diagonal && styles.diagonal, detail !== 'full' && styles.compact]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      role="gridcell"
      data-testid={selectors.panel.confusion.cell}
      className={className}
      style={{ gridRow, gridColumn, background, color, borderColor: cell.diagonal ? base : undefined }}
      title={cellDescription(cell, options.normalize, display)}
      aria-label={cellDescription(cell, options.normalize, display)}
      tabIndex={0}
      onFocus={() => onFocusChange?.(cellDescription(cell, options.normalize, display))}
      onBlur={() => onFocusChange?.(null)}
    >
      {showShare && (
        <span className={styles.share} data-testid={selectors.panel.confusion.share}>
          {formatShare(share, display)}
        </span>
      )}
      {showCount && (
        <span className={share === null ? styles.share : styles.count} data-testid={selectors.panel.confusion.count}>
          {formatCount(cell.count, display)}
        </span>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  focused: css({
    marginTop: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
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
  rotated: css({
    writingMode: 'vertical-rl',
    transform: 'rotate(180deg)',
    justifySelf: 'center',
    alignSelf: 'end',
    textAlign: 'left',
    padding: theme.spacing(0.5, 0),
  }),
  rowHeader: css({
    alignSelf: 'center',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
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
  compact: css({
    padding: 0,
    border: '1px solid transparent',
    fontSize: 10,
    overflow: 'hidden',
    '& > span': { fontSize: 10 },
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
