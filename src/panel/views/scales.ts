/** A linear map from a domain to a range; a flat domain maps to the middle of the range. */
export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): (value: number) => number {
  if (d1 === d0) {
    return () => (r0 + r1) / 2;
  }
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || count < 1) {
    return [];
  }
  if (min === max) {
    return [min];
  }
  // The step nearest to (max - min) / count among 1, 2 and 5 times a power of ten, as d3 does.
  const raw = (max - min) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const error = raw / power;
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++) {
    // Rounded to the step's decimals so that 0.30000000000000004 reads as 0.3.
    ticks.push(Number((i * step).toFixed(Math.max(0, -Math.floor(Math.log10(step))))));
  }
  return ticks;
}

/** [min, max] of the numbers given, ignoring nulls; undefined when there are none. */
export function extent(values: Iterable<number | null | undefined>): [number, number] | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  return min <= max ? [min, max] : undefined;
}

/** [min, max] widened by a share of its span (or by an absolute amount when flat). */
export function padded([min, max]: [number, number], share = 0.05): [number, number] {
  const pad = max > min ? (max - min) * share : Math.max(Math.abs(max) * share, 0.01);
  return [min - pad, max + pad];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];

export interface TimeTicks {
  values: number[];
  /** A moment format for dateTimeFormat: dates for day steps, times otherwise. */
  format: string;
}

/**
 * At most `maxTicks` ticks over [from, to], on multiples of a round step from the epoch (the
 * backend aligns its buckets the same way, so ticks fall on bucket starts).
 */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTicks {
  const span = Math.max(to - from, 1);
  const step = TIME_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  const values: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    values.push(t);
  }
  return { values, format: step >= DAY ? 'MM/DD' : span > DAY ? 'MM/DD HH:mm' : 'HH:mm' };
}
