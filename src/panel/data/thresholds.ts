import { ThresholdsMode, type ThresholdsConfig } from '@grafana/data';

export interface ThresholdLine {
  value: number;
  /** The colour as configured (a name such as `red` or a CSS colour). */
  color: string;
}

/**
 * The threshold steps to draw as lines, in data units. The base step (-Infinity, `null` once
 * saved as JSON) has no line; percentage steps are placed between the data's min and max, as
 * Grafana's built-in panels do.
 */
export function thresholdLines(config: ThresholdsConfig | undefined, [min, max]: [number, number]): ThresholdLine[] {
  if (!config?.steps) {
    return [];
  }
  return config.steps
    .filter((step) => typeof step.value === 'number' && Number.isFinite(step.value))
    .map((step) => ({
      value: config.mode === ThresholdsMode.Percentage ? min + ((max - min) * step.value) / 100 : step.value,
      color: step.color,
    }));
}
