import type {
  DataSourceInstanceSettings,
  LegacyMetricFindQueryOptions,
  MetricFindValue,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';

import { labels } from '../labels';
import { migrateQuery } from './migration';
import { DEFAULT_QUERY, isModelOutput, type ModelwatchOptions, type ModelwatchQuery, type StoreColumn } from './types';
import { parseVariableQuery, variableQueryText } from './variableQuery';

// Joins the values of a multi-value variable so they can be split back into an array after
// interpolation; the unit separator cannot appear in a model version typed by a user.
const MULTI_VALUE_SEPARATOR = '\u001f';

function joinMultiValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value.map(String).join(MULTI_VALUE_SEPARATOR);
  }
  return value === undefined || value === null ? '' : String(value);
}

function asStringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The Modelwatch data source: queries run on the Go backend; this class prepares them. */
export class ModelwatchDataSource extends DataSourceWithBackend<ModelwatchQuery, ModelwatchOptions> {
  constructor(
    instanceSettings: DataSourceInstanceSettings<ModelwatchOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
  }

  getDefaultQuery(): Partial<ModelwatchQuery> {
    return DEFAULT_QUERY;
  }

  /** A query without a model cannot run: the editor is still being filled in. */
  filterQuery(query: ModelwatchQuery): boolean {
    return !query.hide && Boolean(query.model);
  }

  applyTemplateVariables(query: ModelwatchQuery, scopedVars: ScopedVars): ModelwatchQuery {
    const migrated = migrateQuery(query);
    const replace = (value: string | undefined) =>
      value === undefined ? undefined : this.templateSrv.replace(value, scopedVars);
    const result: ModelwatchQuery = {
      ...migrated,
      model: replace(migrated.model),
      positiveClass: replace(migrated.positiveClass),
      interval: replace(migrated.interval),
    };
    if (migrated.versions) {
      result.versions = this.expandList(migrated.versions, scopedVars);
    }
    if (migrated.metrics) {
      result.metrics = this.expandList(migrated.metrics, scopedVars);
    }
    if (migrated.features) {
      result.features = this.expandList(migrated.features, scopedVars);
    }
    if (migrated.estimate) {
      result.estimate = this.expandList(migrated.estimate, scopedVars);
    }
    if (migrated.labels) {
      result.labels = this.expandList(migrated.labels, scopedVars);
    }
    if (migrated.groupBy !== undefined) {
      result.groupBy = replace(migrated.groupBy);
    }
    if (typeof migrated.zeroDivision === 'string') {
      result.zeroDivision = replace(migrated.zeroDivision);
    }
    if (migrated.filters) {
      // A filter value that is a multi-value variable becomes one value per selection; numbers
      // and booleans pass as they are (the backend converts strings to the column's type).
      result.filters = migrated.filters.map((filter) => ({
        ...filter,
        values: filter.values.flatMap((value): Array<string | number | boolean> =>
          typeof value === 'string' ? this.expandList([value], scopedVars) : [value]
        ),
      }));
    }
    for (const key of ['model', 'positiveClass', 'interval'] as const) {
      if (result[key] === undefined) {
        delete result[key];
      }
    }
    return result;
  }

  /** Interpolates each entry; a multi-value variable becomes one entry per selected value. */
  private expandList(values: string[], scopedVars: ScopedVars): string[] {
    const expanded = values.flatMap((value) =>
      this.templateSrv.replace(value, scopedVars, joinMultiValue).split(MULTI_VALUE_SEPARATOR)
    );
    return Array.from(new Set(expanded.filter((value) => value !== '')));
  }

  /** Dashboard variables as `$name`, for the editor's pickers. */
  getVariableNames(): string[] {
    return this.templateSrv.getVariables().map((variable) => `$${variable.name}`);
  }

  async getModels(): Promise<string[]> {
    return asStringList(await this.getResource('models'));
  }

  async getVersions(model: string): Promise<string[]> {
    return asStringList(await this.getResource('versions', { model: this.templateSrv.replace(model) }));
  }

  async getClasses(model: string): Promise<string[]> {
    return asStringList(await this.getResource('classes', { model: this.templateSrv.replace(model) }));
  }

  async getColumns(): Promise<StoreColumn[]> {
    const columns = await this.getResource('columns');
    return Array.isArray(columns) ? (columns as StoreColumn[]) : [];
  }

  async getFeatures(): Promise<string[]> {
    return asStringList(await this.getResource('features'));
  }

  /** Distinct values (as text) that the model logged in the column, for filter pickers. */
  async getValues(model: string, column: string, scopedVars?: ScopedVars): Promise<string[]> {
    return asStringList(
      await this.getResource('values', {
        model: this.templateSrv.replace(model, scopedVars),
        column: this.templateSrv.replace(column, scopedVars),
      })
    );
  }

  /**
   * Template variable queries: `models()`, `versions(MODEL)`, `classes(MODEL)`, `features()` and
   * `values(MODEL, COLUMN)`; arguments may hold `$variables`. Grafana edits them as plain text.
   */
  async metricFindQuery(query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const parsed = parseVariableQuery(variableQueryText(query));
    const scopedVars = options?.scopedVars;
    const arg = (value: string) => this.templateSrv.replace(value, scopedVars);
    let values: string[];
    switch (parsed.kind) {
      case 'models':
        values = await this.getModels();
        break;
      case 'versions':
        values = asStringList(await this.getResource('versions', { model: arg(parsed.model) }));
        break;
      case 'classes':
        values = asStringList(await this.getResource('classes', { model: arg(parsed.model) }));
        break;
      case 'features':
        values = await this.getFeatures();
        break;
      case 'values':
        values = await this.getValues(parsed.model, parsed.column, scopedVars);
        break;
    }
    // The features route lists the model outputs after the inputs; their text says what they are.
    const text = (value: string) =>
      parsed.kind === 'features' && isModelOutput(value) ? `${value} (${labels.query.features.modelOutput})` : value;
    return values.map((value) => ({ text: text(value), value }));
  }
}
