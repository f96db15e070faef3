/** Test ids, shared by components, unit tests and the browser test. */
export const selectors = {
  app: {
    overview: 'modelwatch-app-overview',
    modelList: 'modelwatch-app-model-list',
  },
  config: {
    store: 'modelwatch-config-store',
    path: 'modelwatch-config-path',
    table: 'modelwatch-config-table',
  },
  query: {
    editor: 'modelwatch-query-editor',
    queryType: 'modelwatch-query-type',
    model: 'modelwatch-query-model',
    versions: 'modelwatch-query-versions',
    metrics: 'modelwatch-query-metrics',
    positiveClass: 'modelwatch-query-positive-class',
    threshold: 'modelwatch-query-threshold',
    format: 'modelwatch-query-format',
    interval: 'modelwatch-query-interval',
  },
  panel: {
    confusion: {
      matrix: 'modelwatch-confusion-matrix',
      title: 'modelwatch-confusion-title',
      cell: 'modelwatch-confusion-cell',
      count: 'modelwatch-confusion-count',
      share: 'modelwatch-confusion-share',
      precision: 'modelwatch-confusion-precision',
      recall: 'modelwatch-confusion-recall',
    },
  },
} as const;
