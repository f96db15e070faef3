import { FieldType, type DataFrame } from '@grafana/data';

import { asString, customMeta, findField, FRAME_KINDS } from './frames';
import type { Normalization } from '../types';

export const CONFUSION_KIND = FRAME_KINDS.confusion;

/** Share of one cell under each normalisation; null where the denominator is zero. */
export type CellShares = Record<Exclude<Normalization, 'none'>, number | null>;

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
  shares: CellShares;
  diagonal: boolean;
}

export interface ClassStats {
  label: string;
  /** Rows whose actual label is this class. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
  /** TP / (TP + FP); null when the class was never predicted. */
  precision: number | null;
  /** TP / (TP + FN); null when the class never occurred. */
  recall: number | null;
}

export interface ConfusionMatrixModel {
  /** Stable key for React lists. */
  key: string;
  title: string;
  model?: string;
  version?: string;
  /** Class labels in display order: rows are actual, columns are predicted. */
  labels: string[];
  /** cells[actual][predicted]. */
  cells: ConfusionCell[][];
  rowTotals: number[];
  columnTotals: number[];
  total: number;
  maxCount: number;
  classes: ClassStats[];
}

interface ConfusionMeta {
  kind: unknown;
  model: unknown;
  version: unknown;
  labels: unknown;
}

/** Frames the backend returns for `queryType: confusion` carry `meta.custom.kind = "confusion"`. */
export function isConfusionFrame(frame: DataFrame): boolean {
  return customMeta<ConfusionMeta>(frame).kind === CONFUSION_KIND;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Which rows of a frame form one matrix, and whose matrix it is. */
interface RowGroup {
  rows: number[];
  model?: string;
  version?: string;
}

/**
 * Splits a confusion frame into one group of rows per (model, version): the backend returns all
 * versions of a query in one frame (so that it stays alertable). A frame without those columns
 * is one group, named by its meta.
 */
function rowGroups(frame: DataFrame): RowGroup[] {
  const meta = customMeta<ConfusionMeta>(frame);
  const modelField = findField(frame, 'model', FieldType.string);
  const versionField = findField(frame, 'version', FieldType.string);
  const groups = new Map<string, RowGroup>();
  for (let row = 0; row < frame.length; row++) {
    const model = asString(modelField?.values[row]) ?? asString(meta.model);
    const version = asString(versionField?.values[row]) ?? asString(meta.version);
    const key = `${model ?? ''}\u0000${version ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { rows: [], model, version };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** Builds the view model of one confusion frame (or one group of its rows); undefined if the frame lacks the fields. */
export function confusionMatrixFromFrame(
  frame: DataFrame,
  index = 0,
  group?: RowGroup
): ConfusionMatrixModel | undefined {
  const actualField = findField(frame, 'actual', FieldType.string);
  const predictedField = findField(frame, 'predicted', FieldType.string);
  const countField = findField(frame, 'count', FieldType.number);
  if (!actualField || !predictedField || !countField) {
    return undefined;
  }

  const meta = customMeta<ConfusionMeta>(frame);
  const labels: string[] = Array.isArray(meta.labels) ? meta.labels.map(String) : [];
  const position = new Map(labels.map((label, i) => [label, i]));
  const indexOf = (label: string) => {
    let i = position.get(label);
    if (i === undefined) {
      // A label missing from the meta order is still shown, after the ordered ones.
      i = labels.length;
      labels.push(label);
      position.set(label, i);
    }
    return i;
  };

  const pairs: Array<[number, number, number]> = [];
  const rows = group?.rows ?? Array.from({ length: frame.length }, (_, row) => row);
  for (const row of rows) {
    const actual = actualField.values[row];
    const predicted = predictedField.values[row];
    if (actual === null || actual === undefined || predicted === null || predicted === undefined) {
      continue;
    }
    const count = Number(countField.values[row] ?? 0);
    pairs.push([indexOf(String(actual)), indexOf(String(predicted)), Number.isFinite(count) ? count : 0]);
  }

  const counts = labels.map(() => new Array<number>(labels.length).fill(0));
  for (const [a, p, count] of pairs) {
    counts[a][p] += count;
  }

  const { model, version } = group ?? rowGroups(frame)[0] ?? {};
  const title = [model, version].filter(Boolean).join(' · ') || frame.name || frame.refId || `Matrix ${index + 1}`;
  return matrixModel(
    { key: `${frame.refId ?? ''}/${model ?? ''}/${version ?? ''}/${index}`, title, model, version },
    labels,
    counts
  );
}

/** What names a matrix, apart from its counts. */
type MatrixIdentity = Pick<ConfusionMatrixModel, 'key' | 'title' | 'model' | 'version'>;

/** The view model of counts[actual][predicted] over `labels`: totals, shares and per-class precision and recall. */
export function matrixModel(identity: MatrixIdentity, labels: string[], counts: number[][]): ConfusionMatrixModel {
  const rowTotals = counts.map((row) => row.reduce((sum, count) => sum + count, 0));
  const columnTotals = labels.map((_, p) => counts.reduce((sum, row) => sum + row[p], 0));
  const total = rowTotals.reduce((sum, count) => sum + count, 0);

  const cells = counts.map((row, a) =>
    row.map((count, p) => ({
      actual: labels[a],
      predicted: labels[p],
      count,
      diagonal: a === p,
      shares: { row: ratio(count, rowTotals[a]), column: ratio(count, columnTotals[p]), total: ratio(count, total) },
    }))
  );

  const classes = labels.map((label, i) => ({
    label,
    support: rowTotals[i],
    predicted: columnTotals[i],
    precision: ratio(counts[i][i], columnTotals[i]),
    recall: ratio(counts[i][i], rowTotals[i]),
  }));

  return {
    ...identity,
    labels,
    cells,
    rowTotals,
    columnTotals,
    total,
    maxCount: Math.max(0, ...counts.flat()),
    classes,
  };
}

/** Beyond this many classes a matrix keeps the most frequent ones and folds the rest into one. */
export const MAX_CLASSES = 30;

/**
 * A matrix of at most `max` classes: the `max - 1` most frequent (rows and predictions, ties in
 * display order) keep their order, and every other class becomes `otherLabel`, added last with
 * the sum of their counts. A matrix of `max` classes or fewer is returned as it is.
 */
export function limitClasses(
  matrix: ConfusionMatrixModel,
  otherLabel: string,
  max = MAX_CLASSES
): ConfusionMatrixModel {
  const n = matrix.labels.length;
  if (n <= max) {
    return matrix;
  }
  const frequency = (i: number) => matrix.rowTotals[i] + matrix.columnTotals[i];
  const kept = new Set(
    matrix.labels
      .map((_, i) => i)
      .sort((a, b) => frequency(b) - frequency(a) || a - b)
      .slice(0, max - 1)
  );
  const labels = matrix.labels.filter((_, i) => kept.has(i));
  // An "other" that is a kept class's name would merge two rows: name the folded classes' number too.
  labels.push(labels.includes(otherLabel) ? `${otherLabel} (${n - labels.length})` : otherLabel);
  const position = new Map<number, number>();
  matrix.labels.forEach((_, i) => position.set(i, kept.has(i) ? labels.indexOf(matrix.labels[i]) : labels.length - 1));
  const counts = labels.map(() => new Array<number>(labels.length).fill(0));
  matrix.cells.forEach((row, a) =>
    row.forEach((cell, p) => {
      counts[position.get(a)!][position.get(p)!] += cell.count;
    })
  );
  const { key, title, model, version } = matrix;
  return matrixModel({ key, title, model, version }, labels, counts);
}

/** One view model per confusion frame and version, in frame and row order; other frames are ignored. */
export function confusionMatricesFromFrames(frames: DataFrame[]): ConfusionMatrixModel[] {
  const matrices: ConfusionMatrixModel[] = [];
  frames.filter(isConfusionFrame).forEach((frame, i) => {
    for (const group of rowGroups(frame)) {
      const matrix = confusionMatrixFromFrame(frame, i, group);
      if (matrix) {
        matrices.push(matrix);
      }
    }
  });
  return matrices;
}

/** The share shown in a cell for a normalisation; null for `none` or a zero denominator. */
export function cellShare(cell: ConfusionCell, normalize: Normalization): number | null {
  return normalize === 'none' ? null : cell.shares[normalize];
}

/** Colour intensity in [0, 1]: the share, or the count against the largest cell without normalisation. */
export function cellIntensity(matrix: ConfusionMatrixModel, cell: ConfusionCell, normalize: Normalization): number {
  if (normalize === 'none') {
    return matrix.maxCount === 0 ? 0 : cell.count / matrix.maxCount;
  }
  return cell.shares[normalize] ?? 0;
}
