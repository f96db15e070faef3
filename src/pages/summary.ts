import { getBackendSrv } from '@grafana/runtime';

/** The data source's GET /summary answer (pkg/plugin/summary.go). */
export interface Summary {
  at: string;
  window: { from: string; to: string };
  reference: { from: string; to: string };
  models: ModelSummary[];
  modelsTotal: number;
}

export interface ModelSummary {
  model: string;
  versions: VersionSummary[];
  lastPrediction: string | null;
  predictions: number | null;
  labeled: number | null;
  labelCoverage: number | null;
  drift: DriftSummary | null;
  problems: string[];
}

export interface VersionSummary {
  version: string;
  lastPrediction: string | null;
  predictions: number | null;
}

export interface DriftSummary {
  features: DriftingFeature[];
  drifting: number;
  checked: number;
}

export interface DriftingFeature {
  feature: string;
  version: string;
  method: string;
  /** The test's statistic (KS's D, the chi-square value); null for a distance. */
  statistic: number | null;
  score: number;
  scoreKind: string;
  threshold: number;
}

/** Reads a data source's summary of its models at now. */
export function loadSummary(uid: string): Promise<Summary> {
  return getBackendSrv().get<Summary>(`/api/datasources/uid/${uid}/resources/summary`, undefined, undefined, {
    showErrorAlert: false,
  });
}

/** A failed request's message: the route's {"error": ...}, or the HTTP status text. */
export function errorMessage(error: unknown): string {
  const e = error as {
    data?: { error?: string; message?: string };
    message?: string;
    statusText?: string;
    status?: number;
  };
  return e?.data?.error ?? e?.data?.message ?? e?.message ?? e?.statusText ?? `HTTP ${e?.status ?? 'error'}`;
}

/** Serving is called stopped after this long without a prediction. */
export const STOPPED_AFTER_MS = 60 * 60 * 1000;

/** Time from then to now as "45 s", "12 min", "3 h" or "2 d". */
export function age(then: string, now: string): string {
  const seconds = Math.max(0, (Date.parse(now) - Date.parse(then)) / 1000);
  if (seconds < 60) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min`;
  }
  if (seconds < 48 * 3600) {
    return `${Math.floor(seconds / 3600)} h`;
  }
  return `${Math.floor(seconds / 86400)} d`;
}

/** Whether a model's last prediction is older than STOPPED_AFTER_MS before now (or absent). */
export function stoppedServing(lastPrediction: string | null, now: string): boolean {
  return lastPrediction === null || Date.parse(now) - Date.parse(lastPrediction) > STOPPED_AFTER_MS;
}
