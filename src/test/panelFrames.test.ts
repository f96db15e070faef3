import { readFileSync } from 'node:fs';
import path from 'node:path';

import { confusionFrameJSON } from './factories';
import { manyClassFixture } from './panelFrames';

describe('browser fixtures', () => {
  // The browser test draws a 20-class matrix from a committed file (the demo has two classes):
  // it must stay what the factory builds, or the screenshot and the jest tests show different data.
  it('confusion20.json holds the 20-class factory frame', () => {
    const file = path.join(__dirname, '..', '..', 'tests', 'browser', 'fixtures', 'confusion20.json');
    const committed = JSON.parse(readFileSync(file, 'utf8'));
    expect(committed).toEqual({ frames: [confusionFrameJSON(manyClassFixture(20))] });
  });
});
