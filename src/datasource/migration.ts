import { QUERY_SCHEMA_VERSION, type ModelwatchQuery } from './types';

/** Fields of queries saved before `schemaVersion` existed. */
interface LegacyFields {
  version?: unknown;
  metric?: unknown;
}

/**
 * Brings a saved query up to the current schema version. Queries that already carry a
 * schemaVersion are returned unchanged (the same object), so callers can compare by identity.
 */
export function migrateQuery<T extends ModelwatchQuery>(query: T): T {
  if (query.schemaVersion !== undefined && query.schemaVersion !== null) {
    return query;
  }
  const { version, metric, ...rest } = query as T & LegacyFields;
  const migrated = { ...rest, schemaVersion: QUERY_SCHEMA_VERSION } as T;
  if (migrated.versions === undefined && typeof version === 'string' && version !== '') {
    migrated.versions = [version];
  }
  if (migrated.metrics === undefined && typeof metric === 'string' && metric !== '') {
    migrated.metrics = [metric];
  }
  if (migrated.format === undefined) {
    migrated.format = 'timeseries';
  }
  return migrated;
}
