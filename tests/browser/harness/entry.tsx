// Browser harness: renders a panel view from backend frames (SDK JSON) the way the panel does
// inside Grafana (the same view choice, from meta.custom.kind), with Grafana's theme. Query
// parameters: view (the frames file to load), theme, width, height, thresholds (comma-separated
// values drawn as threshold steps). Loaded by the *.test.mjs files through harness/browser.mjs.
//
// The page stands in for a dashboard where the comparison needs one: a panel context with an
// event bus and crosshair sync on (as a dashboard with "shared crosshair"), the frames' time
// range as the dashboard's, and a time range change recorded instead of applied. The tests
// read what happened through window.harness: the hover events the panel published, the zooms
// it asked for, the uPlot charts of the sync scope, and a way to publish another panel's hover.
import React from 'react';
import { createRoot } from 'react-dom/client';
import uPlot from 'uplot';
import {
  createTheme,
  dataFrameFromJSON,
  DataHoverClearEvent,
  DataHoverEvent,
  dateTime,
  EventBusSrv,
  FieldType,
  ThresholdsMode,
  toDataFrame,
  type AbsoluteTimeRange,
  type DataFrame,
  type DataFrameJSON,
} from '@grafana/data';
import { DashboardCursorSync } from '@grafana/schema';
import { PanelContextProvider, ThemeContext } from '@grafana/ui';

import { DEFAULT_PANEL_OPTIONS, type Normalization } from '../../../src/panel/types';
import { panelContent } from '../../../src/panel/views/panelContent';

const EVENTS_SCOPE = 'harness';

interface HarnessProbe {
  /** Times (epoch ms) of the DataHoverEvents the panel published, and how many clears. */
  hovers: number[];
  clears: number;
  /** The time ranges the panel asked the dashboard to zoom to. */
  zooms: AbsoluteTimeRange[];
  /** The uPlot charts of the page's sync scope, with the test id of the figure around each. */
  plots: () => Array<{ testId: string | null; plot: uPlot }>;
  /** Publishes a hover at a time as another panel of the dashboard would. */
  hoverFromOtherPanel: (time: number) => void;
}

declare global {
  interface Window {
    harnessState?: { status: 'ready' | 'error'; view?: string; error?: string };
    harness?: HarnessProbe;
  }
}

/** The first and last time of the frames' time fields: the stand-in dashboard's time range. */
function framesTimeRange(frames: DataFrame[]) {
  let from = Infinity;
  let to = -Infinity;
  for (const frame of frames) {
    for (const field of frame.fields) {
      if (field.type === 'time') {
        for (const value of field.values) {
          from = Math.min(from, value);
          to = Math.max(to, value);
        }
      }
    }
  }
  if (!Number.isFinite(from)) {
    return undefined;
  }
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
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
  // Annotations as the dashboard passes them (data.annotations): `start` or `start-end` in epoch ms.
  const annotationSpans = (params.get('annotations') ?? '').split(',').filter(Boolean);
  const annotations = annotationSpans.length
    ? [
        toDataFrame({
          fields: [
            { name: 'time', type: FieldType.time, values: annotationSpans.map((span) => Number(span.split('-')[0])) },
            {
              name: 'timeEnd',
              type: FieldType.time,
              values: annotationSpans.map((span) => (span.includes('-') ? Number(span.split('-')[1]) : null)),
            },
            { name: 'text', type: FieldType.string, values: annotationSpans.map((_, i) => `Deploy ${i + 1}`) },
          ],
        }),
      ]
    : undefined;
  const theme = createTheme({ colors: { mode } });

  // A comparison panel has two queries: the time series, and the numeric whole-range summary.
  const frames = [...(await loadFrames(name)), ...(await loadFrames(`${name}-numeric`, true))];
  const series = frames.map((frame) => dataFrameFromJSON(frame));
  const eventBus = new EventBusSrv();
  const probe: HarnessProbe = {
    hovers: [],
    clears: 0,
    zooms: [],
    plots: () =>
      uPlot.sync(EVENTS_SCOPE).plots.map((plot) => ({
        testId: plot.root.closest('figure[data-testid]')?.getAttribute('data-testid') ?? null,
        plot,
      })),
    hoverFromOtherPanel: (time) => {
      const event = new DataHoverEvent({ point: { time } });
      eventBus.publish(event);
    },
  };
  eventBus.getStream(DataHoverEvent).subscribe((event) => {
    if (event.tags?.has('uplot') && event.payload.point.time != null) {
      probe.hovers.push(event.payload.point.time);
    }
  });
  eventBus.getStream(DataHoverClearEvent).subscribe((event) => {
    if (event.tags?.has('uplot')) {
      probe.clears++;
    }
  });
  window.harness = probe;
  const { view, element } = panelContent({
    series,
    timeRange: framesTimeRange(series),
    annotations,
    onChangeTimeRange: (range) => probe.zooms.push(range),
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
      <PanelContextProvider value={{ eventsScope: EVENTS_SCOPE, eventBus, sync: () => DashboardCursorSync.Crosshair }}>
        <div style={{ padding: 8, width, height, background: theme.colors.background.primary }}>{element}</div>
      </PanelContextProvider>
    </ThemeContext.Provider>
  );
  window.requestAnimationFrame(() => {
    window.harnessState = { status: 'ready', view };
  });
}

main().catch((error: unknown) => {
  window.harnessState = { status: 'error', error: error instanceof Error ? error.stack : String(error) };
});
