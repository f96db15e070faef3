// The host page's views: each draws what Grafana would draw around one of the plugin's
// components, from the built bundles, over the stand-in's routes.
import {
  AppPlugin,
  CoreApp,
  DataSourcePlugin,
  EventBusSrv,
  LoadingState,
  PanelPlugin,
  type AppPluginMeta,
  createTheme,
  dateTime,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type DataSourceSettings,
} from '@grafana/data';
import { getBackendSrv, setDataSourceSrv, type DataSourceSrv } from '@grafana/runtime';
import { Alert, Button, GlobalStyles, PanelContextProvider, ThemeContext } from '@grafana/ui';
import React, { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { lastValueFrom } from 'rxjs';

import { standinState } from './state';

export const APP_ID = 'mlops-modelwatch-app';
export const DATASOURCE_ID = 'mlops-modelwatch-datasource';
export const PANEL_ID = 'mlops-modelwatch-panel';

type Load = (id: string) => Promise<unknown>;

/** The demo store's last week, where the demo's incidents are. */
const RANGE = (() => {
  const to = dateTime('2026-03-31T00:00:00Z');
  const from = dateTime('2026-03-24T00:00:00Z');
  return { from, to, raw: { from, to } };
})();

/**
 * The theme as Grafana provides it, with its global styles (Grafana's fonts are not in its npm
 * packages: the stand-in answers 404 for them and the page falls back to the system's sans-serif),
 * and a page's main landmark and title.
 */
function Themed({ mode, title, children }: { mode: 'dark' | 'light'; title: string; children: React.ReactNode }) {
  const theme = createTheme({ colors: { mode } });
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main style={{ padding: 16, minHeight: '100vh' }}>
        <h1 style={{ fontSize: theme.typography.h3.fontSize }}>{title}</h1>
        {children}
      </main>
    </ThemeContext.Provider>
  );
}

/** A data source's settings as Grafana's frontend holds them, from the stand-in's routes. */
async function instanceSettings(uid: string): Promise<DataSourceInstanceSettings & { settings: DataSourceSettings }> {
  const backend = getBackendSrv();
  const [settings, meta] = await Promise.all([
    backend.get<DataSourceSettings>(`/api/datasources/uid/${uid}`),
    backend.get<DataSourcePluginMeta>(`/api/plugins/${DATASOURCE_ID}/settings`),
  ]);
  return {
    id: settings.id,
    uid: settings.uid,
    type: settings.type,
    name: settings.name,
    meta,
    jsonData: settings.jsonData,
    access: 'proxy',
    readOnly: false,
    settings: { ...settings, typeLogoUrl: '', typeName: 'Modelwatch' },
  };
}

/**
 * Loads the data source plugin and makes one instance of it the data source service's; the
 * service lists the data sources `list` names (of those the stand-in serves), as Grafana lists
 * the org's.
 */
async function dataSource(load: Load, uid: string, list: string[] = [uid]) {
  const plugin = (await load(DATASOURCE_ID)) as DataSourcePlugin<DataSourceApi>;
  if (!(plugin instanceof DataSourcePlugin)) {
    throw new Error('the data source bundle does not export a DataSourcePlugin');
  }
  const settings = await instanceSettings(uid);
  const listed = await Promise.all(list.map((other) => (other === uid ? settings : instanceSettings(other))));
  const DataSourceClass = plugin.DataSourceClass as unknown as new (s: DataSourceInstanceSettings) => DataSourceApi;
  const ds = new DataSourceClass(settings);
  setDataSourceSrv({
    get: async () => ds,
    getInstanceSettings: (ref?: string | { uid?: string } | null) =>
      ref === undefined || ref === null || ref === uid || (typeof ref === 'object' && ref.uid === uid)
        ? settings
        : undefined,
    getList: () => listed,
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  } as unknown as DataSourceSrv);
  return { plugin, ds, settings };
}

/** Runs queries through the data source as a panel does (DataSourceWithBackend: /api/ds/query). */
export async function runQueries(ds: DataSourceApi, targets: DataQueryRequest['targets']): Promise<DataQueryResponse> {
  const request = {
    requestId: `standin-${Date.now()}`,
    interval: '1h',
    intervalMs: 3_600_000,
    maxDataPoints: 500,
    range: RANGE,
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as unknown as DataQueryRequest;
  const result = ds.query(request);
  return result instanceof Promise ? result : lastValueFrom(result);
}

type Field = { name: string; type: string; values: unknown[]; labels?: Record<string, string> };

/**
 * A short account of a query response: the error, or per frame its name, field names, rows, the
 * labels of its value fields and the distinct values of its text fields.
 */
function describe(response: DataQueryResponse) {
  return {
    error: response.errors?.map((e) => e.message).join('; ') ?? response.error?.message,
    frames: response.data.map((f) => {
      const fields = f.fields as Field[];
      const labels = fields.filter((field) => field.labels).map((field) => field.labels);
      const text = Object.fromEntries(
        fields
          .filter((field) => field.type === 'string')
          .map((field) => [field.name, Array.from(new Set(field.values.map(String))).sort()])
      );
      return {
        name: f.name,
        fields: fields.map((field) => field.name),
        rows: f.length,
        ...(labels.length > 0 ? { labels } : {}),
        ...(Object.keys(text).length > 0 ? { text } : {}),
      };
    }),
  };
}

/** The three bundles as Grafana's loader imports them, each checked to be the plugin object Grafana expects. */
async function bundles(load: Load) {
  const expected: Array<[string, new (...args: never[]) => unknown]> = [
    [APP_ID, AppPlugin],
    [DATASOURCE_ID, DataSourcePlugin],
    [PANEL_ID, PanelPlugin],
  ];
  const out: Record<string, string> = {};
  for (const [id, kind] of expected) {
    const plugin = await load(id);
    out[id] = plugin instanceof kind ? kind.name : `not a ${kind.name}: ${Object.prototype.toString.call(plugin)}`;
  }
  return out;
}

/** Runs started from the query view; only the latest one reports (an older answer arriving late is dropped). */
let runsStarted = 0;

/**
 * The query editor as a panel's query tab holds it: the editor's onChange saves the query, its
 * onRunQuery runs the latest saved query (as Grafana's query runner reads the panel's queries),
 * and so does the Run button.
 */
function QueryView({
  editor: Editor,
  ds,
  initial,
}: {
  editor: React.ComponentType<Record<string, unknown>>;
  ds: DataSourceApi;
  initial: Record<string, unknown>;
}) {
  const [query, setQuery] = useState(initial);
  const latest = useRef(initial);
  const [result, setResult] = useState<ReturnType<typeof describe> | undefined>();
  const change = (next: Record<string, unknown>) => {
    latest.current = next;
    setQuery(next);
  };
  const run = async () => {
    const started = ++runsStarted;
    window.standinRunsStarted = started;
    const q = latest.current;
    const response = await runQueries(ds, [{ ...q, refId: 'A', datasource: { uid: ds.uid, type: ds.type } }]);
    if (started !== runsStarted) {
      return;
    }
    const described = describe(response);
    setResult(described);
    standinState({ status: 'ready', runs: started, query: q, result: described });
  };
  return (
    <>
      <Editor datasource={ds} query={query} onChange={change} onRunQuery={run} range={RANGE} app="dashboard" />
      <div data-standin-host style={{ marginTop: 16 }}>
        <Button data-testid="standin-run" onClick={run}>
          Run query
        </Button>
      </div>
      {result && (
        <pre data-standin-host data-testid="standin-result" style={{ marginTop: 16 }}>
          {JSON.stringify(result, null, 1)}
        </pre>
      )}
    </>
  );
}

function ConfigView({
  editor: Editor,
  initial,
}: {
  editor: React.ComponentType<Record<string, unknown>>;
  initial: DataSourceSettings;
}) {
  const [options, setOptions] = useState(initial);
  const [health, setHealth] = useState<{ status: string; message: string } | undefined>();
  const saveAndTest = async () => {
    const backend = getBackendSrv();
    await backend.put(`/api/datasources/uid/${options.uid}`, { name: options.name, jsonData: options.jsonData });
    let answer: { status: string; message: string };
    try {
      answer = await backend.get(`/api/datasources/uid/${options.uid}/health`);
    } catch (error) {
      answer = (error as { data: { status: string; message: string } }).data;
    }
    setHealth(answer);
    standinState({ status: 'ready', health: answer, jsonData: options.jsonData });
  };
  return (
    <>
      <Editor options={options} onOptionsChange={setOptions} />
      <div data-standin-host style={{ marginTop: 16 }}>
        <Button data-testid="standin-save-test" onClick={saveAndTest}>
          Save &amp; test
        </Button>
      </div>
      {health && (
        <div data-standin-host data-testid="standin-health" style={{ marginTop: 16 }}>
          <Alert title={health.message} severity={health.status === 'OK' ? 'success' : 'error'} />
        </div>
      )}
    </>
  );
}

/**
 * The panel as a dashboard draws it: its plugin's component with the data of its query and the
 * options the dashboard saved (Grafana's defaults need its registry of option editors, which the
 * stand-in does not have: a provisioned panel saves every option).
 */
async function panelView(
  load: Load,
  ds: DataSourceApi,
  target: Record<string, unknown>,
  options: Record<string, unknown>
) {
  const plugin = (await load(PANEL_ID)) as PanelPlugin;
  if (!(plugin instanceof PanelPlugin) || !plugin.panel) {
    throw new Error('the panel bundle does not export a PanelPlugin with a panel');
  }
  const response = await runQueries(ds, [{ refId: 'A', ...target, datasource: { uid: ds.uid, type: ds.type } }]);
  const Panel = plugin.panel;
  const eventBus = new EventBusSrv();
  const width = 1100;
  const height = 560;
  const node = (
    <PanelContextProvider value={{ eventsScope: 'standin', eventBus }}>
      <div style={{ width, height }}>
        <Panel
          id={1}
          data={{ state: LoadingState.Done, series: response.data, timeRange: RANGE, errors: response.errors }}
          timeRange={RANGE}
          timeZone="utc"
          options={options}
          fieldConfig={{ defaults: {}, overrides: [] }}
          transparent={false}
          width={width}
          height={height}
          renderCounter={0}
          title="Modelwatch"
          eventBus={eventBus}
          onOptionsChange={() => {}}
          onFieldConfigChange={() => {}}
          replaceVariables={(text: string) => text}
          onChangeTimeRange={() => {}}
        />
      </div>
    </PanelContextProvider>
  );
  return { node, result: describe(response) };
}

/** The app's page as Grafana routes to it: the app plugin's root with its meta. */
async function appView(load: Load) {
  const plugin = (await load(APP_ID)) as AppPlugin;
  if (!(plugin instanceof AppPlugin) || !plugin.root) {
    throw new Error('the app bundle does not export an AppPlugin with a root page');
  }
  const meta = await getBackendSrv().get<AppPluginMeta>(`/api/plugins/${APP_ID}/settings`);
  const Root = plugin.root;
  return <Root meta={meta} basename={`/a/${APP_ID}`} path={`/a/${APP_ID}`} query={{}} onNavChanged={() => {}} />;
}

/** Each view's page title, as Grafana's page header shows it. */
const TITLES: Record<string, string> = {
  bundles: 'Plugins',
  query: 'Edit panel: query',
  config: 'Data source: Modelwatch',
  panel: 'Dashboard panel',
  app: 'Modelwatch',
};

/** Draws the view the page's parameters name, and reports ready once it is drawn. */
export async function renderView(params: URLSearchParams, root: HTMLElement, load: Load) {
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  const view = params.get('view') ?? 'bundles';
  const uid = params.get('uid') ?? 'modelwatch-demo';
  const mount = (node: React.ReactNode) =>
    createRoot(root).render(
      <Themed mode={mode} title={TITLES[view] ?? view}>
        {node}
      </Themed>
    );
  switch (view) {
    case 'bundles': {
      const checked = await bundles(load);
      mount(
        <pre data-standin-host data-testid="standin-bundles">
          {JSON.stringify(checked, null, 1)}
        </pre>
      );
      standinState({ status: 'ready', bundles: checked });
      return;
    }
    case 'query': {
      const { plugin, ds } = await dataSource(load, uid);
      const Editor = plugin.components.QueryEditor as unknown as React.ComponentType<Record<string, unknown>>;
      // A new query starts as Grafana starts one: the data source's default query.
      const initial = JSON.parse(params.get('query') ?? 'null') ?? ds.getDefaultQuery?.(CoreApp.PanelEditor) ?? {};
      mount(<QueryView editor={Editor} ds={ds} initial={{ refId: 'A', ...initial }} />);
      standinState({ status: 'ready', runs: 0 });
      return;
    }
    case 'config': {
      const { plugin, settings } = await dataSource(load, uid);
      const Editor = plugin.components.ConfigEditor as unknown as React.ComponentType<Record<string, unknown>>;
      mount(<ConfigView editor={Editor} initial={settings.settings} />);
      standinState({ status: 'ready' });
      return;
    }
    case 'panel': {
      const { ds } = await dataSource(load, uid);
      const target = JSON.parse(params.get('query') ?? '{}') as Record<string, unknown>;
      const options = JSON.parse(params.get('options') ?? '{}') as Record<string, unknown>;
      const { node, result } = await panelView(load, ds, target, options);
      mount(node);
      standinState({ status: 'ready', result });
      return;
    }
    case 'app': {
      await dataSource(load, uid, (params.get('list') ?? uid).split(','));
      mount(await appView(load));
      standinState({ status: 'ready' });
      return;
    }
  }
  throw new Error(`unknown view ${view}`);
}
