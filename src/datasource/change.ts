import type { QueryType } from './types';

/** The families whose metrics compareTo compares with a reference window (Go: query.ChangeFamilies). */
export const CHANGE_FAMILIES: readonly QueryType[] = [
  'classification',
  'regression',
  'operations',
  'coverage',
  'quality',
];

/** The outputs a compareTo query adds to a metric m: m_reference and m_change. */
export const CHANGE_SUFFIXES = ['_reference', '_change'] as const;
export type ChangeSuffix = (typeof CHANGE_SUFFIXES)[number];

/** A metric name's base metric (one of known) and suffix; a name that is not a suffixed known metric is its own base. */
export function splitMetric(name: string, known: readonly string[]): { base: string; suffix?: ChangeSuffix } {
  for (const suffix of CHANGE_SUFFIXES) {
    if (name.endsWith(suffix) && known.includes(name.slice(0, -suffix.length))) {
      return { base: name.slice(0, -suffix.length), suffix };
    }
  }
  return { base: name };
}

/** Every metric followed by its reference value and its change, as the editor offers them with compareTo. */
export function withChanges(metrics: readonly string[]): string[] {
  return metrics.flatMap((metric) => [metric, ...CHANGE_SUFFIXES.map((suffix) => metric + suffix)]);
}
