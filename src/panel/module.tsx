import { PanelPlugin } from '@grafana/data';

import { labels } from '../labels';
import { migratePanelOptions } from './migration';
import { ModelwatchPanel } from './ModelwatchPanel';
import { DEFAULT_PANEL_OPTIONS, PANEL_OPTIONS_VERSION, type ModelwatchPanelOptions } from './types';

const text = labels.panel.options;

export const plugin = new PanelPlugin<ModelwatchPanelOptions>(ModelwatchPanel)
  .setMigrationHandler((panel) => migratePanelOptions(panel.options))
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
          ],
        },
      })
      .addRadio({
        path: 'normalize',
        name: text.normalize.name,
        description: text.normalize.description,
        defaultValue: DEFAULT_PANEL_OPTIONS.normalize,
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
      })
      .addNumberInput({
        path: 'optionsVersion',
        name: text.optionsVersion.name,
        defaultValue: PANEL_OPTIONS_VERSION,
        showIf: () => false,
      })
  );
