import { useEffect, useState } from 'react';
import type { SelectableValue } from '@grafana/data';

export interface ResourceOptions {
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
}

/** A choice as a route gives it: a plain value, or an option with a description. */
export type ResourceValue = string | SelectableValue<string>;

interface Loaded {
  key: string;
  values: ResourceValue[];
  error?: string;
}

/**
 * Loads choices for a picker from a resource route. `key` identifies the request (for example
 * the model whose versions are listed); `null` skips loading. An answer is kept with the key it
 * was asked for, so a slow answer for an older key never shows as the current choices.
 */
export function useResourceOptions(load: () => Promise<ResourceValue[]>, key: string | null): ResourceOptions {
  const [loaded, setLoaded] = useState<Loaded | undefined>();

  useEffect(() => {
    if (key === null) {
      return;
    }
    let current = true;
    load().then(
      (values) => current && setLoaded({ key, values }),
      (error: unknown) =>
        current && setLoaded({ key, values: [], error: error instanceof Error ? error.message : String(error) })
    );
    return () => {
      current = false;
    };
    // `load` is recreated on every render; the request only depends on `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (key === null) {
    return { options: [], loading: false };
  }
  if (loaded?.key !== key) {
    return { options: [], loading: true };
  }
  const options = loaded.values.map((value) => (typeof value === 'string' ? { label: value, value } : value));
  return { options, loading: false, error: loaded.error };
}

/** Adds values that are not among the options (custom values, variables) so that pickers show them. */
export function withValues(
  options: Array<SelectableValue<string>>,
  values: Array<string | undefined>
): Array<SelectableValue<string>> {
  const known = new Set(options.map((option) => option.value));
  const extra = values
    .filter((value): value is string => Boolean(value) && !known.has(value))
    .map((value) => ({ label: value, value }));
  return [...options, ...extra];
}
