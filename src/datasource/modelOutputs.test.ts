import { readFileSync } from 'fs';
import path from 'path';

import { FAMILIES } from './families';
import { MODEL_OUTPUTS, QUALITY_METRICS, isModelOutput } from './types';

// The Go tests (pkg/query) check the same fixture against QualityMetrics and ModelOutputs.
const fixture = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../testdata/queries/quality_model_outputs.json'), 'utf8')
) as { query: { features: string[]; metrics: string[] } };

describe('model outputs and quality metrics', () => {
  it('lists the quality metrics the backend accepts, std_ratio and mean_shift included', () => {
    expect([...QUALITY_METRICS]).toEqual(fixture.query.metrics);
    expect(FAMILIES.quality.metrics).toEqual(QUALITY_METRICS);
  });

  it('knows the model outputs the backend accepts in features', () => {
    expect([...MODEL_OUTPUTS]).toEqual(fixture.query.features);
    expect(fixture.query.features.every(isModelOutput)).toBe(true);
    expect(isModelOutput('age')).toBe(false);
  });
});
