/** Plugin ids, as in each plugin.json. */
export const APP_ID = 'mlops-modelwatch-app';
export const DATASOURCE_ID = 'mlops-modelwatch-datasource';
export const PANEL_ID = 'mlops-modelwatch-panel';
