import React from 'react';
import { render, screen } from '@testing-library/react';

import { labels } from '../labels';
import { ModelOverview } from './ModelOverview';

const get = jest.fn();
const getList = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ get }),
  getDataSourceSrv: () => ({ getList }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

describe('ModelOverview', () => {
  beforeEach(() => {
    get.mockReset();
    getList.mockReset();
  });

  it('lists the models of each Modelwatch data source from the models route', async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    get.mockResolvedValue(['churn-classifier', 'basket-forecaster']);
    render(<ModelOverview />);
    expect(await screen.findByText('churn-classifier')).toBeInTheDocument();
    expect(screen.getByText('basket-forecaster')).toBeInTheDocument();
    expect(screen.getByText('Demo store')).toBeInTheDocument();
    expect(getList).toHaveBeenCalledWith({ pluginId: 'mlops-modelwatch-datasource' });
    expect(get).toHaveBeenCalledWith('/api/datasources/uid/mw1/resources/models');
  });

  it('says so when no data source is configured', async () => {
    getList.mockReturnValue([]);
    render(<ModelOverview />);
    expect(await screen.findByText(labels.app.noDataSources)).toBeInTheDocument();
  });

  it('shows a failing data source without hiding the others', async () => {
    getList.mockReturnValue([
      { uid: 'bad', name: 'Broken' },
      { uid: 'ok', name: 'Working' },
    ]);
    get.mockImplementation((url: string) =>
      url.includes('/bad/') ? Promise.reject(new Error('store file not found')) : Promise.resolve(['m1'])
    );
    render(<ModelOverview />);
    expect(await screen.findByText('store file not found')).toBeInTheDocument();
    expect(screen.getByText('m1')).toBeInTheDocument();
  });
});
