// Browser harness of the app's Models page: renders src/pages/ModelOverview with Grafana's theme,
// the /summary answer and alerting answers served from tests/browser/fixtures (models-*.json).
// Stand-ins, kept minimal: a data source list with the demo data source; a backend service that
// answers GET requests from those files (alerting=denied answers the alerting API with 403, as
// Grafana does for a Viewer without alerting access); and the page's title and subtitle drawn
// around it, as Grafana's page chrome does (outside Grafana, @grafana/runtime's PluginPage draws
// its children only). Query parameters: theme, alerting.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme } from '@grafana/data';
import { setBackendSrv, setDataSourceSrv, type BackendSrv, type DataSourceSrv } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';

import { labels } from '../../../src/labels';
import { selectors } from '../../../src/selectors';
import { ModelOverview } from '../../../src/pages/ModelOverview';

declare global {
  interface Window {
    harnessState?: { status: 'ready' | 'error'; view?: string; error?: string };
    harnessRequests?: string[];
  }
}

const DATASOURCE = { uid: 'modelwatch-demo', name: 'Modelwatch demo' };

function main() {
  const params = new URLSearchParams(window.location.search);
  const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
  const denied = params.get('alerting') === 'denied';
  const requests: string[] = [];
  window.harnessRequests = requests;

  const files: Array<[string, string]> = [
    [`/api/datasources/uid/${DATASOURCE.uid}/resources/summary`, 'models-summary.json'],
    ['/api/ruler/grafana/api/v1/rules', 'models-ruler.json'],
    ['/api/prometheus/grafana/api/v1/rules', 'models-prometheus.json'],
  ];
  const get = async (url: string) => {
    requests.push(url);
    const file = files.find(([prefix]) => url === prefix)?.[1];
    if (file === undefined) {
      throw { status: 404, statusText: `no stand-in answer for ${url}` };
    }
    if (denied && url.includes('/rules')) {
      throw { status: 403, statusText: 'Forbidden', data: { message: 'permissions needed: alert.rules:read' } };
    }
    const response = await fetch(`/frames/${file}`);
    if (!response.ok) {
      throw { status: response.status, statusText: response.statusText };
    }
    return response.json();
  };
  setBackendSrv({ get } as unknown as BackendSrv);
  setDataSourceSrv({ getList: () => [DATASOURCE] } as unknown as DataSourceSrv);

  document.documentElement.lang = 'en';
  // Grafana's global styles size every box by its border; the page's cards count on it.
  const global = document.createElement('style');
  global.textContent = '*, *::before, *::after { box-sizing: border-box; }';
  document.head.appendChild(global);
  document.body.style.margin = '0';
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  document.body.style.fontSize = `${theme.typography.fontSize}px`;

  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <main style={{ padding: 16 }}>
        <h1 style={{ ...theme.typography.h2, margin: 0 }}>{labels.app.title}</h1>
        <p style={{ color: theme.colors.text.secondary }}>{labels.models.subtitle}</p>
        <ModelOverview />
      </main>
    </ThemeContext.Provider>
  );
  // Ready once the page has drawn its models (or a note that it has none).
  const started = Date.now();
  const poll = window.setInterval(() => {
    const page = document.querySelector(`[data-testid="${selectors.models.page}"]`);
    const loaded = page && !page.textContent?.includes(labels.models.loading) && page.querySelector('section');
    if (loaded) {
      window.clearInterval(poll);
      window.requestAnimationFrame(() => (window.harnessState = { status: 'ready', view: 'models' }));
    } else if (Date.now() - started > 20_000) {
      window.clearInterval(poll);
      window.harnessState = { status: 'error', error: 'the Models page did not finish loading' };
    }
  }, 50);
}

try {
  main();
} catch (error) {
  window.harnessState = { status: 'error', error: error instanceof Error ? error.stack : String(error) };
}
