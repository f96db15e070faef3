import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';

import type { ModelwatchDataSource } from '../datasource';
import type { ModelwatchQuery } from '../types';
import { QueryEditor } from './QueryEditor';

// Grafana's Select menu watches its scroll edges with an IntersectionObserver, which jsdom lacks.
if (!('IntersectionObserver' in window)) {
  class NoIntersections {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  Object.defineProperty(window, 'IntersectionObserver', { value: NoIntersections, writable: true });
}

// MultiCombobox measures its pills' text on a canvas; jsdom has no canvas, and the scaffold's setup stubs
// getContext to return nothing.
const measuringContext = { measureText: (text: string) => ({ width: text.length * 8 }), font: '' };
Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  value: () => measuringContext,
  writable: true,
});

// Combobox renders only the options that fit its menu's measured height; jsdom measures every element as empty.
for (const [name, size] of [
  ['clientHeight', 1000],
  ['clientWidth', 400],
] as const) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => size });
}

export function fakeDataSource() {
  return {
    getModels: jest.fn().mockResolvedValue(['churn-classifier', 'basket-forecaster']),
    getVersions: jest.fn().mockResolvedValue(['A', 'B']),
    getClasses: jest.fn().mockResolvedValue(['churn', 'stay']),
    getColumns: jest.fn().mockResolvedValue([
      { name: 'ts', type: 'timestamp', role: 'timestamp' },
      { name: 'country', type: 'text', role: 'feature' },
      { name: 'age', type: 'double', role: 'feature' },
    ]),
    getFeatures: jest.fn().mockResolvedValue(['age', 'country']),
    getValues: jest.fn().mockResolvedValue(['DE', 'FR', 'US']),
    getVariableNames: jest.fn().mockReturnValue(['$model']),
  };
}

/** The inline labels a user reads, without the required marker ("Model *" reads "Model"). */
export function fieldLabels(): string[] {
  return Array.from(document.querySelectorAll('label')).map((label) =>
    (label.textContent ?? '').replace(/\s*\*$/, '').trim()
  );
}

/** Lets pending resource requests settle so that their state updates happen inside act(). */
export async function settle() {
  await act(async () => {});
}

export async function renderEditor(
  query: ModelwatchQuery,
  prepare?: (datasource: ReturnType<typeof fakeDataSource>) => void
) {
  const datasource = fakeDataSource();
  prepare?.(datasource);
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const view = render(
    <QueryEditor
      query={query}
      datasource={datasource as unknown as ModelwatchDataSource}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  await settle();
  return { datasource, onChange, onRunQuery, view };
}

/** Opens the picker (found by its label) and returns its list of options. */
export async function openMenu(pickerLabel: string) {
  const input = screen.getByRole('combobox', { name: (name) => name.replace(/\s*\*$/, '') === pickerLabel });
  // A multi-value picker stays open after a choice; clicking it again would close it.
  if (input.getAttribute('aria-expanded') !== 'true') {
    fireEvent.click(input);
  }
  return screen.findByRole('listbox');
}

/** Opens the picker (found by its label) and clicks the option a user reads. */
export async function choose(pickerLabel: string, option: string) {
  const menu = await openMenu(pickerLabel);
  fireEvent.click(within(menu).getByRole('option', { name: new RegExp(`^${escape(option)}`) }));
  await settle();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
