import { DEFAULT_PANEL_OPTIONS, PANEL_OPTIONS_VERSION, type ModelwatchPanelOptions } from './types';

// Version 1 knew `auto` and `confusion`; version 2 added `drift` and `comparison`. The option
// names did not change, so a version 1 panel keeps its choices.
const VIEWS = new Set(['auto', 'confusion', 'drift', 'comparison', 'estimation', 'multivariate']);
const NORMALIZATIONS = new Set(['none', 'row', 'column', 'total']);

/**
 * Brings saved panel options up to the current version: unknown or missing values fall back to
 * the defaults, so a panel saved by an older (or newer) release still renders.
 */
export function migratePanelOptions(saved: object | undefined): ModelwatchPanelOptions {
  const options: Record<string, unknown> = { ...saved };
  return {
    view:
      typeof options.view === 'string' && VIEWS.has(options.view)
        ? (options.view as ModelwatchPanelOptions['view'])
        : DEFAULT_PANEL_OPTIONS.view,
    normalize:
      typeof options.normalize === 'string' && NORMALIZATIONS.has(options.normalize)
        ? (options.normalize as ModelwatchPanelOptions['normalize'])
        : DEFAULT_PANEL_OPTIONS.normalize,
    showCounts: typeof options.showCounts === 'boolean' ? options.showCounts : DEFAULT_PANEL_OPTIONS.showCounts,
    optionsVersion: PANEL_OPTIONS_VERSION,
  };
}
