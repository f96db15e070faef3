import type { DataFrame, Field } from '@grafana/data';

import { asNumber, asString } from './frames';

/** One annotation on a time axis: a point in time, or a region when it has an end. */
export interface AnnotationMarker {
  /** Stable key for React lists. */
  key: string;
  time: number;
  /** End of a region; undefined for a point (also when the end is not after the start). */
  timeEnd?: number;
  text: string;
  /** The annotation's colour as Grafana stores it (a name or a CSS colour); undefined for the default. */
  color?: string;
}

/** A time value as epoch milliseconds: annotation frames carry numbers, but strings parse too. */
function asTime(value: unknown): number | null {
  if (typeof value === 'string' && value !== '') {
    const parsed = Number.isNaN(Number(value)) ? Date.parse(value) : Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return asNumber(value);
}

/** A field by case-insensitive name, whatever its type: annotation times come as time or number fields. */
function fieldNamed(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((field) => field.name.toLowerCase() === name);
}

/**
 * The markers of the annotation frames Grafana passes as `data.annotations` (fields `time`,
 * optional `timeEnd`, `text`, `color`), sorted by time. Rows without a time are skipped.
 */
export function annotationMarkers(frames: DataFrame[] | undefined): AnnotationMarker[] {
  const markers: AnnotationMarker[] = [];
  (frames ?? []).forEach((frame, f) => {
    const time = fieldNamed(frame, 'time');
    if (!time) {
      return;
    }
    const timeEnd = fieldNamed(frame, 'timeend');
    const text = fieldNamed(frame, 'text') ?? fieldNamed(frame, 'title');
    const color = fieldNamed(frame, 'color');
    for (let row = 0; row < frame.length; row++) {
      const start = asTime(time.values[row]);
      if (start === null) {
        continue;
      }
      const end = timeEnd ? asTime(timeEnd.values[row]) : null;
      markers.push({
        key: `${f}/${row}`,
        time: start,
        timeEnd: end !== null && end > start ? end : undefined,
        text: asString(text?.values[row]) ?? '',
        color: asString(color?.values[row]),
      });
    }
  });
  return markers.sort((a, b) => a.time - b.time);
}
