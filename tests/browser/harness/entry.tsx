// Browser harness: renders a panel view from backend frames (SDK JSON) the way the panel does
// inside Grafana (the same view choice, from meta.custom.kind), with Grafana's theme. Query
// parameters: view (the frames file to load), theme, width, height, thresholds (comma-separated
// values drawn as threshold steps). Loaded by the *.test.mjs files through harness/browser.mjs.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, dataFrameFromJSON, ThresholdsMode, type DataFrameJSON } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';

import { DEFAULT_PANEL_OPTIONS, type Normalization } from '../../../src/panel/types';
import { panelContent } from '../../../src/panel/views/panelContent';

declare global {
  interface Window {
    harnessState?: { status: 'ready' | 'error'; view?: string; error?: string };
  }
}

async function loadFrames(name: string, optional = false): Promise<DataFrameJSON[]> {
  const response = await fetch(`/frames/${name}.json${optional ? '?optional' : ''}`);
  if (!response.ok) {
    throw new Error(`frames ${name}.json: HTTP ${response.status}`);
  }
  const body = await response.json();
  return (Array.isArray(body) ? body : body.frames) as DataFrameJSON[];
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  const name = params.get('view') ?? 'confusion';
  const normalize = (params.get('normalize') ?? 'row') as Normalization;
  const width = Number(params.get('width') ?? 720);
  const height = Number(params.get('height') ?? 480);
  const thresholdValues = (params.get('thresholds') ?? '').split(',').filter(Boolean).map(Number);
  const theme = createTheme({ colors: { mode } });

  // A comparison panel has two queries: the time series, and the numeric whole-range summary.
  const frames = [...(await loadFrames(name)), ...(await loadFrames(`${name}-numeric`, true))];
  const { view, element } = panelContent({
    series: frames.map((frame) => dataFrameFromJSON(frame)),
    options: { ...DEFAULT_PANEL_OPTIONS, normalize },
    width,
    height,
    timeZone: 'utc',
    thresholds: {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        ...thresholdValues.map((value, i) => ({ value, color: i % 2 === 0 ? 'red' : 'orange' })),
      ],
    },
  });
  if (!element) {
    throw new Error(`nothing to draw from ${name}.json (view ${view ?? 'none'})`);
  }

  document.body.style.margin = '0';
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  document.body.style.fontSize = `${theme.typography.fontSize}px`;

  const root = createRoot(document.getElementById('root')!);
  root.render(
    <ThemeContext.Provider value={theme}>
      <div style={{ padding: 8, width, height, background: theme.colors.background.primary }}>{element}</div>
    </ThemeContext.Provider>
  );
  window.requestAnimationFrame(() => {
    window.harnessState = { status: 'ready', view };
  });
}

main().catch((error: unknown) => {
  window.harnessState = { status: 'error', error: error instanceof Error ? error.stack : String(error) };
});
