import { FieldType, toDataFrame } from '@grafana/data';

import { FIXED_TIME } from '../../test/factories';
import { annotationFrame } from '../../test/panelFrames';
import { annotationMarkers } from './annotations';

const HOUR = 3_600_000;

describe('annotationMarkers', () => {
  it('turns rows into points and regions sorted by time', () => {
    const frame = annotationFrame([
      { time: FIXED_TIME + 2 * HOUR, text: 'deploy B', color: 'red' },
      { time: FIXED_TIME, timeEnd: FIXED_TIME + HOUR, text: 'backfill' },
    ]);
    expect(annotationMarkers([frame])).toEqual([
      { key: '0/1', time: FIXED_TIME, timeEnd: FIXED_TIME + HOUR, text: 'backfill', color: undefined },
      { key: '0/0', time: FIXED_TIME + 2 * HOUR, timeEnd: undefined, text: 'deploy B', color: 'red' },
    ]);
  });

  it('treats an end that is not after the start as a point', () => {
    const frame = annotationFrame([{ time: FIXED_TIME, timeEnd: FIXED_TIME, text: 'same instant' }]);
    expect(annotationMarkers([frame])[0].timeEnd).toBeUndefined();
  });

  it('skips rows without a time and frames without a time field', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [null, FIXED_TIME] },
        { name: 'text', type: FieldType.string, values: ['lost', 'kept'] },
      ],
    });
    const noTime = toDataFrame({ fields: [{ name: 'text', type: FieldType.string, values: ['x'] }] });
    expect(annotationMarkers([noTime, frame]).map((marker) => marker.text)).toEqual(['kept']);
  });

  it('has nothing to draw without annotations', () => {
    expect(annotationMarkers(undefined)).toEqual([]);
    expect(annotationMarkers([])).toEqual([]);
  });
});
