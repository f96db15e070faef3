import React from 'react';
import { render, screen, within } from '@testing-library/react';

import { labels } from '../labels';
import { selectors } from '../selectors';
import { ModelOverview } from './ModelOverview';
import type { ModelSummary, Summary } from './summary';

const get = jest.fn();
const getList = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ get }),
  getDataSourceSrv: () => ({ getList }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

const AT = '2026-03-01T12:00:00Z';

function model(over: Partial<ModelSummary> & { model: string }): ModelSummary {
  return {
    versions: [{ version: 'A', lastPrediction: '2026-03-01T11:48:00Z', predictions: 1200 }],
    lastPrediction: '2026-03-01T11:48:00Z',
    predictions: 1200,
    labeled: 300,
    labelCoverage: 0.25,
    drift: { features: [], drifting: 0, checked: 4 },
    problems: [],
    ...over,
  };
}

function summary(models: ModelSummary[]): Summary {
  return {
    at: AT,
    window: { from: '2026-02-28T12:00:00Z', to: AT },
    reference: { from: '2026-02-21T12:00:00Z', to: '2026-02-28T12:00:00Z' },
    models,
    modelsTotal: models.length,
  };
}

const churn = model({
  model: 'churn-classifier',
  versions: [
    { version: 'A', lastPrediction: '2026-03-01T11:48:00Z', predictions: 1000 },
    { version: 'B', lastPrediction: '2026-03-01T09:00:00Z', predictions: 200 },
  ],
  drift: {
    features: [
      {
        feature: 'tenure',
        version: 'A',
        method: 'wasserstein',
        statistic: null,
        score: 0.4,
        scoreKind: 'distance',
        threshold: 0.1,
      },
      {
        feature: 'plan',
        version: 'B',
        method: 'jensenshannon',
        statistic: null,
        score: 0.2,
        scoreKind: 'distance',
        threshold: 0.1,
      },
    ],
    drifting: 3,
    checked: 6,
  },
});
const silent = model({
  model: 'basket-forecaster',
  versions: [{ version: 'v1', lastPrediction: '2026-03-01T09:00:00Z', predictions: 0 }],
  lastPrediction: '2026-03-01T09:00:00Z',
  predictions: 0,
  labeled: 0,
  labelCoverage: null,
});

const rulerAnswer = {
  Modelwatch: [
    {
      name: 'quality',
      rules: [
        {
          grafana_alert: {
            uid: 'r-prec',
            title: 'Precision drop',
            data: [
              { refId: 'A', datasourceUid: 'mw1', model: { model: 'churn-classifier' } },
              { refId: 'B', datasourceUid: '__expr__', model: { type: 'reduce' } },
            ],
          },
        },
        {
          grafana_alert: {
            uid: 'r-lat',
            title: 'Latency p95',
            data: [{ refId: 'A', datasourceUid: 'mw1', model: { model: 'churn-classifier' } }],
          },
        },
        {
          grafana_alert: {
            uid: 'r-other',
            title: 'Other store',
            data: [{ refId: 'A', datasourceUid: 'mw2', model: { model: 'basket-forecaster' } }],
          },
        },
      ],
    },
  ],
};
const promAnswer = {
  status: 'success',
  data: {
    groups: [
      {
        name: 'quality',
        rules: [
          {
            uid: 'r-prec',
            name: 'Precision drop',
            state: 'firing',
            alerts: [{ labels: { model: 'churn-classifier', version: 'B' }, state: 'Alerting' }],
          },
          { uid: 'r-lat', name: 'Latency p95', state: 'inactive', alerts: [] },
          { uid: 'r-other', name: 'Other store', state: 'pending', alerts: [] },
        ],
      },
    ],
  },
};

type Answer = unknown | ((url: string) => unknown);

/** Answers the page's requests by URL; an Error (or a rejected status object) fails it. */
function answer(routes: Record<string, Answer>) {
  get.mockImplementation((url: string) => {
    const key = Object.keys(routes).find((k) => url.includes(k));
    if (key === undefined) {
      return Promise.reject({ status: 404, statusText: `no route for ${url}` });
    }
    const value = routes[key];
    if (value instanceof Error || typeof (value as { status?: unknown })?.status === 'number') {
      return Promise.reject(value);
    }
    return Promise.resolve(value);
  });
}

async function card(name: string) {
  const heading = await screen.findByText(name);
  return heading.closest(`[data-testid="${selectors.models.card}"]`) as HTMLElement;
}

describe('ModelOverview', () => {
  beforeEach(() => {
    get.mockReset();
    getList.mockReset();
  });

  it('shows each model: versions, last prediction, volume, coverage, drift and dashboards', async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    answer({
      '/uid/mw1/resources/summary': summary([churn, silent]),
      '/api/ruler/': rulerAnswer,
      '/api/prometheus/': promAnswer,
    });
    render(<ModelOverview />);
    const c = await card('churn-classifier');
    expect(screen.getByText('Demo store')).toBeInTheDocument();
    const versions = within(c).getByTestId(selectors.models.versions);
    expect(versions).toHaveTextContent('A 12 min ago');
    expect(versions).toHaveTextContent('B 3 h ago');
    expect(within(c).getByTestId(selectors.models.lastPrediction)).toHaveTextContent('12 min ago');
    expect(within(c).queryByTestId(selectors.models.stopped)).not.toBeInTheDocument();
    expect(within(c).getByTestId(selectors.models.volume)).toHaveTextContent('1,200');
    expect(within(c).getByTestId(selectors.models.coverage)).toHaveTextContent('25.0% (300 of 1,200 labelled)');
    const drift = within(c).getByTestId(selectors.models.drift);
    expect(drift).toHaveTextContent('3 of 6 inputs drifting');
    expect(drift).toHaveTextContent('tenure · A');
    expect(drift).toHaveTextContent('plan · B');
    expect(drift).toHaveTextContent('and 1 more');
    const links = within(within(c).getByTestId(selectors.models.dashboards)).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/d/modelwatch-overview?var-datasource=mw1&var-model=churn-classifier',
      '/d/modelwatch-classification?var-datasource=mw1',
      '/d/modelwatch-drift?var-datasource=mw1',
      '/d/modelwatch-drift-explorer?var-datasource=mw1&var-model=churn-classifier',
      '/d/modelwatch-operations?var-datasource=mw1',
      '/d/modelwatch-outcomes?var-datasource=mw1&var-model=churn-classifier',
    ]);
    expect(get).toHaveBeenCalledWith('/api/datasources/uid/mw1/resources/summary', undefined, undefined, {
      showErrorAlert: false,
    });
  });

  it('flags a model whose last prediction is over an hour old and one without predictions', async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    answer({
      '/resources/summary': summary([silent]),
      '/api/ruler/': {},
      '/api/prometheus/': { data: { groups: [] } },
    });
    render(<ModelOverview />);
    const c = await card('basket-forecaster');
    expect(within(c).getByTestId(selectors.models.lastPrediction)).toHaveTextContent('3 h ago');
    expect(within(c).getByTestId(selectors.models.stopped)).toHaveTextContent(labels.models.stopped);
    expect(within(c).getByTestId(selectors.models.volume)).toHaveTextContent('0');
    expect(within(c).getByTestId(selectors.models.coverage)).toHaveTextContent(labels.models.noPredictions);
    expect(within(c).getByTestId(selectors.models.drift)).toHaveTextContent('none of 4 inputs');
  });

  it("shows each rule's state, link and firing series; a model without rules says so", async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    answer({
      '/resources/summary': summary([churn, silent]),
      '/api/ruler/': rulerAnswer,
      '/api/prometheus/': promAnswer,
    });
    render(<ModelOverview />);
    const c = await card('churn-classifier');
    const rules = within(c).getAllByTestId(selectors.models.rule);
    expect(rules.map((r) => r.textContent)).toEqual(['FiringPrecision dropfor version B', 'NormalLatency p95']);
    expect(within(rules[0]).getByRole('link', { name: 'Precision drop' })).toHaveAttribute(
      'href',
      '/alerting/grafana/r-prec/view'
    );
    expect(within(rules[1]).getByRole('link', { name: 'Latency p95' })).toHaveAttribute(
      'href',
      '/alerting/grafana/r-lat/view'
    );
    // The rule on another data source's basket-forecaster is not this one's.
    const other = await card('basket-forecaster');
    expect(within(other).queryAllByTestId(selectors.models.rule)).toHaveLength(0);
    expect(within(other).getByTestId(selectors.models.rulesNote)).toHaveTextContent(labels.models.noRules);
  });

  it('keeps the page for a Viewer without alerting access, with a note in place of the rules', async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    answer({
      '/resources/summary': summary([churn]),
      '/api/ruler/': { status: 403, statusText: 'Forbidden' },
      '/api/prometheus/': promAnswer,
    });
    render(<ModelOverview />);
    const c = await card('churn-classifier');
    expect(within(c).getByTestId(selectors.models.rulesNote)).toHaveTextContent(labels.models.rulesDenied);
    expect(within(c).getByTestId(selectors.models.volume)).toHaveTextContent('1,200');
  });

  it('names another alerting failure in the note', async () => {
    getList.mockReturnValue([{ uid: 'mw1', name: 'Demo store' }]);
    answer({
      '/resources/summary': summary([churn]),
      '/api/ruler/': {},
      '/api/prometheus/': { status: 500, data: { message: 'ruler down' } },
    });
    render(<ModelOverview />);
    const c = await card('churn-classifier');
    expect(within(c).getByTestId(selectors.models.rulesNote)).toHaveTextContent(labels.models.rulesError('ruler down'));
  });

  it('shows a failing data source with its message without hiding the others', async () => {
    getList.mockReturnValue([
      { uid: 'bad', name: 'Broken' },
      { uid: 'ok', name: 'Working' },
    ]);
    answer({
      '/uid/bad/': { status: 502, data: { error: 'the data source cannot open its prediction store' } },
      '/uid/ok/': summary([churn]),
      '/api/ruler/': {},
      '/api/prometheus/': {},
    });
    render(<ModelOverview />);
    expect(await screen.findByText('the data source cannot open its prediction store')).toBeInTheDocument();
    expect(screen.getByText(labels.models.summaryError)).toBeInTheDocument();
    expect(await card('churn-classifier')).toBeInTheDocument();
  });

  it('says so when no data source is configured, and when a store has no models', async () => {
    getList.mockReturnValue([]);
    const { unmount } = render(<ModelOverview />);
    expect(await screen.findByText(labels.app.noDataSources)).toBeInTheDocument();
    unmount();
    getList.mockReturnValue([{ uid: 'mw1', name: 'Empty store' }]);
    answer({ '/resources/summary': summary([]), '/api/ruler/': {}, '/api/prometheus/': {} });
    render(<ModelOverview />);
    expect(await screen.findByText(labels.app.noModels)).toBeInTheDocument();
  });
});
