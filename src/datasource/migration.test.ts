import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { migrateQuery } from './migration';
import type { ModelwatchQuery } from './types';

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
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(8);
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
