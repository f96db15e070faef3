import { FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';

import { labels } from '../labels';
import { migratePanelOptions } from './migration';
import { ModelwatchPanel } from './ModelwatchPanel';
import { DEFAULT_PANEL_OPTIONS, PANEL_OPTIONS_VERSION, type ModelwatchPanelOptions } from './types';

const text = labels.panel.options;

/** The matrix options apply to the confusion view, which `auto` may pick. */
const showsConfusion = (options: ModelwatchPanelOptions) => options.view === 'auto' || options.view === 'confusion';

// Thresholds (drawn on the comparison's metric chart), and the unit and decimals of the values
// every view shows.
const USED_STANDARD_OPTIONS = new Set<FieldConfigProperty>([
  FieldConfigProperty.Thresholds,
  FieldConfigProperty.Unit,
  FieldConfigProperty.Decimals,
]);
const UNUSED_STANDARD_OPTIONS = Object.values(FieldConfigProperty).filter(
  (property) => !USED_STANDARD_OPTIONS.has(property)
);

export const plugin = new PanelPlugin<ModelwatchPanelOptions>(ModelwatchPanel)
  .setDataSupport({ annotations: true, alertStates: true })
  .setMigrationHandler((panel) => migratePanelOptions(panel.options))
  .useFieldConfig({
    disableStandardOptions: UNUSED_STANDARD_OPTIONS,
    standardOptions: {
      [FieldConfigProperty.Thresholds]: {
        defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }] },
      },
    },
  })
  .setPanelOptions((builder) =>
    builder
      .addRadio({
        path: 'view',
        name: text.view.name,
        description: text.view.description,
        defaultValue: DEFAULT_PANEL_OPTIONS.view,
        settings: {
          options: [
            { value: 'auto', label: text.viewOptions.auto },
            { value: 'confusion', label: text.viewOptions.confusion },
            { value: 'drift', label: text.viewOptions.drift },
            { value: 'comparison', label: text.viewOptions.comparison },
            { value: 'estimation', label: text.viewOptions.estimation },
            { value: 'multivariate', label: text.viewOptions.multivariate },
          ],
        },
      })
      .addRadio({
        path: 'normalize',
        name: text.normalize.name,
        description: text.normalize.description,
        defaultValue: DEFAULT_PANEL_OPTIONS.normalize,
        showIf: showsConfusion,
        settings: {
          options: [
            { value: 'none', label: text.normalizeOptions.none },
            { value: 'row', label: text.normalizeOptions.row },
            { value: 'column', label: text.normalizeOptions.column },
            { value: 'total', label: text.normalizeOptions.total },
          ],
        },
      })
      .addBooleanSwitch({
        path: 'showCounts',
        name: text.showCounts.name,
        description: text.showCounts.description,
        defaultValue: DEFAULT_PANEL_OPTIONS.showCounts,
        showIf: showsConfusion,
      })
      .addNumberInput({
        path: 'optionsVersion',
        name: text.optionsVersion.name,
        defaultValue: PANEL_OPTIONS_VERSION,
        showIf: () => false,
      })
  );
