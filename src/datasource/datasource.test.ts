import type { DataSourceInstanceSettings } from '@grafana/data';

import { fakeTemplateSrv } from '../test/templateSrv';
import { ModelwatchDataSource } from './datasource';
import type { ModelwatchOptions, ModelwatchQuery } from './types';

const settings = {
  id: 1,
  uid: 'modelwatch-uid',
  type: 'mlops-modelwatch-datasource',
  name: 'Modelwatch',
  jsonData: { store: 'duckdb', path: '/tmp/demo.duckdb' },
  meta: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<ModelwatchOptions>;

const templateSrv = fakeTemplateSrv({
  model: 'churn-classifier',
  version: 'B',
  versions: ['A', 'B'],
  cls: 'churn',
  zd: '1',
  step: '1h',
  country: ['DE', 'FR'],
  feature: 'age',
  estimated: ['f1', 'roc_auc'],
  classes: ['cat', 'dog'],
});

const newDataSource = () => new ModelwatchDataSource(settings, templateSrv);

const baseQuery: ModelwatchQuery = {
  refId: 'A',
  schemaVersion: 1,
  queryType: 'classification',
  model: '$model',
  versions: ['$versions'],
  metrics: ['precision'],
  positiveClass: '$cls',
  format: 'timeseries',
};

describe('ModelwatchDataSource.applyTemplateVariables', () => {
  it('replaces variables in model and positive class', () => {
    const result = newDataSource().applyTemplateVariables(baseQuery, {});
    expect(result.model).toBe('churn-classifier');
    expect(result.positiveClass).toBe('churn');
  });

  it('replaces a variable in zeroDivision and passes numbers as they are', () => {
    const ds = newDataSource();
    expect(ds.applyTemplateVariables({ ...baseQuery, zeroDivision: '$zd' }, {}).zeroDivision).toBe('1');
    expect(ds.applyTemplateVariables({ ...baseQuery, zeroDivision: 0 }, {}).zeroDivision).toBe(0);
  });

  it('expands a multi-value variable into the versions array', () => {
    const result = newDataSource().applyTemplateVariables(baseQuery, {});
    expect(result.versions).toEqual(['A', 'B']);
  });

  it('mixes literal versions and variables without duplicates', () => {
    const result = newDataSource().applyTemplateVariables(
      { ...baseQuery, versions: ['A', '$version', '$versions'] },
      {}
    );
    expect(result.versions).toEqual(['A', 'B']);
  });

  it('prefers scoped variables (repeated panels)', () => {
    const result = newDataSource().applyTemplateVariables(baseQuery, {
      model: { text: 'basket-forecaster', value: 'basket-forecaster' },
    });
    expect(result.model).toBe('basket-forecaster');
  });

  it('keeps empty versions empty (every version)', () => {
    const result = newDataSource().applyTemplateVariables({ ...baseQuery, versions: [] }, {});
    expect(result.versions).toEqual([]);
  });

  it('does not add fields the query did not have', () => {
    const query: ModelwatchQuery = { refId: 'C', schemaVersion: 1, queryType: 'confusion', model: 'm' };
    expect(newDataSource().applyTemplateVariables(query, {})).toEqual(query);
  });

  it('migrates an unversioned query before it is sent', () => {
    const legacy = { refId: 'D', queryType: 'classification', model: '$model', version: 'A', metric: 'recall' };
    const result = newDataSource().applyTemplateVariables(legacy as ModelwatchQuery, {});
    expect(result).toMatchObject({ schemaVersion: 1, model: 'churn-classifier', versions: ['A'], metrics: ['recall'] });
    expect(result).not.toHaveProperty('version');
  });

  it('expands multi-value variables in filter values and features, keeping numbers', () => {
    const out = newDataSource().applyTemplateVariables(
      {
        ...baseQuery,
        features: ['$feature'],
        groupBy: 'country',
        filters: [
          { column: 'country', op: 'in', values: ['$country'] },
          { column: 'age', op: '>=', values: [40] },
        ],
      },
      {}
    );
    expect(out.features).toEqual(['age']);
    expect(out.groupBy).toBe('country');
    expect(out.filters).toEqual([
      { column: 'country', op: 'in', values: ['DE', 'FR'] },
      { column: 'age', op: '>=', values: [40] },
    ]);
  });

  it('expands multi-value variables in estimation metrics and classification classes', () => {
    const out = newDataSource().applyTemplateVariables(
      { ...baseQuery, queryType: 'estimation', estimate: ['$estimated', 'f1'], labels: ['$classes', 'fox'] },
      {}
    );
    expect(out.estimate).toEqual(['f1', 'roc_auc']);
    expect(out.labels).toEqual(['cat', 'dog', 'fox']);
  });

  it('interpolates the interval', () => {
    const result = newDataSource().applyTemplateVariables({ ...baseQuery, interval: '$step' }, {});
    expect(result.interval).toBe('1h');
  });
});

describe('ModelwatchDataSource', () => {
  it('hides queries without a model', () => {
    const ds = newDataSource();
    expect(ds.filterQuery({ refId: 'A', schemaVersion: 1, queryType: 'confusion' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', schemaVersion: 1, queryType: 'confusion', model: '' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', schemaVersion: 1, queryType: 'confusion', model: 'm', hide: true })).toBe(
      false
    );
    expect(ds.filterQuery({ refId: 'A', schemaVersion: 1, queryType: 'confusion', model: 'm' })).toBe(true);
  });

  it('starts new queries at the current schema version', () => {
    expect(newDataSource().getDefaultQuery()).toMatchObject({ schemaVersion: 1, queryType: 'classification' });
  });

  it('asks the resource routes of docs/query-reference.md', async () => {
    const ds = newDataSource();
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue(['x']);
    await expect(ds.getModels()).resolves.toEqual(['x']);
    await ds.getVersions('$model');
    await ds.getClasses('churn-classifier');
    expect(getResource.mock.calls).toEqual([
      ['models'],
      ['versions', { model: 'churn-classifier' }],
      ['classes', { model: 'churn-classifier' }],
    ]);
  });

  it('returns no choices when a route answers something else than a list', async () => {
    const ds = newDataSource();
    jest.spyOn(ds, 'getResource').mockResolvedValue({ error: 'boom' });
    await expect(ds.getModels()).resolves.toEqual([]);
  });
});

describe('ModelwatchDataSource.metricFindQuery', () => {
  const answers: Record<string, string[]> = {
    models: ['basket-forecaster', 'churn-classifier'],
    versions: ['A', 'B'],
    classes: ['churn', 'stay'],
    features: ['age', 'plan'],
    values: ['DE', 'FR'],
  };

  function withRoutes() {
    const ds = newDataSource();
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockImplementation(async (path: string) => answers[path] ?? { error: 'unknown route' });
    return { ds, getResource };
  }

  it.each([
    ['models()', ['models'], answers.models],
    ['versions(churn-classifier)', ['versions', { model: 'churn-classifier' }], answers.versions],
    ['classes( churn-classifier )', ['classes', { model: 'churn-classifier' }], answers.classes],
    ['features()', ['features'], answers.features],
    ['values(churn-classifier, country)', ['values', { model: 'churn-classifier', column: 'country' }], answers.values],
    ['  Versions("churn, v2")  ', ['versions', { model: 'churn, v2' }], answers.versions],
  ])('reads %p', async (query, call, values) => {
    const { ds, getResource } = withRoutes();
    const result = await ds.metricFindQuery(query);
    expect(getResource.mock.calls).toEqual([call]);
    expect(result).toEqual(values.map((value) => ({ text: value, value })));
  });

  it('interpolates variables in the arguments, scoped ones first', async () => {
    const { ds, getResource } = withRoutes();
    await ds.metricFindQuery('values($model, $feature)');
    await ds.metricFindQuery('versions(${model})', {
      scopedVars: { model: { text: 'basket-forecaster', value: 'basket-forecaster' } },
    });
    expect(getResource.mock.calls).toEqual([
      ['values', { model: 'churn-classifier', column: 'age' }],
      ['versions', { model: 'basket-forecaster' }],
    ]);
  });

  it('reads a query saved as {query}', async () => {
    const { ds, getResource } = withRoutes();
    await ds.metricFindQuery({ refId: 'V', query: 'classes($model)' });
    expect(getResource).toHaveBeenCalledWith('classes', { model: 'churn-classifier' });
  });

  it.each(['labels()', 'versions()', 'values(churn-classifier)', 'models(x)', 'models', '', 'versions(a))'])(
    'rejects %p naming the accepted forms',
    async (query) => {
      const { ds, getResource } = withRoutes();
      await expect(ds.metricFindQuery(query)).rejects.toThrow(
        'use one of models(), versions(MODEL), classes(MODEL), features(), values(MODEL, COLUMN)'
      );
      expect(getResource).not.toHaveBeenCalled();
    }
  );

  it('marks the model outputs that features() lists after the inputs', async () => {
    const ds = newDataSource();
    jest.spyOn(ds, 'getResource').mockResolvedValue(['age', 'plan', 'score', 'predicted_label']);
    await expect(ds.metricFindQuery('features()')).resolves.toEqual([
      { text: 'age', value: 'age' },
      { text: 'plan', value: 'plan' },
      { text: 'score (model output)', value: 'score' },
      { text: 'predicted_label (model output)', value: 'predicted_label' },
    ]);
  });

  it('returns no values when a route answers something else than a list', async () => {
    const ds = newDataSource();
    jest.spyOn(ds, 'getResource').mockResolvedValue({ error: 'boom' });
    await expect(ds.metricFindQuery('features()')).resolves.toEqual([]);
  });
});
