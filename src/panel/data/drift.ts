import { FieldType, type DataFrame, type Field } from '@grafana/data';

import { asNumber, asString, customMeta, findField, FRAME_KINDS } from './frames';

export const DRIFT_HISTOGRAM_KIND = FRAME_KINDS.drift;

export type BinKind = 'underflow' | 'bin' | 'overflow' | 'category' | 'unseen';
export type ScoreKind = 'p_value' | 'distance';
export type DriftVerdict = 'drift' | 'no-drift' | 'undefined';

export interface HistogramBin {
  label: string;
  kind: BinKind;
  lower: number | null;
  upper: number | null;
  /** Share of the window's rows in this bin; null when the window has no rows. */
  reference: number | null;
  current: number | null;
  referenceCount: number;
  currentCount: number;
  /** Underflow, overflow and unseen categories: values the reference window never had. */
  outsideReference: boolean;
}

export interface DriftHistogramModel {
  /** Stable key for React lists. */
  key: string;
  title: string;
  feature: string;
  model?: string;
  version?: string;
  method: string;
  statistic: number | null;
  pValue: number | null;
  /** Compared with the threshold: a p-value (drift when below) or a distance (drift when at or above). */
  score: number | null;
  scoreKind: ScoreKind;
  threshold: number | null;
  verdict: DriftVerdict;
  /** Why the score is undefined, as the backend says. */
  reason?: string;
  categorical: boolean;
  bins: HistogramBin[];
  /** Largest share of either window, for a common y scale within the chart. */
  maxShare: number;
  referenceFrom?: string;
  referenceTo?: string;
}

interface DriftMeta {
  kind?: unknown;
  model?: unknown;
  version?: unknown;
  feature?: unknown;
  method?: unknown;
  statistic?: unknown;
  pValue?: unknown;
  score?: unknown;
  scoreKind?: unknown;
  threshold?: unknown;
  drifted?: unknown;
  reason?: unknown;
  labels?: unknown;
  referenceFrom?: unknown;
  referenceTo?: unknown;
}

const BIN_KINDS = new Set<BinKind>(['underflow', 'bin', 'overflow', 'category', 'unseen']);

/** Frames the backend returns for `queryType: drift, format: histogram`. */
export function isDriftHistogramFrame(frame: DataFrame): boolean {
  return customMeta<DriftMeta>(frame).kind === DRIFT_HISTOGRAM_KIND;
}

function binKind(value: unknown): BinKind {
  return typeof value === 'string' && BIN_KINDS.has(value as BinKind) ? (value as BinKind) : 'bin';
}

function numbers(field: Field | undefined, length: number): Array<number | null> {
  return Array.from({ length }, (_, row) => asNumber(field?.values[row]));
}

/**
 * The shares as sent; where a share is missing but the window has rows, it is recomputed from
 * the counts (a frame built by hand may carry counts only).
 */
function shares(given: Array<number | null>, counts: number[]): Array<number | null> {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return given.map((share, i) => share ?? (total > 0 ? counts[i] / total : null));
}

function verdictOf(score: number | null, drifted: unknown): DriftVerdict {
  if (score === null) {
    return 'undefined';
  }
  return drifted === true || drifted === 1 ? 'drift' : 'no-drift';
}

/** Builds the view model of one histogram frame; undefined when the frame lacks bins or shares. */
export function driftHistogramFromFrame(frame: DataFrame, index = 0): DriftHistogramModel | undefined {
  const binField = findField(frame, 'bin', FieldType.string);
  const referenceField = findField(frame, 'reference', FieldType.number);
  const currentField = findField(frame, 'current', FieldType.number);
  if (!binField || !referenceField || !currentField) {
    return undefined;
  }
  const n = frame.length;
  const kindField = findField(frame, 'kind', FieldType.string);
  const referenceCounts = numbers(findField(frame, 'reference_count', FieldType.number), n).map((v) => v ?? 0);
  const currentCounts = numbers(findField(frame, 'current_count', FieldType.number), n).map((v) => v ?? 0);
  const referenceShares = shares(numbers(referenceField, n), referenceCounts);
  const currentShares = shares(numbers(currentField, n), currentCounts);
  const lowers = numbers(findField(frame, 'lower', FieldType.number), n);
  const uppers = numbers(findField(frame, 'upper', FieldType.number), n);

  const bins: HistogramBin[] = Array.from({ length: n }, (_, row) => {
    const kind = binKind(kindField?.values[row]);
    return {
      label: String(binField.values[row] ?? ''),
      kind,
      lower: lowers[row],
      upper: uppers[row],
      reference: referenceShares[row],
      current: currentShares[row],
      referenceCount: referenceCounts[row],
      currentCount: currentCounts[row],
      outsideReference: kind === 'underflow' || kind === 'overflow' || kind === 'unseen',
    };
  });

  const meta = customMeta<DriftMeta>(frame);
  const labelSet = meta.labels && typeof meta.labels === 'object' ? (meta.labels as Record<string, unknown>) : {};
  const feature = asString(meta.feature) ?? asString(labelSet.feature) ?? frame.name ?? `Feature ${index + 1}`;
  const model = asString(meta.model) ?? asString(labelSet.model);
  const version = asString(meta.version) ?? asString(labelSet.version);
  const score = asNumber(meta.score);
  const maxShare = Math.max(0, ...bins.flatMap((bin) => [bin.reference ?? 0, bin.current ?? 0]));

  return {
    key: `${frame.refId ?? ''}/${model ?? ''}/${version ?? ''}/${feature}/${index}`,
    title: [feature, version].filter(Boolean).join(' · '),
    feature,
    model,
    version,
    method: asString(meta.method) ?? '',
    statistic: asNumber(meta.statistic),
    pValue: asNumber(meta.pValue),
    score,
    scoreKind: meta.scoreKind === 'p_value' ? 'p_value' : 'distance',
    threshold: asNumber(meta.threshold),
    verdict: verdictOf(score, meta.drifted),
    reason: score === null ? asString(meta.reason) : undefined,
    categorical: bins.length > 0 && bins.every((bin) => bin.kind === 'category' || bin.kind === 'unseen'),
    bins,
    maxShare,
    referenceFrom: asString(meta.referenceFrom),
    referenceTo: asString(meta.referenceTo),
  };
}

/**
 * How far past its threshold a score is, on one scale for both kinds: above 1 is drift for a
 * p-value (threshold / p) and at or above 1 for a distance (distance / threshold). Within a kind
 * it orders as the score does (ascending p-values, descending distances).
 */
export function driftSeverity(histogram: Pick<DriftHistogramModel, 'score' | 'scoreKind' | 'threshold'>): number {
  const { score, scoreKind } = histogram;
  if (score === null) {
    return Number.NEGATIVE_INFINITY;
  }
  const threshold = histogram.threshold ?? (scoreKind === 'p_value' ? 0.05 : 0.1);
  if (scoreKind === 'p_value') {
    return score <= 0 ? Number.POSITIVE_INFINITY : threshold / score;
  }
  return threshold <= 0 ? score : score / threshold;
}

const VERDICT_ORDER: Record<DriftVerdict, number> = { drift: 0, 'no-drift': 1, undefined: 2 };

/** Most drifted first: drifted features, then by severity; undefined scores last. Stable otherwise. */
export function sortByDrift(histograms: DriftHistogramModel[]): DriftHistogramModel[] {
  return histograms
    .map((histogram, i) => ({ histogram, i, severity: driftSeverity(histogram) }))
    .sort(
      (a, b) =>
        VERDICT_ORDER[a.histogram.verdict] - VERDICT_ORDER[b.histogram.verdict] ||
        (a.severity === b.severity ? 0 : b.severity > a.severity ? 1 : -1) ||
        a.i - b.i
    )
    .map(({ histogram }) => histogram);
}

/** One view model per drift histogram frame, most drifted first; other frames are ignored. */
export function driftHistogramsFromFrames(frames: DataFrame[]): DriftHistogramModel[] {
  const histograms: DriftHistogramModel[] = [];
  frames.filter(isDriftHistogramFrame).forEach((frame, i) => {
    const histogram = driftHistogramFromFrame(frame, i);
    if (histogram) {
      histograms.push(histogram);
    }
  });
  return sortByDrift(histograms);
}
