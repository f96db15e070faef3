import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { migrateQuery } from './migration';
import type { ModelwatchQuery } from './types';
import { queryErrors } from './validation';

interface QueryFixture {
  name: string;
  query: ModelwatchQuery & Record<string, unknown>;
  migrated?: ModelwatchQuery;
  valid: boolean;
  error?: string;
}

// The same fixtures are decoded by the Go tests: they keep both query models in step.
const fixturesDir = path.resolve(__dirname, '../../testdata/queries');
const fixtureFiles = readdirSync(fixturesDir).filter((file) => file.endsWith('.json'));
const fixtures = fixtureFiles.map((file) => ({
  file,
  fixture: JSON.parse(readFileSync(path.join(fixturesDir, file), 'utf8')) as QueryFixture,
}));

describe('migrateQuery', () => {
  it('finds the shared query fixtures', () => {
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(18);
    expect(fixtures.some(({ fixture }) => fixture.migrated !== undefined)).toBe(true);
  });

  describe.each(fixtures)('$file', ({ fixture }) => {
    if (fixture.migrated !== undefined) {
      it(`migrates: ${fixture.name}`, () => {
        expect(migrateQuery(fixture.query)).toEqual(fixture.migrated);
      });
      it('is idempotent', () => {
        const once = migrateQuery(fixture.query);
        expect(migrateQuery(once)).toBe(once);
      });
    } else {
      it(`leaves a v${fixture.query.schemaVersion} query unchanged: ${fixture.name}`, () => {
        expect(fixture.query.schemaVersion).toBe(1);
        const copy = JSON.parse(JSON.stringify(fixture.query));
        expect(migrateQuery(fixture.query)).toBe(fixture.query);
        expect(fixture.query).toEqual(copy);
      });
    }
  });

  // The editor refuses to run what it marks as an error: a query the backend accepts must not be marked.
  describe.each(fixtures.filter(({ fixture }) => fixture.valid))('$file', ({ fixture }) => {
    it('passes the editor checks', () => {
      expect(queryErrors(migrateQuery(fixture.query))).toEqual({});
    });
  });

  it.each([
    ['invalid_comparison_one_version.json', 'championChallenger'],
    ['invalid_drift_bins.json', 'bins'],
    ['invalid_reference_shift.json', 'reference'],
    ['invalid_threshold.json', 'threshold'],
  ])('the editor marks %s as the backend does', (file, field) => {
    const found = fixtures.find((entry) => entry.file === file);
    expect(found).toBeDefined();
    expect(Object.keys(queryErrors(found!.fixture.query))).toEqual([field]);
  });

  it('does not mutate the saved query', () => {
    const saved = { refId: 'A', model: 'm', version: 'B', metric: 'recall' } as ModelwatchQuery;
    const copy = { ...saved };
    migrateQuery(saved);
    expect(saved).toEqual(copy);
  });

  it('keeps an explicit format of an unversioned query', () => {
    const saved = { refId: 'A', model: 'm', format: 'numeric' } as ModelwatchQuery;
    expect(migrateQuery(saved)).toEqual({ refId: 'A', model: 'm', format: 'numeric', schemaVersion: 1 });
  });
});
