import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { ModelwatchDataSource } from './datasource';
import type { ModelwatchOptions, ModelwatchQuery } from './types';

export const plugin = new DataSourcePlugin<ModelwatchDataSource, ModelwatchQuery, ModelwatchOptions>(
  ModelwatchDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
