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
  if (value === null) {
    return '–';
  }
  const text = formatNumber(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}
