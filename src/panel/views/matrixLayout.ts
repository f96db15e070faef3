import { scaleBand, type ScaleBand } from 'd3-scale';

import { labels as text } from '../../labels';
import { lineHeight, textWidth, widestText, type Box, type MeasureText } from './textWidth';

/** Cells (their coloured square) never get smaller than this: below it the matrix scrolls within the panel instead. */
export const MIN_CELL = 28;
/** Rows grow to fill the panel up to this height (gap included). */
export const FULL_CELL = 56;
/** Columns grow to fill the panel up to this width (beyond it a 2 x 2 matrix is mostly empty colour). */
const MAX_COLUMN = 4 * FULL_CELL;
/** Class names longer than this are cut, with the full name in a tooltip. */
export const MAX_LABEL_CHARS = 16;

/** Font sizes (px) the labels are measured at and drawn at. */
export const FONT = {
  label: 12,
  title: 12,
  titleWeight: 500,
  share: 16,
  count: 12,
  compact: 10,
};
/** Free space between any text and the edge of the SVG. */
const EDGE = 4;
/** Between an axis title and the labels, and between labels and the cells. */
const GAP = 6;
/** Between neighbouring cells. */
const CELL_GAP = 2;
/** Inside a cell, around its text. */
const CELL_PADDING = 4;

/** What a cell has room for: share and count, the main value only, or just its colour. */
export type CellDetail = 'full' | 'value' | 'colour';

/** A text as drawn: its anchor point (dominant-baseline central), alignment, rotation and the box it covers. */
export interface TextPlacement {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  /** Turned 90 degrees counter-clockwise about (x, y): read from bottom to top. */
  rotated: boolean;
  box: Box;
}

export interface MatrixTexts {
  /** Class names, in matrix order: rows (actual) and columns (predicted) alike. */
  labels: string[];
  /** Recall of each row and precision of each column, as shown. */
  recall: string[];
  precision: string[];
  /** What cells show: the main value (share, else count), and the count under a share in full cells. */
  cellValues: string[];
  cellCounts: string[];
}

export interface MatrixLayout {
  /** Size of the SVG: larger than the panel's box when cells would be under MIN_CELL. */
  width: number;
  height: number;
  /** Predicted class to column, actual class to row (band start and bandwidth, in SVG coordinates). */
  x: ScaleBand<string>;
  y: ScaleBand<string>;
  detail: CellDetail;
  /** Column headers and precision values run vertically when they do not fit their column. */
  rotateHeaders: boolean;
  predictedTitle: TextPlacement;
  actualTitle: TextPlacement;
  columnLabels: TextPlacement[];
  rowLabels: TextPlacement[];
  recallHeader: TextPlacement;
  precisionHeader: TextPlacement;
  recallLabels: TextPlacement[];
  precisionLabels: TextPlacement[];
}

/** A class name as a header shows it: cut to MAX_LABEL_CHARS with an ellipsis. */
export function truncateLabel(label: string, max = MAX_LABEL_CHARS): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function upright(value: string, x: number, y: number, anchor: TextPlacement['anchor'], width: number, height: number) {
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
  return { text: value, x, y, anchor, rotated: false, box: { x: left, y: y - height / 2, width, height } };
}

function rotated(value: string, x: number, y: number, anchor: TextPlacement['anchor'], width: number, height: number) {
  // Rotated, the text's start is at the bottom: 'start' runs up from y, 'end' down from y.
  const top = anchor === 'start' ? y - width : anchor === 'middle' ? y - width / 2 : y;
  return { text: value, x, y, anchor, rotated: true, box: { x: x - height / 2, y: top, width: height, height: width } };
}

/** `value` limited to [min, max]; the midpoint when the range is empty. */
function clamp(value: number, min: number, max: number): number {
  return max < min ? (min + max) / 2 : Math.min(max, Math.max(min, value));
}

/**
 * Places a confusion matrix in a `width` x `height` box: margins from the measured widths of its
 * class names, axis titles and precision/recall values; cells as large as fit, between MIN_CELL
 * and FULL_CELL high. The axis titles centre on the part of the cells the box shows, so that they
 * stay in sight when the matrix is larger than the box and scrolls.
 */
export function matrixLayout(
  texts: MatrixTexts,
  width: number,
  height: number,
  measure: MeasureText = textWidth
): MatrixLayout {
  const n = Math.max(1, texts.labels.length);
  const shown = texts.labels.map((label) => truncateLabel(label));
  const line = lineHeight(FONT.label);
  const titleLine = lineHeight(FONT.title);
  const widest = (values: string[], size: number, weight?: number) => widestText(values, size, weight, measure);

  const rowLabelWidth = widest([...shown, text.panel.precision], FONT.label);
  const recallWidth = widest([...texts.recall, text.panel.recall], FONT.label);
  const left = EDGE + titleLine + GAP + rowLabelWidth + GAP;
  const right = GAP + recallWidth + EDGE;
  // Column and row steps: a cell and the gap after it.
  const column = Math.min(MAX_COLUMN, Math.max(MIN_CELL + CELL_GAP, (width - left - right + CELL_GAP) / n));
  const columnLabelWidth = widest(shown, FONT.label);
  const precisionWidth = widest(texts.precision, FONT.label);
  const rotateHeaders = Math.max(columnLabelWidth, precisionWidth) > column - CELL_GAP - 2;
  const headerHeight = rotateHeaders ? Math.max(columnLabelWidth, line) : line;
  const footerHeight = rotateHeaders ? Math.max(precisionWidth, line) : line;
  const top = EDGE + titleLine + GAP + headerHeight + GAP;
  const bottom = GAP + footerHeight + EDGE;
  const row = Math.min(FULL_CELL, Math.max(MIN_CELL + CELL_GAP, (height - top - bottom + CELL_GAP) / n));
  const plotRight = left + n * column - CELL_GAP;
  const plotBottom = top + n * row - CELL_GAP;
  const svgWidth = Math.ceil(plotRight + right);
  const svgHeight = Math.ceil(plotBottom + bottom);

  const x = scaleBand<string>()
    .domain(texts.labels)
    .range([left, plotRight])
    .paddingInner(CELL_GAP / column);
  const y = scaleBand<string>()
    .domain(texts.labels)
    .range([top, plotBottom])
    .paddingInner(CELL_GAP / row);

  const valueWidth = widest(texts.cellValues, FONT.share);
  const countWidth = widest(texts.cellCounts, FONT.count);
  const fullHeight = lineHeight(FONT.share) + (texts.cellCounts.length > 0 ? lineHeight(FONT.count) : 0);
  const detail: CellDetail =
    Math.max(valueWidth, countWidth) + 2 * CELL_PADDING <= x.bandwidth() &&
    fullHeight + 2 * CELL_PADDING <= y.bandwidth()
      ? 'full'
      : widest(texts.cellValues, FONT.compact) + CELL_PADDING <= x.bandwidth() &&
          lineHeight(FONT.compact) <= y.bandwidth()
        ? 'value'
        : 'colour';

  // Axis titles: centred on the cells the box shows, never past the SVG's or the box's edge.
  const visibleRight = Math.min(plotRight, width - EDGE);
  const visibleBottom = Math.min(plotBottom, height - EDGE);
  const predictedWidth = measure(text.panel.predicted, FONT.title, FONT.titleWeight);
  const actualWidth = measure(text.panel.actual, FONT.title, FONT.titleWeight);
  const predictedX = clamp(
    (left + visibleRight) / 2,
    EDGE + predictedWidth / 2,
    Math.min(svgWidth, width) - EDGE - predictedWidth / 2
  );
  const actualY = clamp(
    (top + visibleBottom) / 2,
    top + actualWidth / 2,
    Math.min(svgHeight, height) - EDGE - actualWidth / 2
  );

  const headerY = top - GAP;
  const footerY = plotBottom + GAP;
  const recallX = plotRight + GAP + recallWidth / 2;
  const columnCentre = (label: string) => (x(label) ?? 0) + x.bandwidth() / 2;
  const rowCentre = (label: string) => (y(label) ?? 0) + y.bandwidth() / 2;

  return {
    width: svgWidth,
    height: svgHeight,
    x,
    y,
    detail,
    rotateHeaders,
    predictedTitle: upright(
      text.panel.predicted,
      predictedX,
      EDGE + titleLine / 2,
      'middle',
      predictedWidth,
      titleLine
    ),
    actualTitle: rotated(text.panel.actual, EDGE + titleLine / 2, actualY, 'middle', actualWidth, titleLine),
    columnLabels: texts.labels.map((label, i) =>
      rotateHeaders
        ? rotated(shown[i], columnCentre(label), headerY, 'start', measure(shown[i], FONT.label), line)
        : upright(shown[i], columnCentre(label), headerY - line / 2, 'middle', measure(shown[i], FONT.label), line)
    ),
    rowLabels: texts.labels.map((label, i) =>
      upright(shown[i], left - GAP, rowCentre(label), 'end', measure(shown[i], FONT.label), line)
    ),
    recallHeader: upright(
      text.panel.recall,
      recallX,
      headerY - line / 2,
      'middle',
      measure(text.panel.recall, FONT.label),
      line
    ),
    precisionHeader: upright(
      text.panel.precision,
      left - GAP,
      footerY + line / 2,
      'end',
      measure(text.panel.precision, FONT.label),
      line
    ),
    recallLabels: texts.labels.map((label, i) =>
      upright(
        texts.recall[i] ?? '',
        recallX,
        rowCentre(label),
        'middle',
        measure(texts.recall[i] ?? '', FONT.label),
        line
      )
    ),
    precisionLabels: texts.labels.map((label, i) => {
      const value = texts.precision[i] ?? '';
      const valueWidth = measure(value, FONT.label);
      return rotateHeaders
        ? rotated(value, columnCentre(label), footerY, 'end', valueWidth, line)
        : upright(value, columnCentre(label), footerY + line / 2, 'middle', valueWidth, line);
    }),
  };
}

/** Gap between matrices drawn side by side or one under the other. */
export const MATRIX_GAP = 16;

export interface MatrixArrangement {
  /** Matrices per row. */
  columns: number;
  /** The box each matrix gets (its caption excluded). */
  width: number;
  height: number;
}

/**
 * As many matrices side by side as fit without scrolling sideways (one at least), and the box each
 * gets: the panel shared out, less a caption of `captionHeight` above each matrix.
 */
export function arrangeMatrices(
  matrices: MatrixTexts[],
  width: number,
  height: number,
  captionHeight: number,
  measure: MeasureText = textWidth
): MatrixArrangement {
  const count = Math.max(1, matrices.length);
  let columns = count;
  for (; columns > 1; columns--) {
    const each = Math.floor((width - MATRIX_GAP * (columns - 1)) / columns);
    if (matrices.every((texts) => matrixLayout(texts, each, height, measure).width <= each)) {
      break;
    }
  }
  const rows = Math.ceil(count / columns);
  return {
    columns,
    width: Math.floor((width - MATRIX_GAP * (columns - 1)) / columns),
    height: Math.floor((height - MATRIX_GAP * (rows - 1)) / rows) - captionHeight,
  };
}
