import { labels } from '../../labels';
import type { IngestOptions } from '../types';
import type { Parsed } from '../validation';

export type IngestLimitKey = 'maxBodyBytes' | 'maxBatchRows' | 'rowsPerSecond' | 'batchesPerSecond';

/** The backend's bounds and default of each ingest limit; a value outside the bounds is refused there too. */
export const INGEST_LIMITS: Record<IngestLimitKey, { min: number; max: number; fallback: number }> = {
  maxBodyBytes: { min: 1024, max: 64 * 1024 * 1024, fallback: 32 * 1024 * 1024 },
  maxBatchRows: { min: 1, max: 1_000_000, fallback: 50_000 },
  rowsPerSecond: { min: 1, max: 10_000_000, fallback: 200_000 },
  batchesPerSecond: { min: 1, max: 10_000, fallback: 50 },
};

/** The limits in the order shown. */
export const INGEST_LIMIT_KEYS: readonly IngestLimitKey[] = [
  'maxBodyBytes',
  'maxBatchRows',
  'rowsPerSecond',
  'batchesPerSecond',
];

/** The longest piece of the user's text that an error message repeats. */
const MAX_ECHO = 200;

function echo(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A limit's text: nothing to save when it is empty or the default (defaults stay out of jsonData),
 * the number otherwise, or why it cannot be saved.
 */
export function parseIngestLimit(key: IngestLimitKey, text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') {
    return {};
  }
  const { min, max, fallback } = INGEST_LIMITS[key];
  const n = Number(trimmed);
  if (!Number.isInteger(n) || n < min || n > max) {
    const entry = labels.config.ingest[key];
    return {
      error: labels.config.ingest.limitError(entry.label, echo(trimmed), entry.what, `${count(min)} to ${count(max)}`),
    };
  }
  return { value: n === fallback ? undefined : n };
}

/**
 * The ingest settings without their defaults (off, Editor, unset or zero limits), or undefined when
 * nothing is left, so that a data source that never used ingest saves no `ingest` key.
 */
export function compactIngest(ingest: IngestOptions): IngestOptions | undefined {
  const compact: IngestOptions = {};
  if (ingest.enabled) {
    compact.enabled = true;
  }
  if (ingest.role === 'Admin') {
    compact.role = 'Admin';
  }
  for (const key of INGEST_LIMIT_KEYS) {
    const value = ingest[key];
    if (value && value !== INGEST_LIMITS[key].fallback) {
      compact[key] = value;
    }
  }
  return Object.keys(compact).length > 0 ? compact : undefined;
}

/** The path of one ingest route of the data source with this uid, below Grafana's root URL. */
export function ingestRoute(appSubUrl: string, uid: string, route: 'predictions' | 'labels'): string {
  return `${appSubUrl}/api/datasources/uid/${encodeURIComponent(uid)}/resources/${route}`;
}
