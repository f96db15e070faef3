import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

type Values = Record<string, string | string[]>;

/**
 * A TemplateSrv with fixed variables that interpolates `$name` and `${name}` as Grafana does:
 * a format function receives the raw value (an array for multi-value variables), otherwise
 * arrays are joined with commas.
 */
export function fakeTemplateSrv(variables: Values): TemplateSrv {
  const replace = (target?: string, scopedVars?: ScopedVars, format?: string | Function): string => {
    if (target === undefined) {
      return '';
    }
    return target.replace(/\$(\w+)|\$\{(\w+)\}/g, (match, plain?: string, braced?: string) => {
      const name = (plain ?? braced)!;
      const scoped = scopedVars?.[name]?.value as string | string[] | undefined;
      const value = scoped ?? variables[name];
      if (value === undefined) {
        return match;
      }
      if (typeof format === 'function') {
        return format(value);
      }
      return Array.isArray(value) ? value.join(',') : value;
    });
  };
  return {
    replace,
    getVariables: () => Object.keys(variables).map((name) => ({ name }) as TypedVariableModel),
    containsTemplate: (target?: string) => Boolean(target?.includes('$')),
    updateTimeRange: () => {},
  } as TemplateSrv;
}
