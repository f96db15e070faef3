// The host page of the stand-in tests: what Grafana's frontend gives a plugin, and nothing more.
// It provides Grafana's shared modules (react, react-dom, @grafana/data, @grafana/ui,
// @grafana/runtime, rxjs, emotion) to SystemJS under their names, as Grafana's plugin loader
// does, loads the built dist/ bundles through System.import, and draws what a user of a plugin
// sees: a data source's query editor, its config page with Save & test, the panel fed by
// /api/ds/query and the app's page. Every request goes to the Grafana stand-in
// (tests/standin), which forwards it to the real plugin binary.
//
// Not imitated: Grafana's navigation, dashboards, panel chrome, time picker, variables (the
// template service replaces nothing) and alerting. The page reports its state on
// window.standinState ({status: 'ready' | 'error', ...}).
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import { fetchBackendSrv } from './backendSrv';
import { standinState } from './state';
import { renderView } from './views';

declare const System: {
  set(id: string, module: unknown): void;
  addImportMap(map: { imports: Record<string, string> }): void;
  import(url: string): Promise<{ plugin?: unknown }>;
  constructor: { prototype: Record<string, unknown> };
};

/** Grafana's shared modules, as its plugin loader registers them (loader/sharedDependencies). */
const SHARED: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUI,
  '@grafana/runtime': grafanaRuntime,
  rxjs,
  'rxjs/operators': rxjsOperators,
  '@emotion/css': emotionCss,
  emotion: emotionCss,
  '@emotion/react': emotionReact,
};

function registerSharedModules() {
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(SHARED)) {
    System.set(`package:${name}`, module);
    imports[name] = `package:${name}`;
  }
  System.addImportMap({ imports });
  // As Grafana's loader: fetch every plugin file and run an AMD bundle with the define it hid
  // (window.__grafana_amd_define), so that libraries inside @grafana/data never see a global
  // define.
  const proto = System.constructor.prototype;
  proto.shouldFetch = () => true;
  const fetchModule = proto.fetch as (url: string, options: unknown) => Promise<Response>;
  proto.fetch = async function (this: unknown, url: string, options: unknown) {
    const res = await fetchModule.call(this, url, options);
    if (!/javascript/.test(res.headers.get('content-type') ?? '')) {
      return res;
    }
    const source = await res.text();
    const wrapped = /define\(/.test(source)
      ? `(function(define) {\n${source}\n})(window.__grafana_amd_define);`
      : source;
    return new Response(new Blob([wrapped], { type: 'text/javascript' }));
  };
}

/** Loads a plugin's built module.js as Grafana does and returns its `plugin` export. */
export async function loadPlugin(id: string): Promise<unknown> {
  const module = await System.import(`/public/plugins/${id}/module.js`);
  return module.plugin;
}

async function main() {
  registerSharedModules();
  grafanaRuntime.setBackendSrv(fetchBackendSrv);
  grafanaRuntime.setTemplateSrv({
    getVariables: () => [],
    replace: (target?: string) => target ?? '',
    containsTemplate: () => false,
    updateTimeRange: () => {},
  } as unknown as grafanaRuntime.TemplateSrv);
  const params = new URLSearchParams(window.location.search);
  const root = document.getElementById('root');
  if (!root) {
    throw new Error('no #root');
  }
  await renderView(params, root, loadPlugin);
}

main().catch((error: unknown) => {
  standinState({ status: 'error', error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
});
