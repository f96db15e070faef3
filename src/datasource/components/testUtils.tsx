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

export async function renderEditor(query: ModelwatchQuery) {
  const datasource = fakeDataSource();
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

/** Opens the picker (found by its label) and clicks the option a user reads. */
export async function choose(pickerLabel: string, option: string) {
  const input = screen.getByLabelText(pickerLabel);
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  const menu = await screen.findByLabelText('Select options menu');
  fireEvent.click(within(menu).getByText(option));
  await settle();
}
