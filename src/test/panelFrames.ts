import { dataFrameFromJSON, FieldType, toDataFrame, type DataFrame, type DataFrameJSON } from '@grafana/data';

import { FIXED_TIME, type ConfusionFixture } from './factories';

// Frames of the drift (format histogram) and comparison families, in the SDK JSON the backend
// sends (`modelwatch query` prints the same), typed loosely because of SDK-only keys (typeInfo).

const string = (name: string) => ({ name, type: 'string', typeInfo: { frame: 'string' } });
const nullableNumber = (name: string, labels?: Record<string, string>) => ({
  name,
  type: 'number',
  typeInfo: { frame: 'float64', nullable: true },
  ...(labels ? { labels } : {}),
});
const count = (name: string) => ({ name, type: 'number', typeInfo: { frame: 'int64' } });

export interface HistogramBinFixture {
  bin: string;
  kind?: 'underflow' | 'bin' | 'overflow' | 'category' | 'unseen';
  lower?: number | null;
  upper?: number | null;
  referenceCount: number;
  currentCount: number;
}

export interface DriftFixture {
  feature: string;
  model?: string;
  version?: string;
  method?: string;
  scoreKind?: 'p_value' | 'distance';
  score: number | null;
  statistic?: number | null;
  threshold?: number;
  /** Defaults to the score compared with the threshold. */
  drifted?: boolean;
  reason?: string;
  bins: HistogramBinFixture[];
}

function shares(counts: number[]): Array<number | null> {
  const total = counts.reduce((sum, c) => sum + c, 0);
  return counts.map((c) => (total === 0 ? null : c / total));
}

/** One drift histogram frame, as the backend encodes it (shares are null for an empty window). */
export function driftFrameJSON(fixture: DriftFixture): DataFrameJSON {
  const {
    feature,
    model = 'basket-forecaster',
    version = 'v2',
    method = 'wasserstein',
    scoreKind = 'distance',
    score,
    threshold = scoreKind === 'p_value' ? 0.05 : 0.1,
    bins,
  } = fixture;
  const drifted =
    fixture.drifted ?? (score === null ? false : scoreKind === 'p_value' ? score < threshold : score >= threshold);
  const referenceCounts = bins.map((b) => b.referenceCount);
  const currentCounts = bins.map((b) => b.currentCount);
  const json = {
    schema: {
      name: feature,
      refId: 'A',
      meta: {
        typeVersion: [0, 0],
        custom: {
          kind: 'drift-histogram',
          model,
          version,
          feature,
          method,
          statistic: fixture.statistic ?? score,
          pValue: scoreKind === 'p_value' ? score : null,
          score,
          scoreKind,
          threshold,
          drifted,
          reason: score === null ? (fixture.reason ?? 'no non-null values in the current window') : '',
          labels: { feature, model, version },
          referenceFrom: '2024-03-22T00:00:00Z',
          referenceTo: '2024-03-25T00:00:00Z',
        },
      },
      fields: [
        string('bin'),
        string('kind'),
        nullableNumber('lower'),
        nullableNumber('upper'),
        nullableNumber('reference'),
        nullableNumber('current'),
        count('reference_count'),
        count('current_count'),
      ],
    },
    data: {
      values: [
        bins.map((b) => b.bin),
        bins.map((b) => b.kind ?? 'bin'),
        bins.map((b) => b.lower ?? null),
        bins.map((b) => b.upper ?? null),
        shares(referenceCounts),
        shares(currentCounts),
        referenceCounts,
        currentCounts,
      ],
    },
  };
  return json as unknown as DataFrameJSON;
}

export function driftFrame(fixture: DriftFixture): DataFrame {
  return dataFrameFromJSON(driftFrameJSON(fixture));
}

/** A numeric feature on three equal-width bins between 0 and 30, with underflow and overflow. */
export function numericBins(reference: number[], current: number[]): HistogramBinFixture[] {
  const edges = [0, 10, 20, 30];
  return [
    { bin: '< 0', kind: 'underflow', lower: null, upper: 0, referenceCount: 0, currentCount: current[0] },
    ...[0, 1, 2].map((i) => ({
      bin: i === 2 ? `[${edges[i]}, ${edges[i + 1]}]` : `[${edges[i]}, ${edges[i + 1]})`,
      kind: 'bin' as const,
      lower: edges[i],
      upper: edges[i + 1],
      referenceCount: reference[i],
      currentCount: current[i + 1],
    })),
    { bin: '> 30', kind: 'overflow', lower: 30, upper: null, referenceCount: 0, currentCount: current[4] },
  ];
}

/** The age feature drifted (distance 1.46 against 0.1). */
export const AGE_DRIFTED: DriftFixture = {
  feature: 'age',
  score: 1.46,
  bins: numericBins([50, 30, 20], [0, 10, 30, 50, 10]),
};

/** A categorical feature tested with chi-square, not drifted, with a category unseen in the reference. */
export const PLAN_STABLE: DriftFixture = {
  feature: 'plan',
  method: 'chisquare',
  scoreKind: 'p_value',
  score: 0.42,
  bins: [
    { bin: 'basic', kind: 'category', referenceCount: 60, currentCount: 58 },
    { bin: 'pro', kind: 'category', referenceCount: 40, currentCount: 41 },
    { bin: 'trial', kind: 'unseen', referenceCount: 0, currentCount: 1 },
  ],
};

/** A retired version: no current rows, so the score is undefined. */
export const TENURE_UNDEFINED: DriftFixture = {
  feature: 'tenure_months',
  version: 'v1',
  score: null,
  bins: numericBins([5, 5, 5], [0, 0, 0, 0, 0]),
};

const DAY = 24 * 60 * 60 * 1000;

export interface ComparisonFixture {
  model?: string;
  champion?: string;
  challenger?: string;
  compare?: string;
  /** Start of the first daily bucket. */
  start?: number;
  series: {
    champion: Array<number | null>;
    challenger: Array<number | null>;
    delta: Array<number | null>;
    ci_low: Array<number | null>;
    ci_high: Array<number | null>;
    p_value: Array<number | null>;
    challenger_better: Array<number | null>;
  };
}

function comparisonMeta(fixture: Omit<ComparisonFixture, 'series'>, type: string) {
  return {
    type,
    typeVersion: [0, 1],
    custom: {
      kind: 'comparison',
      compare: fixture.compare ?? 'precision',
      champion: fixture.champion ?? 'A',
      challenger: fixture.challenger ?? 'B',
      test: 'two_proportion_z',
      rows: 0,
      unlabeledRows: 0,
      unpredictedRows: 0,
    },
  };
}

/** The timeseries-multi frames of a comparison: one per output, labelled model and "A vs B". */
export function comparisonTimeseriesJSON(fixture: ComparisonFixture, refId = 'A'): DataFrameJSON[] {
  const labels = {
    model: fixture.model ?? 'churn-classifier',
    version: `${fixture.champion ?? 'A'} vs ${fixture.challenger ?? 'B'}`,
  };
  const start = fixture.start ?? FIXED_TIME;
  return Object.entries(fixture.series).map(([output, values]) => {
    const json = {
      schema: {
        name: output,
        refId,
        meta: comparisonMeta(fixture, 'timeseries-multi'),
        fields: [{ name: 'time', type: 'time', typeInfo: { frame: 'time.Time' } }, nullableNumber(output, labels)],
      },
      data: { values: [values.map((_, i) => start + i * DAY), values] },
    };
    return json as unknown as DataFrameJSON;
  });
}

/** The numeric-long frame of a comparison over the whole range: one row, one field per output. */
export function comparisonNumericJSON(
  fixture: Omit<ComparisonFixture, 'series'> & { values: Record<keyof ComparisonFixture['series'], number | null> },
  refId = 'B'
): DataFrameJSON {
  const outputs = Object.keys(fixture.values) as Array<keyof ComparisonFixture['series']>;
  const json = {
    schema: {
      refId,
      meta: comparisonMeta(fixture, 'numeric-long'),
      fields: [string('model'), string('version'), ...outputs.map((output) => nullableNumber(output))],
    },
    data: {
      values: [
        [fixture.model ?? 'churn-classifier'],
        [`${fixture.champion ?? 'A'} vs ${fixture.challenger ?? 'B'}`],
        ...outputs.map((output) => [fixture.values[output]]),
      ],
    },
  };
  return json as unknown as DataFrameJSON;
}

export function comparisonFrames(fixture: ComparisonFixture, refId = 'A'): DataFrame[] {
  return comparisonTimeseriesJSON(fixture, refId).map((json) => dataFrameFromJSON(json));
}

/**
 * Five daily buckets: the challenger starts on day 2 (null before), its lead becomes
 * significant on day 4; the last bucket has no delta (no challenger rows that day).
 */
export const PRECISION_AB: ComparisonFixture = {
  series: {
    champion: [0.75, 0.76, 0.7, 0.6, 0.55],
    challenger: [null, 0.77, 0.75, 0.74, null],
    delta: [null, 0.01, 0.05, 0.14, null],
    ci_low: [null, -0.04, -0.01, 0.09, null],
    ci_high: [null, 0.06, 0.11, 0.19, null],
    p_value: [null, 0.7, 0.09, 0.0001, null],
    challenger_better: [0, 0, 0, 1, 0],
  },
};

export const PRECISION_AB_WHOLE_RANGE = {
  values: {
    champion: 0.5257,
    challenger: 0.7353,
    delta: 0.2096,
    ci_low: 0.1926,
    ci_high: 0.2266,
    p_value: 4.2e-105,
    challenger_better: 1,
  },
};

export interface AnnotationFixture {
  time: number;
  timeEnd?: number;
  text: string;
  color?: string;
}

/** An annotation frame as Grafana passes it to a panel in `data.annotations`. */
export function annotationFrame(annotations: AnnotationFixture[]): DataFrame {
  return toDataFrame({
    name: 'annotations',
    fields: [
      { name: 'time', type: FieldType.time, values: annotations.map((a) => a.time) },
      { name: 'timeEnd', type: FieldType.time, values: annotations.map((a) => a.timeEnd ?? null) },
      { name: 'text', type: FieldType.string, values: annotations.map((a) => a.text) },
      { name: 'color', type: FieldType.string, values: annotations.map((a) => a.color ?? null) },
    ],
  });
}

/** Class names of a many-class classifier: product categories, some long enough to need truncating. */
const CATEGORIES = [
  'electronics',
  'books',
  'home_and_kitchen',
  'toys',
  'garden',
  'sports_and_outdoors_equipment',
  'beauty',
  'automotive_parts_and_accessories',
  'grocery',
  'pet_supplies',
  'music',
  'office_products',
  'baby',
  'tools',
  'video_games',
  'health_and_personal_care',
  'jewelry',
  'shoes',
  'luggage',
  'industrial_and_scientific',
];

/**
 * A classifier over `n` classes (product categories, then `class_21`, ...): mostly right, with
 * class sizes falling from the first to the last and a few systematic confusions, so that the
 * most frequent classes are the first ones. Deterministic.
 */
export function manyClassFixture(n: number, version = 'v3'): ConfusionFixture {
  const classLabels = Array.from({ length: n }, (_, i) => CATEGORIES[i] ?? `class_${String(i + 1).padStart(2, '0')}`);
  const counts = classLabels.map((_, a) =>
    classLabels.map((_, p) => {
      const size = 40 * (n - a);
      if (a === p) {
        return Math.round(size * 0.8);
      }
      // Neighbouring classes get confused most; anything else rarely.
      return Math.abs(a - p) === 1 ? Math.round(size * 0.08) : (a * 7 + p * 3) % 5 === 0 ? 1 : 0;
    })
  );
  return { model: 'category-classifier', version, labels: classLabels, counts };
}
