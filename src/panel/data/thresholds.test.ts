import { ThresholdsMode } from '@grafana/data';

import { thresholdLines } from './thresholds';

describe('thresholdLines', () => {
  it('drops the base step and keeps the others in data units', () => {
    const lines = thresholdLines(
      {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 0.7, color: 'orange' },
          { value: 0.8, color: 'red' },
        ],
      },
      [0.5, 0.9]
    );
    expect(lines).toEqual([
      { value: 0.7, color: 'orange' },
      { value: 0.8, color: 'red' },
    ]);
  });

  it('places percentage steps between the data minimum and maximum', () => {
    const lines = thresholdLines({ mode: ThresholdsMode.Percentage, steps: [{ value: 50, color: 'red' }] }, [0.2, 0.6]);
    expect(lines[0].value).toBeCloseTo(0.4, 12);
  });

  it('ignores a step saved as null (the base step in JSON) and a missing config', () => {
    const steps = [{ value: null as unknown as number, color: 'green' }];
    expect(thresholdLines({ mode: ThresholdsMode.Absolute, steps }, [0, 1])).toEqual([]);
    expect(thresholdLines(undefined, [0, 1])).toEqual([]);
  });
});
