/** Version of the panel options; bump it together with migration.ts. */
export const PANEL_OPTIONS_VERSION = 2;

/** The views the panel can draw; `auto` picks one from the frames' `meta.custom.kind`. */
export type PanelView = 'auto' | 'confusion' | 'drift' | 'comparison' | 'estimation' | 'multivariate';
/** The views that draw something, i.e. every choice but `auto`. */
export type ConcreteView = Exclude<PanelView, 'auto'>;
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
