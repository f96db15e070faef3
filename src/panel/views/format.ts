import { formattedValueToString, getValueFormat } from '@grafana/data';

/** A number as shown: tiny values (p-values) in exponent form, anything else with three significant digits. */
export function formatNumber(value: number | null): string {
  if (value === null) {
    return '–';
  }
  if (value === 0) {
    return '0';
  }
  if (Math.abs(value) < 1e-3) {
    return value.toExponential(1);
  }
  return String(Number(value.toPrecision(3)));
}

/** A difference, always with its sign. */
export function formatSigned(value: number | null): string {
  return signed(formatNumber)(value);
}

/** The panel's standard options that change how values read (`fieldConfig.defaults`). */
export interface ValueDisplay {
  unit?: string;
  decimals?: number | null;
}

/** A formatter of a possibly missing value: a dash for null. */
export type Formatter = (value: number | null) => string;

function withUnit(unit: string, decimals: number | undefined): Formatter {
  const format = getValueFormat(unit);
  return (value) => (value === null ? '–' : formattedValueToString(format(value, decimals)));
}

/** The panel's unit and decimals when either is set, else the view's own format. */
export function valueFormatter(display: ValueDisplay | undefined, fallback: Formatter = formatNumber): Formatter {
  const decimals = display?.decimals ?? undefined;
  if (!display?.unit && decimals === undefined) {
    return fallback;
  }
  return withUnit(display?.unit || 'none', decimals);
}

/** Shares in [0, 1]: percent unless the panel sets a unit, with the panel's decimals or `decimals`. */
export function shareFormatter(display: ValueDisplay | undefined, decimals = 1): Formatter {
  return withUnit(display?.unit || 'percentunit', display?.decimals ?? decimals);
}

/** A formatter for differences: the sign always shown, the magnitude in the given format. */
export function signed(format: Formatter): Formatter {
  return (value) => {
    if (value === null) {
      return format(null);
    }
    const text = format(Math.abs(value));
    return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
  };
}
