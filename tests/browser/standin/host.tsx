// The host page of the stand-in tests: what Grafana's frontend gives a plugin, and nothing more.
// It provides Grafana's shared modules (react, react-dom, @grafana/data, @grafana/ui,
// @grafana/runtime, rxjs, emotion) to SystemJS under their names, as Grafana's plugin loader
// does, loads the built dist/ bundles through System.import, and draws what a user of a plugin
// sees: a data source's query editor, its config page with Save & test, the panel fed by
// /api/ds/query and the app's page. Every request goes to the Grafana stand-in
// (tests/standin), which forwards it to the real plugin binary.
//
// Not imitated: Grafana's navigation, dashboards, panel chrome, time picker and alerting; the
// template service knows the variables the page is given (`vars`), with their current values.
// The page reports its state on window.standinState ({status: 'ready' | 'error', ...}).
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

/** A dashboard's variables with their current values (a list for a multi-value variable). */
type Variables = Record<string, string | string[]>;

/**
 * The template service of a dashboard with these variables: $name and ${name} are replaced by the
 * current value; a list is handed to the caller's format function, else written as Grafana's
 * default glob format writes it ({a,b}). Grafana's other formats, $__ variables and scoped
 * variables are not imitated.
 */
function templateSrv(variables: Variables) {
  const value = (name: string, format: unknown) => {
    const current = variables[name];
    if (typeof format === 'function') {
      return String(format(current));
    }
    return Array.isArray(current) && current.length > 1 ? `{${current.join(',')}}` : String(current);
  };
  const pattern = /\$(\w+)|\$\{(\w+)\}/g;
  return {
    getVariables: () =>
      Object.keys(variables).map((name) => ({ name, type: 'custom', current: { value: variables[name] } })),
    replace: (target?: string, _scoped?: unknown, format?: unknown) =>
      (target ?? '').replace(pattern, (whole: string, plain?: string, braced?: string) => {
        const name = plain ?? braced ?? '';
        return name in variables ? value(name, format) : whole;
      }),
    containsTemplate: (target?: string) =>
      Array.from((target ?? '').matchAll(pattern)).some((m) => (m[1] ?? m[2]) in variables),
    updateTimeRange: () => {},
  } as unknown as grafanaRuntime.TemplateSrv;
}

/** Loads a plugin's built module.js as Grafana does and returns its `plugin` export. */
export async function loadPlugin(id: string): Promise<unknown> {
  const module = await System.import(`/public/plugins/${id}/module.js`);
  return module.plugin;
}

async function main() {
  registerSharedModules();
  grafanaRuntime.setBackendSrv(fetchBackendSrv);
  const params = new URLSearchParams(window.location.search);
  grafanaRuntime.setTemplateSrv(templateSrv(JSON.parse(params.get('vars') ?? '{}') as Variables));
  const root = document.getElementById('root');
  if (!root) {
    throw new Error('no #root');
  }
  await renderView(params, root, loadPlugin);
}

main().catch((error: unknown) => {
  standinState({ status: 'error', error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
});
