import { dataFrameFromJSON, type DataFrame, type DataFrameJSON } from '@grafana/data';

/** A fixed instant for anything time-dependent in tests (2024-04-01T00:00:00Z). */
export const FIXED_TIME = Date.UTC(2024, 3, 1);

export interface ConfusionFixture {
  model?: string;
  version?: string;
  labels: string[];
  /** counts[actual][predicted], in `labels` order. */
  counts: number[][];
  /** Order in which rows appear in the frame; defaults to labels order. */
  rowOrder?: string[];
}

/**
 * The SDK JSON of a confusion frame, exactly as the backend encodes it: every version of the
 * query in one frame with model and version columns (labels must be the same across fixtures).
 */
export function confusionFrameJSON(...fixtures: ConfusionFixture[]): DataFrameJSON {
  const models: string[] = [];
  const versions: string[] = [];
  const actual: string[] = [];
  const predicted: string[] = [];
  const count: number[] = [];
  for (const { model = 'churn-classifier', version = 'A', labels, counts, rowOrder = labels } of fixtures) {
    for (const a of rowOrder) {
      for (const p of rowOrder) {
        models.push(model);
        versions.push(version);
        actual.push(a);
        predicted.push(p);
        count.push(counts[labels.indexOf(a)][labels.indexOf(p)]);
      }
    }
  }
  const first = fixtures[0];
  // Typed loosely on purpose: this is the wire format, with SDK-only keys such as typeInfo.
  const json = {
    schema: {
      name: first.model ?? 'churn-classifier',
      meta: {
        type: 'numeric-long',
        typeVersion: [0, 1],
        custom: { kind: 'confusion', model: first.model ?? 'churn-classifier', labels: first.labels },
      },
      fields: [
        { name: 'model', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'version', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'actual', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'predicted', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'count', type: 'number', typeInfo: { frame: 'int64' } },
      ],
    },
    data: { values: [models, versions, actual, predicted, count] },
  };
  return json as unknown as DataFrameJSON;
}

export function confusionFrame(...fixtures: ConfusionFixture[]): DataFrame {
  return dataFrameFromJSON(confusionFrameJSON(...fixtures));
}

/** The churn example of docs/query-reference.md: 120 TP, 30 FN, 25 FP, 800 TN. */
export const CHURN: ConfusionFixture = {
  labels: ['churn', 'stay'],
  counts: [
    [120, 30],
    [25, 800],
  ],
};
