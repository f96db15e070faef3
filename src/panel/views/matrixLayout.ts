/** Cells never get smaller than this: below it the matrix scrolls within the panel instead. */
export const MIN_CELL = 28;
/** Cells grow from this size to fill the panel. */
export const FULL_CELL = 56;
/** Below this size a cell shows only its main value; below MIN_TEXT_CELL, only its colour. */
const MIN_TEXT_CELL = 36;
/** Class names longer than this are cut, with the full name in a tooltip. */
export const MAX_LABEL_CHARS = 16;
/** Width of a character of the small font the headers use, rounded up. */
const CHAR_WIDTH = 7;
const AXIS_WIDTH = 24;
const METRIC_WIDTH = 56;
const GAP = 2;

/** What a cell has room for: share and count, the main value only, or just its colour. */
export type CellDetail = 'full' | 'value' | 'colour';

export interface MatrixLayout {
  /** Smallest width (and height, for small cells) of a class column. */
  cell: number;
  /** Smallest height of a class row. */
  rowCell: number;
  rowHeaderWidth: number;
  /** The matrix's smallest width: wider than the panel when the cells would be under MIN_CELL. */
  minWidth: number;
  /** Column headers run vertically when a name does not fit its column. */
  rotateHeaders: boolean;
  detail: CellDetail;
}

/** A class name as a header shows it: cut to MAX_LABEL_CHARS with an ellipsis. */
export function truncateLabel(label: string, max = MAX_LABEL_CHARS): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Sizes of a matrix of these classes in `width` pixels: cells as large as fit, between MIN_CELL and FULL_CELL. */
export function matrixLayout(labels: string[], width: number, extraLabels: string[] = []): MatrixLayout {
  const n = Math.max(1, labels.length);
  const longest = Math.max(...[...labels, ...extraLabels].map((label) => truncateLabel(label).length), 1);
  const rowHeaderWidth = longest * CHAR_WIDTH + 12;
  const fixed = AXIS_WIDTH + rowHeaderWidth + METRIC_WIDTH + GAP * (n + 3);
  const fit = Math.floor((width - fixed) / n);
  const cell = Math.max(MIN_CELL, Math.min(FULL_CELL, fit));
  const widestColumnLabel = Math.max(...labels.map((label) => truncateLabel(label).length), 1) * CHAR_WIDTH;
  return {
    cell,
    rowCell: cell >= FULL_CELL ? Math.round(FULL_CELL * 0.75) : cell,
    rowHeaderWidth,
    minWidth: fixed + n * cell,
    rotateHeaders: widestColumnLabel > cell - 4,
    detail: cell >= FULL_CELL ? 'full' : cell >= MIN_TEXT_CELL ? 'value' : 'colour',
  };
}
