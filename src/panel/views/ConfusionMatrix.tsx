import React, { useState } from 'react';
import { css } from '@emotion/css';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { cellIntensity, cellShare, type ConfusionCell, type ConfusionMatrixModel } from '../data/confusion';
import type { ModelwatchPanelOptions, Normalization } from '../types';
import { shareFormatter, valueFormatter, type ValueDisplay } from './format';
import {
  arrangeMatrices,
  FONT,
  MATRIX_GAP,
  matrixLayout,
  type CellDetail,
  type MatrixLayout,
  type MatrixTexts,
  type TextPlacement,
} from './matrixLayout';
import { lineHeight } from './textWidth';

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

/** Height of a matrix's caption (its title), above its SVG. */
const CAPTION_HEIGHT = 28;

type MatrixOptions = ConfusionMatrixProps['options'];

/** What a cell shows: the main value (the share, else the count), and the count under a share. */
function cellTexts(cell: ConfusionCell, options: MatrixOptions, display?: ValueDisplay) {
  const share = cellShare(cell, options.normalize);
  return {
    value: share === null ? formatCount(cell.count, display) : formatShare(share, display),
    count: share !== null && options.showCounts ? formatCount(cell.count, display) : undefined,
  };
}

/** The texts of a matrix whose widths its layout measures. */
export function matrixTexts(matrix: ConfusionMatrixModel, options: MatrixOptions, display?: ValueDisplay): MatrixTexts {
  const cells = matrix.cells.flat().map((cell) => cellTexts(cell, options, display));
  return {
    labels: matrix.labels,
    recall: matrix.classes.map((stats) => formatShare(stats.recall, display)),
    precision: matrix.classes.map((stats) => formatShare(stats.precision, display)),
    cellValues: cells.map((cell) => cell.value),
    cellCounts: cells.flatMap((cell) => (cell.count === undefined ? [] : [cell.count])),
  };
}

/** Confusion matrices, one per frame: rows are actual labels, columns predicted labels. */
export function ConfusionMatrix({ matrices, options, width = 800, height = 600, display }: ConfusionMatrixProps) {
  const styles = useStyles2(getStyles);
  const texts = matrices.map((matrix) => matrixTexts(matrix, options, display));
  const box = arrangeMatrices(texts, width, height, CAPTION_HEIGHT);
  return (
    <div
      className={styles.container}
      style={{ width, height, gridTemplateColumns: `repeat(${box.columns}, ${box.width}px)` }}
    >
      {matrices.map((matrix, i) => (
        <Matrix
          key={matrix.key}
          matrix={matrix}
          options={options}
          display={display}
          layout={matrixLayout(texts[i], box.width, box.height)}
        />
      ))}
    </div>
  );
}

interface MatrixProps {
  matrix: ConfusionMatrixModel;
  options: MatrixOptions;
  display?: ValueDisplay;
  layout: MatrixLayout;
}

interface LabelProps {
  placement: TextPlacement;
  fill: string;
  fontSize?: number;
  fontWeight?: number;
  testId?: string;
  /** The whole text, as a tooltip, when the placed text is cut. */
  tooltip?: string;
}

/** A text where its layout placed it, turned when the layout turned it. */
function Label({ placement, fill, fontSize = FONT.label, fontWeight, testId, tooltip }: LabelProps) {
  const { x, y } = placement;
  return (
    <text
      x={x}
      y={y}
      textAnchor={placement.anchor}
      dominantBaseline="central"
      transform={placement.rotated ? `rotate(-90 ${x} ${y})` : undefined}
      fontSize={fontSize}
      fontWeight={fontWeight}
      fill={fill}
      data-testid={testId}
    >
      {tooltip !== undefined && tooltip !== placement.text && <title>{tooltip}</title>}
      {placement.text}
    </text>
  );
}

function Matrix({ matrix, options, display, layout }: MatrixProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  // The focused cell's description, shown under the matrix: cells are reachable with Tab and
  // their details readable without a mouse.
  const [focused, setFocused] = useState<string | null>(null);
  const secondary = theme.colors.text.secondary;
  const primary = theme.colors.text.primary;

  return (
    <figure className={styles.matrix} data-testid={selectors.panel.confusion.matrix} data-detail={layout.detail}>
      <figcaption className={styles.title} data-testid={selectors.panel.confusion.title} title={matrix.title}>
        {matrix.title}
      </figcaption>
      <svg width={layout.width} height={layout.height} role="grid" aria-label={matrix.title} className={styles.svg}>
        <Label placement={layout.predictedTitle} fill={secondary} fontSize={FONT.title} fontWeight={FONT.titleWeight} />
        <Label placement={layout.actualTitle} fill={secondary} fontSize={FONT.title} fontWeight={FONT.titleWeight} />
        <g role="row">
          {matrix.labels.map((label, p) => (
            <g key={`col-${label}`} role="columnheader" aria-label={label}>
              <Label placement={layout.columnLabels[p]} fill={primary} tooltip={label} />
            </g>
          ))}
          <g role="columnheader" aria-label={labels.panel.recall}>
            <Label placement={layout.recallHeader} fill={primary} />
          </g>
        </g>
        {matrix.cells.map((row, a) => (
          <g key={`row-${matrix.labels[a]}`} role="row">
            <g role="rowheader" aria-label={matrix.labels[a]}>
              <Label placement={layout.rowLabels[a]} fill={primary} tooltip={matrix.labels[a]} />
            </g>
            {row.map((cell) => (
              <Cell
                key={`cell-${cell.predicted}`}
                matrix={matrix}
                cell={cell}
                options={options}
                display={display}
                layout={layout}
                onFocusChange={setFocused}
              />
            ))}
            <g
              role="gridcell"
              aria-label={classStat(labels.panel.recall, matrix.labels[a], matrix.classes[a].recall, display)}
            >
              <Label placement={layout.recallLabels[a]} fill={secondary} testId={selectors.panel.confusion.recall} />
            </g>
          </g>
        ))}
        <g role="row">
          <g role="rowheader" aria-label={labels.panel.precision}>
            <Label placement={layout.precisionHeader} fill={primary} />
          </g>
          {matrix.classes.map((stats, p) => {
            const precision = classStat(labels.panel.precision, stats.label, stats.precision, display);
            return (
              <g key={`precision-${stats.label}`} role="gridcell" aria-label={precision}>
                <title>{precision}</title>
                <Label
                  placement={layout.precisionLabels[p]}
                  fill={secondary}
                  testId={selectors.panel.confusion.precision}
                />
              </g>
            );
          })}
        </g>
      </svg>
      {focused && (
        <div role="status" className={styles.focused} data-testid={selectors.panel.confusion.focused}>
          {focused}
        </div>
      )}
    </figure>
  );
}

/** A class's recall or precision as its grid cell is named: "Precision churn: 82.8%". */
function classStat(name: string, label: string, share: number | null, display?: ValueDisplay): string {
  return `${name} ${label}: ${formatShare(share, display)}`;
}

interface CellProps {
  matrix: ConfusionMatrixModel;
  display?: ValueDisplay;
  cell: ConfusionCell;
  options: MatrixOptions;
  layout: MatrixLayout;
  onFocusChange?: (description: string | null) => void;
}

/**
 * The tooltip and accessible name of a cell: actual and predicted class, then the texts the cell
 * shows in their order (the normalised share and the count, else the count), then the share of
 * the whole matrix in parentheses where no share is shown. The name holds the visible text, as
 * speech input needs.
 */
export function cellDescription(cell: ConfusionCell, normalize: Normalization, display?: ValueDisplay): string {
  const share = cellShare(cell, normalize);
  const count = formatCount(cell.count, display);
  const values =
    share === null
      ? `${count} (${formatShare(cell.shares.total, display)})`
      : `${formatShare(share, display)}, ${count} ${labels.panel.predictions}`;
  return `${labels.panel.actual} ${cell.actual}, ${labels.panel.predicted.toLowerCase()} ${cell.predicted}: ${values}`;
}

/** The texts a cell of this detail shows, with their font sizes, from top to bottom. */
function shownTexts(detail: CellDetail, texts: ReturnType<typeof cellTexts>, isShare: boolean) {
  if (detail === 'colour') {
    return [];
  }
  if (detail === 'value') {
    return [{ text: texts.value, size: FONT.compact, isShare }];
  }
  const main = { text: texts.value, size: FONT.share, isShare };
  return texts.count === undefined ? [main] : [main, { text: texts.count, size: FONT.count, isShare: false }];
}

function Cell({ matrix, cell, options, display, layout, onFocusChange }: CellProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const intensity = cellIntensity(matrix, cell, options.normalize);
  const base = theme.visualization.getColorByName(cell.diagonal ? 'green' : 'red');
  const background = colorManipulator.alpha(base, 0.06 + 0.84 * intensity);
  const color = intensity > 0.55 ? theme.colors.getContrastText(base) : theme.colors.text.primary;
  const isShare = cellShare(cell, options.normalize) !== null;
  const lines = shownTexts(layout.detail, cellTexts(cell, options, display), isShare);
  const description = cellDescription(cell, options.normalize, display);
  const x = layout.x(cell.predicted) ?? 0;
  const y = layout.y(cell.actual) ?? 0;
  const width = layout.x.bandwidth();
  const height = layout.y.bandwidth();
  // Lines stacked around the cell's middle, each as high as its font.
  const heights = lines.map((line) => lineHeight(line.size));
  const top = y + height / 2 - heights.reduce((sum, h) => sum + h, 0) / 2;
  const centres = heights.map((h, i) => top + heights.slice(0, i).reduce((sum, above) => sum + above, 0) + h / 2);

  return (
    <g
      role="gridcell"
      data-testid={selectors.panel.confusion.cell}
      className={styles.cell}
      aria-label={description}
      tabIndex={0}
      onFocus={() => onFocusChange?.(description)}
      onBlur={() => onFocusChange?.(null)}
    >
      <title>{description}</title>
      <rect
        x={x}
        y={y}
        width={width}
        height={height}
        rx={layout.detail === 'full' ? 3 : 2}
        fill={background}
        stroke={cell.diagonal ? base : 'none'}
        strokeWidth={layout.detail === 'full' ? 2 : 1}
      />
      {lines.map((line, i) => (
        <text
          key={i}
          x={x + width / 2}
          y={centres[i]}
          textAnchor="middle"
          dominantBaseline="central"
          fontSize={line.size}
          fontWeight={cell.diagonal && line.isShare ? theme.typography.fontWeightBold : undefined}
          fill={color}
          opacity={line.isShare || i === 0 ? 1 : 0.85}
          data-testid={line.isShare ? selectors.panel.confusion.share : selectors.panel.confusion.count}
        >
          {line.text}
        </text>
      ))}
    </g>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  focused: css({
    marginTop: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  container: css({
    display: 'grid',
    gap: MATRIX_GAP,
    overflow: 'auto',
    alignContent: 'start',
  }),
  matrix: css({
    margin: 0,
    minWidth: 0,
  }),
  title: css({
    ...theme.typography.h6,
    height: CAPTION_HEIGHT,
    margin: 0,
    textAlign: 'center',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  svg: css({
    display: 'block',
    fontVariantNumeric: 'tabular-nums',
  }),
  cell: css({
    outline: 'none',
    '&:focus-visible rect, &:focus rect': {
      stroke: theme.colors.primary.border,
      strokeWidth: 2,
    },
  }),
});
