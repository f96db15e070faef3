/** A dashboard of the app that a model's card links to. */
export interface DashboardLink {
  uid: string;
  title: string;
  /** Whether the dashboard has a `model` variable, so the link can pick the model. */
  byModel: boolean;
}

/**
 * The app's dashboards (provisioning/dashboards/modelwatch/*.json). The overview, drift explorer
 * and outcomes dashboards have a `model` variable; the older three do not.
 */
export const DASHBOARDS: DashboardLink[] = [
  { uid: 'modelwatch-overview', title: 'Overview', byModel: true },
  { uid: 'modelwatch-classification', title: 'Classification', byModel: false },
  { uid: 'modelwatch-drift', title: 'Drift', byModel: false },
  { uid: 'modelwatch-drift-explorer', title: 'Drift explorer', byModel: true },
  { uid: 'modelwatch-operations', title: 'Operations', byModel: false },
  { uid: 'modelwatch-outcomes', title: 'Outcomes', byModel: true },
];

/**
 * The link to a dashboard for a model of a data source: every dashboard of the app reads its
 * Modelwatch data source from a `datasource` variable, and the by-model ones their model too.
 */
export function dashboardHref(dashboard: DashboardLink, model: string, datasourceUid: string): string {
  const params = new URLSearchParams({ 'var-datasource': datasourceUid });
  if (dashboard.byModel) {
    params.set('var-model', model);
  }
  return `/d/${dashboard.uid}?${params.toString()}`;
}
