import type { DataFrame, Field, FieldType } from '@grafana/data';
import type { ConcreteView, PanelView } from '../types';

/** `meta.custom` of a frame as a loose record: the backend's keys are checked where they are read. */
export function customMeta<T extends object>(frame: DataFrame): Partial<T> {
  const custom = frame.meta?.custom;
  return custom && typeof custom === 'object' ? (custom as Partial<T>) : {};
}

/** A field by exact name, else by type and case-insensitive name. */
export function findField(frame: DataFrame, name: string, type: FieldType): Field | undefined {
  return (
    frame.fields.find((field) => field.name === name) ??
    frame.fields.find((field) => field.type === type && field.name.toLowerCase() === name)
  );
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, or null for null, NaN and anything that is not a number. */
export function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The meta.custom kinds the panel draws, one per view. */
export const FRAME_KINDS = {
  confusion: 'confusion',
  drift: 'drift-histogram',
  comparison: 'comparison',
  estimation: 'estimation',
  multivariate: 'multivariate',
} as const;

/** The first kind among the frames that the panel knows, in frame order. */
export function firstKnownKind(frames: DataFrame[]): keyof typeof FRAME_KINDS | undefined {
  for (const frame of frames) {
    const kind = customMeta<{ kind: unknown }>(frame).kind;
    for (const [view, k] of Object.entries(FRAME_KINDS)) {
      if (kind === k) {
        return view as keyof typeof FRAME_KINDS;
      }
    }
  }
  return undefined;
}

/** The view to draw: the option, or for `auto` the kind of the first frame the panel knows. */
export function resolveView(view: PanelView, frames: DataFrame[]): ConcreteView | undefined {
  return view === 'auto' ? firstKnownKind(frames) : view;
}
