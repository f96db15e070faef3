// Browser harness: renders the panel's confusion view from backend frames (SDK JSON), the way
// the panel does inside Grafana, with Grafana's theme. Loaded by confusion.test.mjs.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, dataFrameFromJSON, type DataFrameJSON } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';

import { confusionMatricesFromFrames } from '../../../src/panel/data/confusion';
import { ConfusionMatrix } from '../../../src/panel/views/ConfusionMatrix';
import type { Normalization } from '../../../src/panel/types';

declare global {
  interface Window {
    harnessState?: { status: 'ready' | 'error'; matrices?: number; error?: string };
  }
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  const normalize = (params.get('normalize') ?? 'row') as Normalization;
  const theme = createTheme({ colors: { mode } });

  const response = await fetch('/frames.json');
  const body = await response.json();
  const frames = (Array.isArray(body) ? body : body.frames) as DataFrameJSON[];
  const matrices = confusionMatricesFromFrames(frames.map((frame) => dataFrameFromJSON(frame)));

  document.body.style.margin = '0';
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  document.body.style.fontSize = `${theme.typography.fontSize}px`;

  const width = 720;
  const height = 480;
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <ThemeContext.Provider value={theme}>
      <div style={{ padding: 16, width, height, background: theme.colors.background.primary }}>
        <ConfusionMatrix matrices={matrices} options={{ normalize, showCounts: true }} width={width} height={height} />
      </div>
    </ThemeContext.Provider>
  );
  window.requestAnimationFrame(() => {
    window.harnessState = { status: 'ready', matrices: matrices.length };
  });
}

main().catch((error: unknown) => {
  window.harnessState = { status: 'error', error: error instanceof Error ? error.stack : String(error) };
});
