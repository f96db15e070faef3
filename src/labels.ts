/** User-facing strings, kept in one place so that tests and components agree on them. */
export const labels = {
  app: {
    title: 'Models',
    subtitle: 'Models found in each Modelwatch data source',
    noDataSources: 'No Modelwatch data source is configured. Add one under Connections > Data sources.',
    noModels: 'No predictions logged yet in this data source.',
    loadError: 'Could not list models',
    loading: 'Loading models',
  },
  config: {
    store: { label: 'Store', tooltip: 'Where the prediction log is kept.' },
    storeOptions: { duckdb: { label: 'DuckDB', description: 'embedded DuckDB file' } },
    path: {
      label: 'File path',
      tooltip: 'Path of the DuckDB file, as seen by the Grafana server.',
      placeholder: '/var/lib/grafana/modelwatch/demo.duckdb',
    },
    table: { label: 'Table', tooltip: 'Table of logged predictions.', placeholder: 'predictions' },
  },
  query: {
    queryType: { label: 'Query type', tooltip: 'The family of metrics to compute.' },
    queryTypeOptions: {
      classification: { label: 'Classification', description: 'Precision, recall, F1 and friends' },
      confusion: { label: 'Confusion matrix', description: 'Counts of actual x predicted labels' },
    },
    model: { label: 'Model', tooltip: 'Model name as logged; a $variable is allowed.', placeholder: 'Choose a model' },
    versions: {
      label: 'Versions',
      tooltip: 'Leave empty for every version of the model.',
      placeholder: 'All versions',
    },
    metrics: { label: 'Metrics', tooltip: 'Leave empty for every metric.', placeholder: 'All metrics' },
    metricOptions: {
      accuracy: 'Accuracy',
      precision: 'Precision',
      recall: 'Recall',
      f1: 'F1',
      specificity: 'Specificity',
      mcc: 'Matthews correlation (MCC)',
      balanced_accuracy: 'Balanced accuracy',
    },
    positiveClass: {
      label: 'Positive class',
      tooltip: 'The label counted as positive.',
      placeholder: 'Choose a class',
    },
    threshold: {
      label: 'Threshold',
      tooltip: 'Predicted positive when score >= threshold. Leave empty to use the logged predicted label.',
      placeholder: 'logged label',
      outOfRange: 'Threshold must be a number between 0 and 1.',
    },
    format: { label: 'Format', tooltip: 'Over time, or one number per version for the whole range.' },
    formatOptions: {
      timeseries: { label: 'Time series' },
      numeric: { label: 'Numeric', description: 'One value per version over the whole range' },
    },
    interval: {
      label: 'Interval',
      tooltip: "Bucket size such as 1h, 15m or 1d. Leave empty for the panel's interval.",
      placeholder: 'auto',
    },
    resourceError: 'Could not load choices from the data source',
  },
  panel: {
    actual: 'Actual',
    predicted: 'Predicted',
    precision: 'Precision',
    recall: 'Recall',
    noConfusionFrames: 'No confusion matrix in the data. Use a Modelwatch query of type "Confusion matrix".',
    options: {
      view: { name: 'View', description: 'What to draw from the query results.' },
      viewOptions: { auto: 'Auto', confusion: 'Confusion matrix' },
      normalize: { name: 'Normalise', description: 'Share shown in each cell, and the colour scale.' },
      normalizeOptions: { none: 'None', row: 'By actual (row)', column: 'By predicted (column)', total: 'By total' },
      showCounts: { name: 'Show counts', description: 'Show the count in each cell beside the share.' },
      optionsVersion: { name: 'Options version' },
    },
  },
} as const;
