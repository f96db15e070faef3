/** Version of the panel options; bump it together with migration.ts. */
export const PANEL_OPTIONS_VERSION = 1;

export type PanelView = 'auto' | 'confusion';
export type Normalization = 'none' | 'row' | 'column' | 'total';

export interface ModelwatchPanelOptions {
  /** `auto` picks the view from the frames' `meta.custom.kind`. */
  view: PanelView;
  normalize: Normalization;
  showCounts: boolean;
  optionsVersion: number;
}

export const DEFAULT_PANEL_OPTIONS: ModelwatchPanelOptions = {
  view: 'auto',
  normalize: 'row',
  showCounts: true,
  optionsVersion: PANEL_OPTIONS_VERSION,
};
