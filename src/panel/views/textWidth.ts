import { measureText } from '@grafana/ui';

/** The width in pixels of a text drawn in the theme's font at this size and weight. */
export type MeasureText = (text: string, fontSize: number, fontWeight?: number) => number;

/** Grafana's own measure (a canvas in the theme's font, cached), rounded up to whole pixels. */
export const textWidth: MeasureText = (text, fontSize, fontWeight) =>
  Math.ceil(measureText(text, fontSize, fontWeight).width);

/** The width of the widest of these texts; 0 for none. */
export function widestText(texts: string[], fontSize: number, fontWeight?: number, measure = textWidth): number {
  return texts.reduce((widest, text) => Math.max(widest, measure(text, fontSize, fontWeight)), 0);
}

/** Height of a line of SVG text at this size (drawn with dominant-baseline central). */
export function lineHeight(fontSize: number): number {
  return Math.ceil(fontSize * 1.25);
}

/** A text's box in SVG coordinates. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
