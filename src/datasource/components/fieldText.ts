/** The label, tooltip and placeholder of a field's entry in labels.ts, without its messages. */
export function fieldText(entry: { label: string; tooltip?: string; placeholder?: string }) {
  return { label: entry.label, tooltip: entry.tooltip, placeholder: entry.placeholder };
}

/** An inline label's width in Grafana's grid units, or 'auto' to fit its text (a field after another on its row). */
export type LabelWidth = number | 'auto';
