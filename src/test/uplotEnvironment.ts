// What Grafana's uPlot charts need from a browser that jsdom lacks, for the tests that mount
// them: a 2D canvas context (jest-canvas-mock records the drawing calls and draws nothing) and a
// ResizeObserver (Grafana's tooltip plugin observes the plot's size; nothing resizes in jsdom).
// What is drawn is checked in Chromium (tests/browser/comparison.test.mjs).
import 'jest-canvas-mock';

class InertResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

if (typeof window.ResizeObserver === 'undefined') {
  window.ResizeObserver = InertResizeObserver;
}
